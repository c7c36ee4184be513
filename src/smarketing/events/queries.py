"""Reads of sources (write keys), raw and rejected events, shared by the stream page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from smarketing.events.models import Identity, IdentityKind, RawEvent, RejectedEvent, WriteKey
from smarketing.org import permissions
from smarketing.people.models import Contact
from smarketing.people.queries import contacts_visible_to

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def sources_visible_to(user: Any) -> QuerySet[WriteKey]:
    if not permissions.can(user, "events.view"):
        return WriteKey.objects.none()
    return WriteKey.objects.all()


def rejected_visible_to(user: Any) -> QuerySet[RejectedEvent]:
    if not permissions.can(user, "events.view"):
        return RejectedEvent.objects.none()
    return RejectedEvent.objects.select_related("source")


def rejected_filter(
    qs: QuerySet[RejectedEvent], *, source_id: int | None = None
) -> QuerySet[RejectedEvent]:
    if source_id:
        qs = qs.filter(source_id=source_id)
    return qs.order_by("-received_at", "-id")


def _count_of(model: type[RawEvent] | type[RejectedEvent], since: dt.datetime | None) -> Any:
    """A correlated COUNT per source: subqueries, so two counted tables never multiply rows."""
    rows = model.objects.filter(source_id=OuterRef("pk"))
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    counted = rows.order_by().values("source_id").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def sources_with_counts(qs: QuerySet[WriteKey], *, now: dt.datetime) -> QuerySet[WriteKey]:
    """Each source with its accepted and rejected events, in all (`accepted_total`,
    `rejected_total`) and in the last day, and when its newest event was received."""
    last_event = (
        RawEvent.objects.filter(source_id=OuterRef("pk"))
        .order_by()
        .values("source_id")
        .annotate(at=Max("received_at"))
        .values("at")
    )
    # `rejected` is taken by the reverse relation, hence the *_total names.
    return qs.annotate(
        accepted_total=_count_of(RawEvent, None),
        rejected_total=_count_of(RejectedEvent, None),
        accepted_last_day=_count_of(RawEvent, now - DAY),
        rejected_last_day=_count_of(RejectedEvent, now - DAY),
        last_event_at=Subquery(last_event),
    )


@dataclass(frozen=True)
class SourceCounts:
    source: WriteKey
    accepted_hour: int
    rejected_hour: int
    accepted_day: int
    rejected_day: int


def source_counts(*, now: dt.datetime) -> list[SourceCounts]:
    """Accepted and rejected events per source in the last hour and the last day."""
    hour, day = now - HOUR, now - DAY
    totals: dict[str, dict[int, dict[str, int]]] = {}
    for name, model in (("accepted", RawEvent), ("rejected", RejectedEvent)):
        rows = (
            model.objects.filter(received_at__gte=day)
            .order_by()
            .values("source_id")
            .annotate(day=Count("id"), hour=Count("id", filter=Q(received_at__gte=hour)))
        )
        totals[name] = {r["source_id"]: r for r in rows}
    zero = {"day": 0, "hour": 0}
    result = []
    for source in WriteKey.objects.order_by("name"):
        accepted = totals["accepted"].get(source.pk, zero)
        rejected = totals["rejected"].get(source.pk, zero)
        result.append(
            SourceCounts(
                source=source,
                accepted_hour=accepted["hour"],
                rejected_hour=rejected["hour"],
                accepted_day=accepted["day"],
                rejected_day=rejected["day"],
            )
        )
    return result


def event_summary(kind: str, event: str, payload: dict[str, Any]) -> str:
    """What an event is about in a few words: the track name, the page path, the email..."""
    if kind == "track":
        return event
    if kind in ("page", "screen"):
        properties = payload.get("properties") or {}
        page = (payload.get("context") or {}).get("page") or {}
        if not isinstance(properties, dict) or not isinstance(page, dict):
            return str(payload.get("name") or "")
        return str(properties.get("path") or page.get("path") or payload.get("name") or "")
    if kind == "identify":
        traits = payload.get("traits") or {}
        return str(traits.get("email") or "") if isinstance(traits, dict) else ""
    if kind == "group":
        return str(payload.get("groupId") or "")
    if kind == "alias":
        return f"{payload.get('previousId') or ''} → {payload.get('userId') or ''}"
    return ""


@dataclass(frozen=True)
class StreamEvent:
    event: RawEvent
    summary: str
    contact: Contact | None


def _contacts_of(events: list[RawEvent]) -> dict[int, int]:
    """RawEvent id → id of the contact it is known to belong to: its touchpoint's contact, else
    the contact its user id, else its anonymous id, is resolved to."""
    user_ids = {e.user_id for e in events if e.user_id}
    anonymous_ids = {e.anonymous_id for e in events if e.anonymous_id}
    identities = Identity.objects.filter(
        Q(kind=IdentityKind.USER, value__in=user_ids)
        | Q(kind=IdentityKind.ANONYMOUS, value__in=anonymous_ids)
    ).values_list("kind", "value", "contact_id")
    known = {(kind, value): contact_id for kind, value, contact_id in identities}
    result = {}
    for e in events:
        touchpoint = getattr(e, "touchpoint", None)
        contact_id = (
            (touchpoint.contact_id if touchpoint is not None else None)
            or known.get((IdentityKind.USER, e.user_id))
            or known.get((IdentityKind.ANONYMOUS, e.anonymous_id))
        )
        if contact_id is not None:
            result[e.pk] = contact_id
    return result


def events_latest(*, user: Any, source_id: int | None = None, limit: int) -> list[StreamEvent]:
    """The newest accepted events, each with the contact it resolved to if the user may see it.

    Three queries whatever the number of events: events, identities, contacts.
    """
    if not permissions.can(user, "events.view"):
        return []
    qs = RawEvent.objects.select_related("source", "touchpoint")
    if source_id:
        qs = qs.filter(source_id=source_id)
    events = list(qs.order_by("-id")[:limit])
    if not events:
        return []
    contact_ids = _contacts_of(events)
    contacts = contacts_visible_to(user).filter(pk__in=set(contact_ids.values()))
    by_id = {c.pk: c for c in contacts}
    return [
        StreamEvent(
            event=e,
            summary=event_summary(e.type, e.event, e.payload),
            contact=by_id.get(contact_ids.get(e.pk, 0)),
        )
        for e in events
    ]
