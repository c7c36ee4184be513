"""A small history whose journeys are written out by hand, shared by the database attribution
tests.

Window [2026-01-01, 2026-07-01), lookback 90 days.

- Acme: Ada (primary contact) touched by paid search (Jan 10, more than 90 days before the close),
  email (Feb 15), events (Mar 10), direct (Apr 20) and email again after the close (May 10);
  lead on Feb 16, opportunity on Mar 20; deal won for 5,000 USD on May 1. Her colleague Ari
  was touched by organic social on Mar 1.
- Beta: Ben, email on Apr 1 and May 15, no lifecycle moves; deal won for 3,000 USD on Jun 1.
- Gamma: Cy, paid social on May 1 and direct on Jun 1, no deal: a null journey.
- Delta: Dee, paid social on Feb 1, a deal lost on Mar 15, email on Apr 1: a null journey that
  ends at the loss.
- Epsilon: Eve, email on Mar 1, deal won for 1,000 EUR on Apr 1: left out (USD won the most).
- Fred, touched only before the window (Nov 1, 2025): no journey.

Contact level: Ada [email, events, direct] (lead touch 0, opportunity touch 1), Ben [email,
email]; nulls Cy [paid social, direct], Dee [paid social]. Account level: Acme [email, organic
social, events, direct], Beta as Ben; nulls Gamma and Delta as Cy and Dee.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smarketing.deals import services as deals
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.services import stage_transition
from tests.factories import AccountFactory, ContactFactory
from tests.handoff.test_activity_events import raw_event

UTC = dt.UTC
WINDOW = {"from": "2026-01-01", "until": "2026-07-01"}


def day(month: int, d: int = 1, *, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, d, 12, tzinfo=UTC)


def touch(contact: Any, channel: str, at: dt.datetime, *, campaign: Any = None) -> Touchpoint:
    return Touchpoint.objects.create(
        raw_event=raw_event(event="", type="page", at=at),
        contact=contact,
        account=contact.account,
        occurred_at=at,
        kind="page_view",
        channel=channel,
        campaign=campaign,
        path="/",
    )


def person(name: str, account: Any = None) -> Any:
    return ContactFactory(
        email=f"{name}@{name}.example", account=account or AccountFactory(name=name.title())
    )


def won(contact: Any, *, amount: int, at: dt.datetime, currency: str = "USD") -> Any:
    deal = deals.deal_create(
        name=contact.email,
        account=contact.account,
        primary_contact=contact,
        amount=amount,
        currency=currency,
        created_at=at - dt.timedelta(days=30),
    )
    return deals.deal_close(deal=deal, won=True, at=at)


def build_history() -> dict[str, Any]:
    ada = person("ada")
    ari = person("ari", account=ada.account)
    for channel, at in [
        ("paid_search", day(1, 10)),
        ("email", day(2, 15)),
        ("events", day(3, 10)),
        ("direct", day(4, 20)),
        ("email", day(5, 10)),
    ]:
        touch(ada, channel, at)
    stage_transition(contact=ada, to_stage="lead", by_rule="test", at=day(2, 16))
    stage_transition(contact=ada, to_stage="opportunity", by_rule="test", at=day(3, 20))
    touch(ari, "social", day(3, 1))
    won(ada, amount=5000, at=day(5, 1))

    ben = person("ben")
    touch(ben, "email", day(4, 1))
    touch(ben, "email", day(5, 15))
    won(ben, amount=3000, at=day(6, 1))

    cy = person("cy")
    touch(cy, "paid_social", day(5, 1))
    touch(cy, "direct", day(6, 1))

    dee = person("dee")
    touch(dee, "paid_social", day(2, 1))
    lost = deals.deal_create(name="Dee", account=dee.account, primary_contact=dee, amount=900)
    deals.deal_close(deal=lost, won=False, at=day(3, 15), loss_reason="price")
    touch(dee, "email", day(4, 1))

    eve = person("eve")
    touch(eve, "email", day(3, 1))
    won(eve, amount=1000, at=day(4, 1), currency="EUR")

    fred = person("fred")
    touch(fred, "email", day(11, 1, year=2025))
    return {"ada": ada, "ari": ari, "ben": ben, "cy": cy, "dee": dee, "eve": eve, "fred": fred}
