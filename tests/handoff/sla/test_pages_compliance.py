"""The SLA compliance page: the same numbers as the API, per rep, per team and by month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smarketing.handoff.models import Activity, Assignment
from smarketing.lifecycle.services import stage_transition
from smarketing.org.models import Role
from tests.factories import ContactFactory, UserFactory

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
PAGE = "/sla/compliance/"
WINDOW = "since=2025-05-01&until=2025-07-01"
H = dt.timedelta(hours=1)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mql(owner, at):
    contact = ContactFactory()
    stage_transition(contact=contact, to_stage="mql", by_rule="test", at=at - H)
    Assignment.objects.create(contact=contact, owner=owner, at=at, rule="by hand")
    return contact


@pytest.fixture
def history(rep, sales_team, mql_assigned):
    """The rep called their June MQL in 2 hours; a slow rep never touched theirs, and had a
    May MQL accepted late."""
    Activity.objects.create(kind="call", contact=mql_assigned, user=rep, occurred_at=MONDAY + 2 * H)
    slow = UserFactory(email="slow@example.com", role=Role.SALES, team=sales_team)
    _mql(slow, MONDAY + H)
    may = _mql(slow, MONDAY - dt.timedelta(days=14))
    stage_transition(contact=may, to_stage="sal", by_user=slow, at=MONDAY - dt.timedelta(days=12))
    Activity.objects.create(
        kind="email", contact=may, user=slow, occurred_at=MONDAY - dt.timedelta(days=12)
    )
    return slow


def _as_api(row: dict) -> dict:
    return {
        "key": row["key"],
        "label": row["label"],
        "mqls_assigned": row["assigned"],
        "accepted_in_time": row["accepted"]["n"],
        "first_touch_in_time": row["first_touch"]["n"],
        "cadence_completed": row["cadence"]["n"],
        "median_response_hours": row["median"],
        "ignored": row["ignored"]["n"],
    }


def test_report_numbers_match_the_api_on_the_same_data(sales_leader, history):
    client = logged_in(sales_leader)

    page = client.get(f"{PAGE}?{WINDOW}&month=2025-06")

    assert page.status_code == 200
    owners = client.get(f"/api/sla/compliance?by=owner&{WINDOW}").json()
    teams = client.get(f"/api/sla/compliance?by=team&{WINDOW}").json()
    assert [_as_api(r) for r in page.context["owners"]] == owners
    assert [_as_api(r) for r in page.context["teams"]] == teams
    slow = next(r for r in owners if r["key"] == "slow@example.com")
    assert (slow["mqls_assigned"], slow["ignored"], slow["first_touch_in_time"]) == (2, 1, 0)
    marketing = client.get("/api/sla/marketing?month=2025-06").json()
    progress = page.context["marketing"]
    assert (progress.mqls_delivered, progress.mqls_promised, progress.accepted) == (
        marketing["mqls_delivered"],
        marketing["mqls_promised"],
        marketing["accepted"],
    )
    assert progress.acceptance_rate == marketing["acceptance_rate"]


def test_report_shows_the_tables_the_chart_and_the_months(sales_leader, history):
    text = logged_in(sales_leader).get(f"{PAGE}?{WINDOW}&month=2025-06").content.decode()

    assert 'data-key="slow@example.com"' in text and 'data-key="sam@example.com"' in text
    assert "Share in time per rep" in text
    # The rep's first touch in time: a full bar and its tooltip with the counts.
    assert "first touch in time 100% (1 of 1)" in text
    assert "first touch in time 0% (0 of 2)" in text
    assert "Sales by month" in text
    assert 'data-key="2025-05"' in text and 'data-key="2025-06"' in text
    assert "Marketing's side, 2025-06" in text
    assert "of 100 promised" in text


def test_report_by_default_covers_last_month_and_this_month(rep, live_policy):
    page = logged_in(rep).get(PAGE)

    assert page.status_code == 200
    today = timezone.now().date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert (page.context["since"], page.context["until"]) == (
        last_month,
        today + dt.timedelta(days=1),
    )
    assert "No MQL assignment started a clock in this window." in page.content.decode()


def test_report_with_since_after_until_shows_the_error(rep):
    page = logged_in(rep).get(f"{PAGE}?since=2025-07-01&until=2025-06-01&month=2025-13")

    assert page.status_code == 400
    text = page.content.decode()
    assert "must be before the until date" in text
    assert "must look like 2025-06" in text


def test_report_when_logged_out_goes_to_the_login_page(db):
    response = Client().get(PAGE)

    assert response.status_code == 302 and response["Location"].startswith("/login/")
