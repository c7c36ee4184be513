"""The simulation alone (no database): shape, determinism, and the planted truths in it."""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import Counter

import pytest

from smarketing.demo.sim.clock import Calendar, add_business_hours
from smarketing.demo.sim.measure import observed
from smarketing.demo.timeline import Timeline, simulate
from smarketing.demo.truths import DEFAULT_SEED

NOW = dt.datetime(2025, 3, 14, 15, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def default_company() -> Timeline:
    return simulate(seed=DEFAULT_SEED, contacts=5000, now=NOW)


def sim_digest(tl: Timeline) -> str:
    rows = [
        *(repr(a) for a in tl.accounts),
        *(repr(c) for c in tl.contacts),
        *(repr(t) for t in tl.transitions),
        *(repr(a) for a in tl.activities),
        *(repr(d) for d in tl.deals),
        *(repr(e) for e in tl.events),
    ]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_same_seed_and_size_give_the_same_company():
    first = simulate(seed=7, contacts=400, now=NOW)
    again = simulate(seed=7, contacts=400, now=NOW)

    assert sim_digest(first) == sim_digest(again)


def test_different_seed_gives_a_different_company():
    assert sim_digest(simulate(seed=7, contacts=400, now=NOW)) != sim_digest(
        simulate(seed=8, contacts=400, now=NOW)
    )


def test_default_size_is_5000_contacts_at_1500_accounts_with_15_campaigns(default_company):
    tl = default_company

    assert len(tl.contacts) == 5000
    assert len(tl.accounts) == 1500
    assert len(tl.campaigns) >= 15
    assert len({c.channel for c in tl.campaigns}) >= 6
    assert all(c.cost > 0 for c in tl.campaigns)
    assert Counter(u.role for u in tl.users) == {
        "sales": 5,
        "marketing": 3,
        "leader": 2,
        "admin": 1,
    }
    assert {a.funnel_stage for a in tl.assets} == {"tofu", "mofu", "bofu"}


def test_firmographics_have_many_tiny_firms_a_long_tail_and_revenue_follows_size(
    default_company,
):
    employees = [a.employees for a in default_company.accounts]
    tiny = sum(1 for e in employees if e < 10) / len(employees)

    assert 0.1 < tiny < 0.3
    assert max(employees) > 5000
    small_revenue = statistics.median(
        a.annual_revenue for a in default_company.accounts if a.employees < 10
    )
    big_revenue = statistics.median(
        a.annual_revenue for a in default_company.accounts if a.employees >= 250
    )
    assert big_revenue > 20 * small_revenue
    assert len({a.industry for a in default_company.accounts}) >= 10
    assert len({a.country for a in default_company.accounts}) >= 10


def test_everything_happens_in_the_twelve_months_before_now(default_company):
    tl = default_company
    times = [
        *(c.created_at for c in tl.contacts),
        *(a.created_at for a in tl.accounts),
        *(c.created_at for c in tl.campaigns),
        *(t.at for t in tl.transitions),
        *(a.at for a in tl.activities),
        *(e.at for e in tl.events),
        *(d.created_at for d in tl.deals),
        *(d.closed_at for d in tl.deals if d.closed_at),
    ]

    assert min(times) >= NOW - dt.timedelta(days=365)
    assert max(times) < NOW


def test_web_activity_has_utm_tags_pricing_and_demo_request_pages(default_company):
    events = default_company.events
    paths = Counter(e.path for e in events if e.kind == "page_view")
    kinds = Counter(e.kind for e in events)

    assert paths["/pricing"] > 100
    assert paths["/demo-request"] > 50
    assert sum(1 for e in events if e.utm_campaign and e.utm_source and e.utm_medium) > 1000
    for kind in (
        "form_submit",
        "email_open",
        "email_click",
        "content_download",
        "webinar_registered",
        "webinar_attended",
    ):
        assert kinds[kind] > 100, kind


def test_a_won_deal_makes_every_contact_of_its_account_a_customer(default_company):
    tl = default_company
    final = {t.contact: t.to_stage for t in tl.transitions}
    won_accounts = {d.account for d in tl.deals if d.stage == "won"}

    assert len(won_accounts) > 30
    for i, c in enumerate(tl.contacts):
        assert (final[i] == "customer") == (c.account in won_accounts)


def test_lost_deals_have_a_loss_reason_and_open_deals_none(default_company):
    stages = Counter(d.stage for d in default_company.deals)

    assert stages["won"] > 30
    assert stages["lost"] > 100
    for deal in default_company.deals:
        assert bool(deal.loss_reason) == (deal.stage == "lost")
        assert (deal.closed_at is not None) == (deal.stage in ("won", "lost"))


def test_default_truths_are_in_the_simulated_data(default_company):
    seen = observed(default_company)
    worse = seen["segments"]["worse"]["contacts"]
    better = seen["segments"]["better"]["contacts"]

    assert worse["leads_in"] > 300
    assert worse["customer_ratio"] < 0.3
    assert seen["segments"]["worse"]["accounts"]["won_ratio"] < 0.3
    assert better["leads_in"] > 200
    assert better["customer_ratio"] > 1.5
    assert better["opportunity_ratio"] > 2
    assert seen["dud_campaign"]["share_of_contacts"] > 0.1
    assert seen["dud_campaign"]["mqls"] > 100
    assert seen["dud_campaign"]["won_revenue"] == 0
    slow = seen["slow_rep"]
    assert slow["median_first_touch_hours"] > 3 * slow["others_median_first_touch_hours"]


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_other_seeds_truths_are_in_their_data(seed):
    seen = observed(simulate(seed=seed, contacts=5000, now=NOW))
    worse = seen["segments"]["worse"]["contacts"]
    better = seen["segments"]["better"]["contacts"]

    assert worse["opportunity_ratio"] < 0.6
    assert worse["customer_ratio"] < 0.7
    assert better["opportunity_ratio"] > 1.8
    assert better["customer_ratio"] > 1.3
    assert seen["dud_campaign"]["won_revenue"] == 0
    slow = seen["slow_rep"]
    assert slow["median_first_touch_hours"] > 3 * slow["others_median_first_touch_hours"]


BERLIN = Calendar.of(
    timezone="Europe/Berlin", workdays="12345", day_start=dt.time(9), day_end=dt.time(17)
)


def test_business_hours_wait_for_the_next_working_morning():
    friday_evening = dt.datetime(2025, 3, 14, 18, 0, tzinfo=dt.UTC)  # 19:00 in Berlin

    assert add_business_hours(friday_evening, 2, BERLIN) == dt.datetime(
        2025, 3, 17, 10, 0, tzinfo=dt.UTC
    )


def test_business_hours_carry_over_into_the_next_day():
    monday_afternoon = dt.datetime(2025, 3, 17, 15, 0, tzinfo=dt.UTC)  # 16:00 in Berlin

    assert add_business_hours(monday_afternoon, 3, BERLIN) == dt.datetime(
        2025, 3, 18, 10, 0, tzinfo=dt.UTC
    )
