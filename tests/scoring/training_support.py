"""Small lead histories for the predictive-model tests, written through the factories and
lifecycle.services.stage_transition like real ones."""

from __future__ import annotations

import datetime as dt

from smarketing.events.models import Touchpoint, WriteKey
from smarketing.lifecycle.services import stage_transition
from smarketing.people.models import Contact
from tests.events.rows import raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def touch(source: WriteKey, contact: Contact, *, at: dt.datetime, **fields: object) -> Touchpoint:
    return touchpoint(raw_event(source, received_at=at), contact=contact, occurred_at=at, **fields)


def lead(
    source: WriteKey,
    *,
    at: dt.datetime,
    converts_after_days: float | None,
    employees: int = 120,
    pricing_visits: int = 0,
) -> Contact:
    """A contact that becomes a lead at `at`, visits pricing the next day `pricing_visits` times
    and, when `converts_after_days` is given, becomes an SQL that long after becoming a lead."""
    contact = ContactFactory(account=AccountFactory(employees=employees))
    stage_transition(contact=contact, to_stage="lead", by_rule="test", at=at)
    for i in range(pricing_visits):
        touch(
            source,
            contact,
            at=at + DAY + i * dt.timedelta(minutes=5),
            path="/pricing",
            high_intent=True,
        )
    if converts_after_days is not None:
        stage_transition(
            contact=contact, to_stage="sql", by_rule="test", at=at + converts_after_days * DAY
        )
    return contact


def history(n: int, *, start: dt.datetime = START, every: dt.timedelta = DAY) -> list[Contact]:
    """`n` leads, one every `every`: two in five convert (in 10 to 40 days). Converters mostly
    visit pricing and work at bigger companies, with exceptions both ways, so a model has a
    signal to learn that is not perfect."""
    source = write_key("training-site")
    contacts = []
    for i in range(n):
        converts = i % 5 in (0, 1)
        typical = i % 7 != 3
        shows_signal = converts == typical
        contacts.append(
            lead(
                source,
                at=start + i * every,
                converts_after_days=10 + (i % 4) * 10 if converts else None,
                employees=400 if shows_signal else 8,
                pricing_visits=2 if shows_signal else 0,
            )
        )
    return contacts
