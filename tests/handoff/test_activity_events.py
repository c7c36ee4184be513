"""A sales tool's `track` events ("Email Sent", "Call Logged"…) count as the rep's activities."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from smarketing.events.models import RawEvent, WriteKey
from smarketing.events.processing.run import events_process
from smarketing.handoff.models import Activity
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def _source() -> WriteKey:
    return WriteKey.objects.first() or WriteKey.objects.create(
        name="sales tool", key_hash="0" * 64, key_hint="wk_"
    )


def raw_event(
    *, event: str, type: str = "track", at: dt.datetime | None = None, user_id: str = "", **payload
) -> RawEvent:
    n = next(_ids)
    at = at or timezone.now()
    return RawEvent.objects.create(
        source=_source(),
        message_id=f"m-{n}",
        type=type,
        event=event,
        user_id=user_id,
        anonymous_id=f"anon-{n}",
        timestamp=at,
        payload={"type": type, "event": event, "messageId": f"m-{n}", **payload},
    )


def _sales_event(event: str, contact, rep_email: str, **properties) -> RawEvent:
    return raw_event(
        event=event,
        context={"traits": {"email": contact.email}},
        properties={"rep_email": rep_email, **properties},
    )


def test_email_sent_when_rep_known_becomes_their_activity(rep):
    contact = ContactFactory(email="pat@acme.example")
    _sales_event("Email Sent", contact, rep.email.upper(), subject="Following up")
    _sales_event("call_logged", contact, rep.email, outcome="No answer")
    events_process()
    email, call = Activity.objects.order_by("kind", "id").reverse()
    assert (email.kind, email.user, email.contact, email.subject) == (
        "email",
        rep,
        contact,
        "Following up",
    )
    assert (call.kind, call.outcome, call.account_id) == ("call", "no_answer", contact.account_id)


def test_sales_event_when_processed_twice_counts_once(rep):
    contact = ContactFactory(email="pat@acme.example")
    raw = _sales_event("Email Sent", contact, rep.email)
    events_process()
    RawEvent.objects.filter(pk=raw.pk).update(processed_at=None)
    events_process()
    assert Activity.objects.count() == 1


def test_sales_event_when_rep_unknown_or_event_other_writes_no_activity(rep):
    contact = ContactFactory(email="pat@acme.example")
    _sales_event("Email Sent", contact, "stranger@example.com")
    _sales_event("Pricing Viewed", contact, rep.email)
    events_process()
    assert not Activity.objects.exists()


def test_sales_events_when_batched_use_a_fixed_number_of_queries(rep, django_assert_num_queries):
    from smarketing.handoff.activity_events import activities_from_events

    contacts = [ContactFactory() for _ in range(5)]
    events = [_sales_event("Email Sent", c, rep.email) for c in contacts]
    contact_of = {raw.pk: c.pk for raw, c in zip(events, contacts, strict=True)}
    with django_assert_num_queries(3):  # reps, accounts, one insert
        assert activities_from_events(events=events, contact_of=contact_of) == 5
