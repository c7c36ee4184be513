"""Alignment health: the sentences on their own, then each metric on a small history counted by
hand, and the page, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from typer.testing import CliRunner

from smarketing.analytics.health.report import alignment_health
from smarketing.analytics.health.trend import Metric, Month, statement
from smarketing.cli import app, register_plugins_once
from smarketing.content.models import ContentAsset
from smarketing.deals import services as deals
from smarketing.errors import InvalidInput
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import Activity, LeadFeedback
from smarketing.lifecycle.services import stage_transition
from tests.factories import AccountFactory, ContactFactory
from tests.handoff.test_activity_events import raw_event

UTC = dt.UTC
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=UTC)


def at(month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, tzinfo=UTC)


def metric(*months: Month) -> Metric:
    return Metric("acceptance", "MQL acceptance", "accepted {n} of {d}", months)


# The sentences --------------------------------------------------------------------------------


def test_statement_when_the_rate_rose_says_by_how_much():
    text = statement(metric(Month("2026-04", 10, 20), Month("2026-05", 15, 20)))
    assert text == (
        "MQL acceptance was 75% in 2026-05 (accepted 15 of 20), up 25 points from 50% in "
        "2026-04 (better)."
    )


def test_statement_when_the_rate_fell_says_worse():
    text = statement(metric(Month("2026-04", 15, 20), Month("2026-05", 10, 20)))
    assert "down 25 points from 75% in 2026-04 (worse)" in text


def test_statement_uses_complete_months_not_the_running_one():
    months = (Month("2026-04", 10, 20), Month("2026-05", 11, 20), Month("2026-06", 0, 9, False))
    text = statement(metric(*months))
    assert "55% in 2026-05" in text and "up 5 points from 50% in 2026-04" in text


def test_statement_when_steady_or_too_few_or_empty():
    steady = statement(metric(Month("2026-04", 50, 100), Month("2026-05", 51, 100)))
    assert "about the same as 2026-04 (50%)" in steady
    few = statement(metric(Month("2026-04", 1, 2), Month("2026-05", 3, 3)))
    assert "too few cases to compare with 2026-04" in few
    assert statement(metric(Month("2026-05", 0, 0))) == "MQL acceptance: nothing to measure yet."


# The metrics on a history ---------------------------------------------------------------------


def _moves(contact, *moves: tuple[str, dt.datetime]) -> None:
    for stage, when in moves:
        stage_transition(contact=contact, to_stage=stage, by_rule="test", at=when)


def _decide(contact, rep, kind: str, when: dt.datetime) -> None:
    LeadFeedback.objects.create(contact=contact, user=rep, kind=kind, at=when)


@pytest.fixture
def history(db, rep):
    """April: two leads (Ada, Ben), one decision each way. May: Ada and Cy become MQLs; Ada is
    called and accepted, Cy never worked; three accepts and one reject in all; two deals won,
    one from an email lead (5,000), one from sales prospecting (3,000) whose account read an
    email first. Ada becomes a customer."""
    email, sales = AccountFactory(name="Email Co"), AccountFactory(name="Sales Co")
    ada = ContactFactory(email="ada@x.example", account=email, source_channel="email")
    ben = ContactFactory(email="ben@x.example", source_channel="email")
    cy = ContactFactory(email="cy@x.example", account=sales, source_channel="sales")
    _moves(ada, ("lead", at(4)), ("mql", at(5, 2)))
    _moves(ben, ("lead", at(4)))
    _moves(cy, ("lead", at(3)), ("mql", at(5, 3)))
    _decide(ben, rep, "accept", at(4, 20))
    _decide(ben, rep, "reject", at(4, 21))
    Activity.objects.create(kind="call", contact=ada, user=rep, occurred_at=at(5, 4))
    ContentAsset.objects.create(
        title="Guide", funnel_stage="mofu", url="https://lumen.example/guide"
    )
    for day, body in ((11, "Our guide: https://lumen.example/guide"), (12, "Talk soon")):
        Activity.objects.create(
            kind="email", contact=ada, user=rep, occurred_at=at(5, day), body=body
        )
    for day in (5, 6, 7):
        _decide(ada, rep, "accept", at(5, day))
    _decide(cy, rep, "reject", at(5, 8))
    won = deals.deal_create(name="A", account=email, primary_contact=ada, amount=Decimal(5000))
    deals.deal_close(deal=won, won=True, at=at(5, 20))
    other = deals.deal_create(name="C", account=sales, primary_contact=cy, amount=Decimal(3000))
    deals.deal_close(deal=other, won=True, at=at(5, 25))
    Touchpoint.objects.create(
        raw_event=raw_event(event="", type="page", at=at(5, 1)),
        contact=cy,
        account=sales,
        occurred_at=at(5, 1),
        kind="email_click",
        channel="email",
    )


def _by_key(months: int = 3):
    health = alignment_health(now=NOW, months=months)
    return health, {
        m.key: {x.label: (x.numerator, x.denominator) for x in m.months} for m in health.metrics
    }


def test_health_counts_each_metric_by_month(history):
    health, got = _by_key()
    assert health.months == ["2026-04", "2026-05", "2026-06"]
    assert got["acceptance"] == {"2026-04": (1, 2), "2026-05": (3, 4), "2026-06": (0, 0)}
    assert got["worked"]["2026-05"] == (1, 2)  # Ada called, Cy never
    assert got["feedback"]["2026-05"] == (2, 2)  # both decided on after becoming MQLs
    assert got["lead_to_customer"]["2026-04"] == (1, 2)  # Ada a customer, Ben not
    assert got["sourced"]["2026-05"] == (5000, 8000)  # the sales-prospected deal is not
    assert got["influenced"]["2026-05"] == (8000, 8000)  # its account read an email first
    assert got["sla"]["2026-05"] == (0, 0)  # no SLA was live
    assert got["content"]["2026-05"] == (1, 2)  # one of the two emails linked to the guide


def test_health_marks_the_running_month_and_states_what_moved(history):
    health, _ = _by_key()
    acceptance = health.metrics[0]
    assert [m.complete for m in acceptance.months] == [True, True, False]
    # April's leads have had under 90 days to close: not settled, no move called on them.
    (to_customer,) = [m for m in health.metrics if m.key == "lead_to_customer"]
    assert [m.complete for m in to_customer.months] == [False, False, False]
    assert "was 50% in 2026-04" in health.statements()["lead_to_customer"]
    assert health.statements()["acceptance"].startswith("MQL acceptance was 75% in 2026-05")


def test_health_refuses_a_window_out_of_range(db):
    with pytest.raises(InvalidInput, match="must be from 2 to 24"):
        alignment_health(now=NOW, months=1)


def test_api_page_and_cli_give_the_same_numbers(history, api_for, marketer, client):
    with time_machine.travel(NOW, tick=False):
        body = api_for(marketer).get("/api/analytics/health", {"months": 3}).json()
        client.force_login(marketer)
        html = client.get("/analytics/health/?months=3").content.decode()
        register_plugins_once()
        result = CliRunner().invoke(app, ["health", "--months", "3", "--format", "json"])
        bad = api_for(marketer).get("/api/analytics/health", {"months": 99})
    acceptance = next(m for m in body["metrics"] if m["key"] == "acceptance")
    assert [m["rate"] for m in acceptance["months"]] == [0.5, 0.75, None]
    assert acceptance["statement"] in html.replace("&#x27;", "'")
    assert "Marketing-influenced revenue" in html and "<svg" in html
    assert json.loads(result.output) == body
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "months"
