"""The shared dashboard: numbers from a small generated history, with months pinned."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from smarketing.analytics import dashboard as board
from smarketing.deals import services as deals
from smarketing.lifecycle.services import stage_transition
from smarketing.people import services as people
from smarketing.people.models import Contact
from tests.factories import AccountFactory

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 15, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, second, tzinfo=UTC)


def contact_with_history(name: str, moves: list[tuple[str, dt.datetime, str | None]], user):
    """A contact created at its first move, then moved through the rest."""
    (first_stage, first_at, _), *rest = moves
    contact = people.contact_create(
        email=f"{name}@history.example",
        first_name=name,
        created_at=first_at,
        stage=first_stage,
        stage_at=first_at,
        by_user=user,
    )
    for stage, when, reason in rest:
        stage_transition(contact=contact, to_stage=stage, at=when, reason=reason, by_user=user)
    return contact


def won_deal(amount: int, closed: dt.datetime, *, won: bool = True):
    deal = deals.deal_create(name=f"Deal {amount}", account=AccountFactory(), amount=amount)
    return deals.deal_close(deal=deal, won=won, at=closed, loss_reason="" if won else "price")


@pytest.fixture
def history(rep):
    """Six contacts across February and March 2025, and deals on accounts with no contacts."""
    contact_with_history(
        "c1",
        [("subscriber", at(2, 3), None), ("lead", at(2, 5), None), ("mql", at(2, 10), None),
         ("sql", at(3, 2), None)],
        rep,
    )  # fmt: skip
    contact_with_history(
        "c2",
        [("lead", at(2, 20), None), ("mql", at(2, 25), None),
         ("recycled", at(3, 1, 0, 0, 0), "not-ready")],
        rep,
    )  # fmt: skip
    contact_with_history(
        "c3",
        [("lead", at(2, 28, 23, 59, 59), None), ("mql", at(3, 3), None), ("sal", at(3, 5), None),
         ("sql", at(3, 10), None)],
        rep,
    )  # fmt: skip
    contact_with_history("c4", [("lead", at(3, 2), None), ("mql", at(3, 4), None)], rep)
    # Its SQL move is dated after NOW, so it does not count yet.
    contact_with_history("c5", [("mql", at(3, 5), None), ("sql", at(3, 20), None)], rep)
    # Enters lead twice in March: counted once.
    contact_with_history(
        "c6",
        [("lead", at(3, 6), None), ("recycled", at(3, 7), "timing"), ("lead", at(3, 8), None)],
        rep,
    )
    won_deal(700, at(1, 31, 23, 0))
    won_deal(1000, at(2, 14))
    won_deal(2500, at(3, 3))
    won_deal(500, at(3, 4))
    won_deal(9999, at(3, 5), won=False)
    won_deal(100, at(3, 20))


def test_month_bounds_are_calendar_months_in_utc():
    month = board.month_bounds(
        dt.datetime(2025, 3, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    )
    assert (month.start, month.end) == (at(2, 1, 0), at(3, 1, 0))
    march = board.month_bounds(NOW)
    assert (march.start, march.end) == (at(3, 1, 0), at(4, 1, 0))
    assert board.previous_month(board.month_bounds(at(1, 10))).start == dt.datetime(
        2024, 12, 1, tzinfo=UTC
    )


def test_stage_entries_count_distinct_contacts_per_month(history):
    numbers = board.dashboard(now=NOW)
    feb, mar = numbers.last_month.stage_entries, numbers.this_month.stage_entries
    assert feb == {**dict.fromkeys(feb, 0), "subscriber": 1, "lead": 3, "mql": 2}
    assert mar == {
        **dict.fromkeys(mar, 0),
        "lead": 2,
        "mql": 3,
        "sal": 1,
        "sql": 2,
        "recycled": 2,
    }


def test_mql_to_sql_conversion_follows_each_months_cohort_up_to_now(history):
    numbers = board.dashboard(now=NOW)
    assert (numbers.last_month.mqls, numbers.last_month.mqls_reached_sql) == (2, 1)
    assert numbers.last_month.mql_to_sql_rate == 0.5
    assert (numbers.this_month.mqls, numbers.this_month.mqls_reached_sql) == (3, 1)
    later = board.dashboard(now=at(3, 25))
    assert later.this_month.mqls_reached_sql == 2


def test_won_deals_and_revenue_per_month(history):
    numbers = board.dashboard(now=NOW)
    assert numbers.last_month.deals_won == 1
    assert numbers.last_month.revenue == {"USD": Decimal("1000")}
    assert numbers.this_month.deals_won == 2
    assert numbers.this_month.revenue == {"USD": Decimal("3000")}


def test_current_stage_counts_come_from_history_not_the_cache(history):
    numbers = board.dashboard(now=NOW)
    assert numbers.current_by_stage == {
        **dict.fromkeys(numbers.current_by_stage, 0),
        "sql": 2,
        "recycled": 1,
        "mql": 2,
        "lead": 1,
    }
    # A wrong cache does not change the dashboard.
    Contact.objects.update(lifecycle_stage="customer")
    assert board.dashboard(now=NOW).current_by_stage["customer"] == 0


def test_headline_compares_with_last_month(history):
    rows = {row.label: row for row in board.dashboard(now=NOW).headline}
    assert rows["MQLs created"].delta == 1
    assert rows["Deals won"].delta == 1
    assert rows["Revenue won (USD)"].delta == Decimal("2000")
    assert rows["MQL → SQL conversion"].direction == "down"


def test_empty_database_gives_zeros_not_errors(db):
    numbers = board.dashboard(now=NOW)
    assert numbers.is_empty
    assert numbers.this_month.mqls == 0
    assert numbers.this_month.mql_to_sql_rate is None
    assert set(numbers.current_by_stage.values()) == {0}


def test_dashboard_page_shows_the_numbers(as_user, rep, history):
    with time_machine.travel(NOW, tick=False):
        response = as_user(rep).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "March 2025" in html and "February 2025" in html
    assert "33.3 %" in html  # March: 1 of 3 MQLs reached SQL
    assert "3,000" in html  # March revenue
    assert "smarketing demo" not in html


def test_dashboard_page_on_an_empty_database_hints_at_the_demo(as_user, rep):
    response = as_user(rep).get("/")
    assert response.status_code == 200
    assert "smarketing demo" in response.content.decode()


@pytest.mark.parametrize("role", ["marketing", "sales", "marketing_leader", "admin"])
def test_every_role_sees_the_same_dashboard(client, cast, role):
    client.force_login(cast[role])
    assert client.get("/").status_code == 200
