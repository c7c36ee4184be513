"""`track` events from a sales tool ("Email Sent", "Call Logged", …) counted as activities.

The event's person is the prospect (its userId, anonymousId or email, as for any event); the
rep who did it is named by email in the properties. Called by event processing for each batch:
two queries and one bulk insert whatever the batch size. The activity's external id names the
raw event, so processing an event again adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models.functions import Lower

from smarketing.events.models import EventType, RawEvent
from smarketing.events.processing import payload as p
from smarketing.handoff.models import Activity, ActivityKind, CallOutcome
from smarketing.org.models import User
from smarketing.people.models import Contact

logger = logging.getLogger(__name__)

# Event names (compared without case, spaces or punctuation) → the activity they are.
SALES_EVENTS: dict[str, str] = {
    "emailsent": ActivityKind.EMAIL,
    "emaillogged": ActivityKind.EMAIL,
    "callmade": ActivityKind.CALL,
    "calllogged": ActivityKind.CALL,
    "callcompleted": ActivityKind.CALL,
    "meetingheld": ActivityKind.MEETING,
    "meetinglogged": ActivityKind.MEETING,
    "meetingcompleted": ActivityKind.MEETING,
    "notelogged": ActivityKind.NOTE,
    "noteadded": ActivityKind.NOTE,
}
# Where the rep's email may be, first found wins.
REP_PROPERTIES = ("rep_email", "sales_rep_email", "user_email", "owner_email", "sender_email")
EXTERNAL_PREFIX = "event:"
OUTCOMES = {c.value for c in CallOutcome}


def sales_kind(raw: RawEvent) -> str | None:
    if raw.type != EventType.TRACK:
        return None
    return SALES_EVENTS.get(p.event_key(raw.event or ""))


def _rep_email(properties: dict[str, Any]) -> str:
    for name in REP_PROPERTIES:
        found = p.email_clean(properties.get(name))
        if found:
            return found
    return ""


def activities_from_events(
    *, events: Sequence[RawEvent], contact_of: Mapping[int, int | None]
) -> int:
    """Write an Activity for each sales-tool event whose prospect (`contact_of` by raw event
    id) and rep are known; returns how many it wrote or found already written. Events naming
    no known rep are skipped with a log line: they still count as the prospect's touchpoint."""
    candidates = [
        (raw, kind, p.obj(p.obj(raw.payload).get("properties")))
        for raw in events
        if (kind := sales_kind(raw)) and contact_of.get(raw.pk)
    ]
    if not candidates:
        return 0
    emails = {_rep_email(props) for _, _, props in candidates} - {""}
    reps = {
        email: pk
        for email, pk in User.objects.annotate(e=Lower("email"))
        .filter(e__in=emails, is_active=True)
        .values_list("e", "pk")
    }
    contact_ids = {contact_of[raw.pk] for raw, _, _ in candidates}
    accounts = dict(Contact.objects.filter(pk__in=contact_ids).values_list("pk", "account_id"))
    rows = []
    for raw, kind, props in candidates:
        rep_email = _rep_email(props)
        user_id = reps.get(rep_email)
        contact_id = contact_of[raw.pk]
        if user_id is None or contact_id not in accounts:
            logger.info("event %s: no active user %r; no activity", raw.message_id, rep_email)
            continue
        outcome = p.text(props.get("outcome")).lower().replace(" ", "_")
        rows.append(
            Activity(
                kind=kind,
                contact_id=contact_id,
                account_id=accounts[contact_id],
                user_id=user_id,
                occurred_at=raw.timestamp,
                subject=p.text(props.get("subject"))[:300],
                body=p.text(props.get("body") or props.get("notes")),
                outcome=outcome if kind == ActivityKind.CALL and outcome in OUTCOMES else "",
                external_id=f"{EXTERNAL_PREFIX}{raw.pk}",
            )
        )
    Activity.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
