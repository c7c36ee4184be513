"""A small stored history for the backtest tests: big-company buyers who qualify under any
definition (one becomes a customer), and small-company contacts who qualify only while there is
no penalty for fewer than 10 employees. Rows are made directly, so each test controls exactly
what the history holds; `NOW` is the frozen present."""

from __future__ import annotations

import dataclasses
import datetime as dt

from smarketing.events.models import Touchpoint
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Contact
from smarketing.scoring import rules, services
from tests.events.rows import raw_event, touchpoint, write_key
from tests.factories import AccountFactory, ContactFactory

NOW = dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)


def loose_yaml() -> str:
    """The shipped default without its -30 points for companies under 10 employees."""
    default = rules.default_definition()
    fit = tuple(r for r in default.fit_rules if r.id != "employees-under-10")
    return rules.dump(dataclasses.replace(default, fit_rules=fit))


def strict_yaml() -> str:
    """The shipped default: -30 points for companies under 10 employees."""
    return rules.dump(rules.default_definition())


def make_live(text: str, *, marketing_leader, sales_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=text)
    services.definition_propose(version=draft, by_user=marketing_leader)
    services.definition_approve(version=draft, user=marketing_leader)
    services.definition_approve(version=draft, user=sales_leader)
    draft.refresh_from_db()
    return draft


def touch(contact: Contact, at: dt.datetime, **fields) -> Touchpoint:
    raw = raw_event(write_key(f"site-{Touchpoint.objects.count()}"), received_at=at)
    return touchpoint(raw, contact=contact, occurred_at=at, **fields)


def moves(contact: Contact, *stages: tuple[dt.datetime, str]) -> None:
    previous = ""
    for at, stage in stages:
        StageTransition.objects.create(
            contact=contact, from_stage=previous, to_stage=stage, at=at, by_rule="test"
        )
        previous = stage
    Contact.objects.filter(pk=contact.pk).update(lifecycle_stage=previous)


def person(email: str, *, employees: int, created: dt.datetime, name: str = "") -> Contact:
    first, _, last = (name or email.split("@")[0]).partition(" ")
    return ContactFactory(
        email=email,
        first_name=first,
        last_name=last,
        created_at=created,
        account=AccountFactory(employees=employees),
    )


def interested(contact: Contact, at: dt.datetime) -> None:
    """Three pricing visits, a webinar and a demo request within hours: 85 engagement points."""
    for hour in range(3):
        touch(contact, at + dt.timedelta(hours=hour), path="/pricing")
    touch(contact, at + dt.timedelta(hours=3), kind="webinar_attended")
    touch(contact, at + dt.timedelta(hours=4), kind="form", form="demo-request")


def history_build() -> dict[str, Contact]:
    """Two buyers at a 200-person company (one wins), two at 5-person companies (neither
    gets anywhere), all interested in May 2025, and an old customer from before the window."""
    created = NOW - dt.timedelta(days=200)
    may = dt.datetime(2025, 5, 10, 9, tzinfo=dt.UTC)
    cast = {
        "winner": person("win@big.example", employees=200, created=created, name="Wanda Winner"),
        "buyer": person("buy@big.example", employees=200, created=created, name="Bo Buyer"),
        "tiny": person("tiny@small.example", employees=5, created=created, name="Tia Tiny"),
        "micro": person("micro@small.example", employees=5, created=created, name="Mo Micro"),
        "old": person("old@big.example", employees=200, created=created, name="Ole Old"),
    }
    for index, key in enumerate(("winner", "buyer", "tiny", "micro")):
        interested(cast[key], may + dt.timedelta(days=index))
    lead_at = created + dt.timedelta(days=1)
    moves(
        cast["winner"],
        (lead_at, "lead"),
        (may + dt.timedelta(hours=5), "mql"),
        (may + dt.timedelta(days=5), "sql"),
        (may + dt.timedelta(days=10), "opportunity"),
        (may + dt.timedelta(days=30), "customer"),
    )
    moves(cast["buyer"], (lead_at, "lead"), (may + dt.timedelta(days=1, hours=5), "mql"))
    moves(cast["tiny"], (lead_at, "lead"))
    moves(cast["micro"], (lead_at, "lead"))
    moves(cast["old"], (lead_at, "lead"), (created + dt.timedelta(days=20), "customer"))
    return cast
