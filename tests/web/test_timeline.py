"""people.timeline: stage moves, activities and the account's deals, newest first."""

from __future__ import annotations

import datetime as dt

from smarketing.deals import services as deals
from smarketing.handoff import services as handoff
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from smarketing.people.timeline import contact_timeline


def test_items_from_every_source_merge_newest_first(rep, lead):
    # `lead` was created "now"; date everything after it so the order is known.
    base = lead.lifecycle_stage_at + dt.timedelta(days=1)
    stage_transition(
        contact=lead, to_stage="mql", by_user=rep, at=base, note="Downloaded the guide"
    )
    handoff.activity_create(
        kind="call", contact=lead, user=rep, subject="Intro", outcome="connected",
        occurred_at=base + dt.timedelta(hours=1),
    )  # fmt: skip
    deal = deals.deal_create(
        name="Acme platform", account=lead.account, amount=12000, owner=rep,
        created_at=base + dt.timedelta(hours=2),
    )  # fmt: skip
    deals.deal_close(deal=deal, won=True, at=base + dt.timedelta(hours=3), by_user=rep)

    items = contact_timeline(contact=lead)
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    titles = [i.title for i in items]
    # The won deal made the contact a customer at the same instant; stage moves list first.
    assert titles[:2] == ["MQL → Customer", "Deal won: Acme platform"]
    by_title = {i.title: i for i in items}
    assert by_title["Call: Intro"].actor == str(rep)
    assert by_title["Call: Intro"].detail == "Connected"
    assert by_title["Deal opened: Acme platform"].detail == "USD 12,000.00"
    assert by_title["Lead → MQL"].detail == "Downloaded the guide"
    assert by_title["no stage → Lead"].actor == "web form"
    assert items[-1].title == "no stage → Lead"


def test_limit_keeps_the_newest(rep, lead):
    base = lead.lifecycle_stage_at
    for n in range(5):
        handoff.activity_create(
            kind="note", contact=lead, user=rep, subject=f"n{n}",
            occurred_at=base + dt.timedelta(minutes=n + 1),
        )  # fmt: skip
    items = contact_timeline(contact=lead, limit=3)
    assert [i.title for i in items] == ["Note: n4", "Note: n3", "Note: n2"]


def test_a_contact_without_account_has_no_deal_items(rep, db):
    loner = people.contact_create(email="solo@example.org", stage="subscriber", by_rule="import")
    items = contact_timeline(contact=loner)
    assert [i.kind for i in items] == ["stage"]
