"""Processing raw events in batches: claim, resolve identities, write touchpoints, mark done.

Each batch is one transaction. Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED on
PostgreSQL, so workers running side by side never take the same rows; on SQLite the IMMEDIATE
transaction holds the one write lock (Django ignores the FOR UPDATE there). Processing is
idempotent: a touchpoint is one-to-one with its raw event and inserted ignoring conflicts, and
identity changes converge, so an event processed twice creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.events.models import EventType, RawEvent, RejectedEvent, Touchpoint
from smarketing.events.processing import payload as p
from smarketing.events.processing import people_sync
from smarketing.events.processing.forms import is_lead_form, person_traits
from smarketing.events.processing.identity import ANON, USER, Ids, Key, Resolver
from smarketing.events.processing.touchpoints import Lookups, campaigns_link, touchpoint_build
from smarketing.handoff.activity_events import activities_from_events
from smarketing.notify.prospects import prospects_alert
from smarketing.people.models import Contact
from smarketing.scoring.models import ScoreCause
from smarketing.scoring.refresh import scores_deferred

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# An identify this close to a lead-form fill of the same person belongs to that fill.
FORM_IDENTIFY_GAP = dt.timedelta(minutes=5)
# Errors that say the database is unreachable or busy, not that an event is bad.
INFRASTRUCTURE_ERRORS = (OperationalError, InterfaceError)
# How much of an event a dead-lettered rejection keeps (as ingestion keeps of rejected ones).
PAYLOAD_CHARS = 32 * 1024


def events_process(*, limit: int = 1000) -> int:
    """Process up to `limit` unprocessed raw events, oldest first; returns how many."""
    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, not {limit}", field="limit")
    lookups = Lookups.load()
    done = 0
    while done < limit:
        size = min(BATCH_SIZE, limit - done)
        try:
            count = _batch_process(size=size, lookups=lookups)
        except INFRASTRUCTURE_ERRORS:
            raise  # the database is away: the whole batch is tried again later
        except Exception:
            logger.exception("a batch of events failed; processing them one by one")
            count = _one_by_one(size=size, lookups=lookups)
        done += count
        if count < size:
            break
    return done


def events_claim(*, size: int) -> list[RawEvent]:
    """Lock and return up to `size` unprocessed events in id order, skipping rows another
    transaction holds. Call inside a transaction: the claim lasts until it ends.

    The ids are claimed in a subquery and the rows read by id: when PostgreSQL has no statistics
    yet (a new table after a burst) it sorts every unprocessed row to find the first `size`, and
    sorting ids alone stays in memory where sorting whole payloads spilled to disk."""
    claimed = (
        RawEvent.objects.filter(processed_at__isnull=True)
        .order_by("id")
        .select_for_update(skip_locked=True)
        .values("id")[:size]
    )
    return list(RawEvent.objects.filter(pk__in=claimed).order_by("id"))


# Any number fits; it names the lock processing workers take on PostgreSQL.
PROCESSING_LOCK = 7_304_211


def _workers_serialize() -> None:
    """Let one processing worker at a time apply a batch, until the end of its transaction.

    Two workers creating the same person's contact, identities or account at once deadlock on
    their unique indexes (or one sees the other's new contact as a clash), so batches are applied
    one after another; SKIP LOCKED alone keeps workers off each other's rows but not off each
    other's contacts. SQLite already has a single writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PROCESSING_LOCK])


@transaction.atomic
def _batch_process(*, size: int, lookups: Lookups) -> int:
    _workers_serialize()
    claimed = events_claim(size=size)
    if claimed:
        _events_apply(claimed, lookups)
    return len(claimed)


def _one_by_one(*, size: int, lookups: Lookups) -> int:
    """After a batch failed: each event alone, so one that cannot be processed (a bug meeting
    odd data) is set aside as a rejected event with the error instead of blocking every event
    behind it. Reset its processed_at to process it again once fixed."""
    done = 0
    while done < size:
        with transaction.atomic():
            _workers_serialize()
            claimed = events_claim(size=1)
            if not claimed:
                break
            try:
                with transaction.atomic():
                    _events_apply(claimed, lookups)
            except INFRASTRUCTURE_ERRORS:
                raise
            except Exception as exc:
                _dead_letter(claimed[0], exc)
        done += 1
    return done


def _dead_letter(raw: RawEvent, exc: Exception) -> None:
    logger.error("event %s could not be processed", raw.message_id, exc_info=exc)
    RejectedEvent.objects.create(
        source_id=raw.source_id,
        message_id=raw.message_id,
        field="processing",
        reason=f"accepted, but processing failed: {type(exc).__name__}: {exc}"[:500],
        payload=json.dumps(raw.payload, default=str)[:PAYLOAD_CHARS],
    )
    RawEvent.objects.filter(pk=raw.pk).update(processed_at=timezone.now())


def _events_apply(claimed: list[RawEvent], lookups: Lookups) -> None:
    # Contacts whose fields or touchpoints change are rescored once, at the end of the batch
    # and in its transaction: one that now meets the MQL criteria is an MQL as soon as its
    # touchpoint is stored, not at the next batch.
    with scores_deferred(cause=ScoreCause.EVENT) as rescore:
        rescore |= _events_write(claimed, lookups)


def _events_write(claimed: list[RawEvent], lookups: Lookups) -> set[int]:
    """Apply the events; returns the contacts they touched."""
    # Claimed in storage order; applied in the order they happened (one request's events are
    # stored sorted by messageId, not by time).
    events = sorted(claimed, key=lambda raw: (raw.timestamp, raw.pk))
    ids_of = {raw.pk: _ids(raw) for raw in events}
    resolver = Resolver()
    resolver.load(keys=_keys(events, ids_of), emails=[ids.email for ids in ids_of.values()])
    _identities_apply(resolver, events, ids_of)
    touchpoints = []
    for raw in events:
        kind = p.kind_for(raw.type, raw.event)
        if kind is None:
            continue  # identify, group, alias: they only change who people are
        contact_id = resolver.observe(ids_of[raw.pk])
        touchpoints.append(
            touchpoint_build(
                raw,
                kind=kind,
                lookups=lookups,
                contact_id=contact_id,
                account_id=resolver.account_for(contact_id),
            )
        )
    campaigns_link(touchpoints)
    Touchpoint.objects.bulk_create(touchpoints, ignore_conflicts=True)
    resolver.flush()
    # A sales tool's "Email Sent", "Call Logged"… is also an activity of the rep it names.
    activities_from_events(
        events=events,
        contact_of={tp.raw_event_id: resolver.final(tp.contact_id) for tp in touchpoints},
    )
    touched = resolver.touched | {tp.contact_id for tp in touchpoints if tp.contact_id}
    contacts = {c for c in map(resolver.final, touched) if c is not None}
    sources_update(contact_ids=contacts)
    # Owners hear at once when a prospect of theirs is on a high-intent page or is back.
    prospects_alert(touchpoints=touchpoints, final=resolver.final)
    RawEvent.objects.filter(pk__in=[raw.pk for raw in events]).update(processed_at=timezone.now())
    return contacts


def _ids(raw: RawEvent) -> Ids:
    payload = p.obj(raw.payload)
    return Ids(
        anonymous_id=raw.anonymous_id,
        user_id=raw.user_id,
        email=p.email_of(payload, event=raw.event),
    )


def _keys(events: list[RawEvent], ids_of: dict[int, Ids]) -> set[Key]:
    keys: set[Key] = set()
    for raw in events:
        keys.update(ids_of[raw.pk].as_keys())
        if raw.type == EventType.ALIAS:
            previous = p.text(p.obj(raw.payload).get("previousId"))
            if previous:
                keys.update({(ANON, previous), (USER, previous)})
    return keys


def _identities_apply(resolver: Resolver, events: list[RawEvent], ids_of: dict[int, Ids]) -> None:
    """identify, alias, group and form events, in order; each in a savepoint so one event's
    bad data (an email the contact model refuses) skips only that event."""
    # An identify sent along with a form fill (the website snippet sends both) is the form's.
    # It is the form's when the same person submits a lead form at about the same time; a
    # batch may hold the same person's later forms too, which must not count.
    form_keys: dict[Key, list[dt.datetime]] = {}
    for raw in events:
        if p.is_form_submit(raw.type, raw.event) and is_lead_form(
            p.obj(p.obj(raw.payload).get("properties"))
        ):
            for key in ids_of[raw.pk].as_keys():
                form_keys.setdefault(key, []).append(raw.timestamp)
    for raw in events:
        if raw.type in (EventType.PAGE, EventType.SCREEN):
            continue
        ids = ids_of[raw.pk]
        action = _identity_action(raw, ids=ids, form_keys=form_keys, resolver=resolver)
        if action is not None:
            _guarded(resolver, raw, ids, action)


def _identity_action(
    raw: RawEvent, *, ids: Ids, form_keys: dict[Key, list[dt.datetime]], resolver: Resolver
) -> Callable[[], Any] | None:
    payload = p.obj(raw.payload)
    if raw.type == EventType.IDENTIFY:
        traits = person_traits(p.traits_of(payload))
        form = any(
            abs(at - raw.timestamp) <= FORM_IDENTIFY_GAP
            for k in ids.as_keys()
            for at in form_keys.get(k, ())
        )
        return lambda: people_sync.identify_apply(
            resolver=resolver, ids=ids, traits=traits, at=raw.timestamp, form=form
        )
    if p.is_form_submit(raw.type, raw.event):
        # The form's fields are in its properties when they hold an email; otherwise the
        # properties describe the form (its name, action), not the person.
        properties = p.obj(payload.get("properties"))
        fields = person_traits(properties)
        traits = {**person_traits(p.traits_of(payload)), **(fields if "email" in fields else {})}
        lead_form = is_lead_form(properties)
        return lambda: people_sync.identify_apply(
            resolver=resolver, ids=ids, traits=traits, at=raw.timestamp, form=lead_form
        )
    if raw.type == EventType.ALIAS:
        return lambda: people_sync.alias_apply(
            resolver=resolver,
            payload=payload,
            user_id=raw.user_id,
            anonymous_id=raw.anonymous_id,
        )
    if raw.type == EventType.GROUP:
        return lambda: people_sync.group_apply(
            resolver=resolver, payload=payload, ids=ids, at=raw.timestamp
        )
    return None


def _guarded(resolver: Resolver, raw: RawEvent, ids: Ids, action: Callable[[], Any]) -> None:
    """Run one event's identity change in a savepoint. A clash with another worker or a person
    (a contact or account created, or a contact deleted, meanwhile) is retried once with what
    the database now holds; bad data skips the event's identity part, and its touchpoint is
    still written."""
    for attempt in (1, 2):
        state = resolver.snapshot()
        try:
            with transaction.atomic():
                action()
            return
        except InvalidInput as exc:
            resolver.restore(state)
            logger.warning("event %s (%s): identity skipped: %s", raw.message_id, raw.type, exc)
            return
        except (IntegrityError, ObjectDoesNotExist) as exc:
            resolver.restore(state)
            if attempt == 2:
                logger.warning("event %s (%s): identity skipped: %s", raw.message_id, raw.type, exc)
                return
            resolver.reload(keys=ids.as_keys(), emails=[ids.email])


def sources_update(*, contact_ids: set[int]) -> int:
    """Contacts without a source take the channel and campaign of their first touchpoint
    (one UPDATE). Channel and campaign are one fact: a contact whose source channel is set
    (by an import or a person) keeps it."""
    if not contact_ids:
        return 0
    first = Touchpoint.objects.filter(contact_id=OuterRef("pk")).order_by("occurred_at", "id")
    return (
        Contact.objects.filter(pk__in=contact_ids, source_channel="")
        .filter(Exists(first))
        .update(
            source_channel=Subquery(first.values("channel")[:1]),
            source_campaign_id=Coalesce(
                F("source_campaign_id"), Subquery(first.values("campaign_id")[:1])
            ),
        )
    )
