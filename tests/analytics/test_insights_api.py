"""GET /api/insights, POST /api/insights/refresh and /api/insights/{id}/draft, and
`smarketing insights`: the shape, who may do what, the stale marker, the queued scan."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from smarketing.analytics.insights import queries, services
from smarketing.analytics.insights.models import InsightRun, RunStatus
from smarketing.analytics.insights.tasks import insights_nightly_task
from smarketing.cli import app, register_plugins_once
from smarketing.lifecycle.models import StageTransition
from smarketing.scoring.models import DefinitionVersion, Status
from tests.analytics.insights_data import (
    CONDITION,
    OTHER_CUSTOMERS,
    OTHERS,
    SMALL,
    population,
)
from tests.api.conftest import error_fields

INSIGHT_KEYS = {
    "id",
    "label",
    "sentence",
    "segment",
    "same_leads_as",
    "direction",
    "rate",
    "rate_interval",
    "baseline_rate",
    "ratio",
    "n",
    "conversions",
    "rest_n",
    "rest_conversions",
    "p_value",
    "q_value",
    "confidence",
    "feedback",
    "proposal",
}


@pytest.fixture
def scanned(rep):
    population(rep=rep)
    return services.insights_scan_now()


@pytest.fixture
def queue_immediate():
    from huey.contrib.djhuey import HUEY

    previous, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = previous


def _small(body: dict) -> dict:
    return next(i for i in body["insights"] if i["segment"] == [CONDITION])


def test_insights_api_when_scanned_lists_the_segment_with_its_figures(api_for, cast, scanned):
    for user in cast.values():
        response = api_for(user).get("/api/insights")
        assert response.status_code == 200, (user.role, response.content)
    body = response.json()
    assert body["stale"] is False and body["pending"] is None
    assert (body["leads"], body["conversions"]) == (SMALL + OTHERS, OTHER_CUSTOMERS)
    insight = _small(body)
    assert set(insight) == INSIGHT_KEYS
    assert insight["direction"] == "worse"
    assert (insight["rate"], insight["n"]) == (0.0, SMALL)
    assert insight["baseline_rate"] == pytest.approx(OTHER_CUSTOMERS / OTHERS, abs=1e-6)
    assert 0 < insight["q_value"] <= 0.05
    assert insight["feedback"]["reasons"] == [{"reason": "No budget", "count": SMALL}]
    assert (insight["feedback"]["rating"], insight["feedback"]["rest_rating"]) == (1.0, 4.0)
    proposal = insight["proposal"]
    assert (proposal["kind"], proposal["action"]) == ("fit", "change")
    assert proposal["rule"]["field"] == "account.employees"
    assert proposal["rule"]["points"] == -80  # the default's -30, and -50 for a rate of 0


def test_insights_api_when_anonymous_refuses(db):
    from django.test import Client

    assert Client().get("/api/insights").status_code == 401


def test_insights_api_when_never_scanned_says_so(api_for, marketer):
    body = api_for(marketer).get("/api/insights").json()
    assert (body["computed_at"], body["stale"], body["insights"]) == (None, True, [])


def test_insights_api_when_the_data_changes_marks_the_result_stale(api_for, marketer, scanned):
    contact = scanned and StageTransition.objects.first().contact
    StageTransition.objects.create(contact=contact, to_stage="mql", at=timezone.now())
    assert api_for(marketer).get("/api/insights").json()["stale"] is True


def test_insights_data_version_is_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        queries.data_version_current()


def test_insights_refresh_api_queues_a_scan_that_the_task_runs(
    api_for, marketer, rep, queue_immediate, django_capture_on_commit_callbacks
):
    population(rep=rep)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(marketer).post(
            "/api/insights/refresh", {"min_n": 20}, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    run = InsightRun.objects.get(pk=response.json()["id"])
    assert run.status == RunStatus.DONE and run.params["min_n"] == 20
    assert run.requested_by == marketer
    body = api_for(marketer).get("/api/insights").json()
    assert body["stale"] is False and body["params"]["min_n"] == 20


def test_insights_refresh_api_when_a_setting_is_out_of_range_names_it(api_for, marketer):
    response = api_for(marketer).post(
        "/api/insights/refresh", {"max_q": 2, "sizes": 3}, content_type="application/json"
    )
    assert error_fields(response) == {"max_q", "sizes"}
    assert not InsightRun.objects.exists()


def test_insights_refresh_when_one_is_waiting_returns_it(marketer, rep):
    first = services.insights_refresh(by_user=marketer)
    assert services.insights_refresh(by_user=rep) == first
    assert InsightRun.objects.count() == 1


def test_insights_run_when_repeated_does_nothing(marketer, rep):
    population(rep=rep)
    run = services.insights_refresh(by_user=marketer)
    assert services.insights_run(run_id=run.pk) is not None
    assert services.insights_run(run_id=run.pk) is None


def test_insights_nightly_scans_only_when_the_data_changed(rep):
    population(rep=rep)
    insights_nightly_task.call_local()
    insights_nightly_task.call_local()
    assert InsightRun.objects.filter(status=RunStatus.DONE).count() == 1


def test_insight_draft_api_creates_a_draft_with_the_rule(api_for, marketing_leader, scanned):
    insight = _small(api_for(marketing_leader).get("/api/insights").json())
    response = api_for(marketing_leader).post(f"/api/insights/{insight['id']}/draft")
    assert response.status_code == 201, response.content
    draft = DefinitionVersion.objects.get(number=response.json()["number"])
    assert draft.status == Status.DRAFT and draft.created_by == marketing_leader
    assert "points: -80" in draft.text
    assert response.json()["url"] == f"/scoring/definition/{draft.number}/"


def test_insight_draft_api_when_a_marketer_asks_refuses(api_for, marketer, scanned):
    insight = _small(api_for(marketer).get("/api/insights").json())
    response = api_for(marketer).post(f"/api/insights/{insight['id']}/draft")
    assert response.status_code == 403
    assert not DefinitionVersion.objects.filter(status=Status.DRAFT).exists()


def test_insight_draft_api_when_the_insight_is_unknown_is_a_400(api_for, sales_leader, scanned):
    response = api_for(sales_leader).post("/api/insights/000000000000/draft")
    assert error_fields(response) == {"insight"}


def _cli(*args: str):
    register_plugins_once()
    return CliRunner().invoke(app, ["insights", *args])


def test_insights_cli_json_gives_each_insight_in_the_truths_vocabulary(rep):
    population(rep=rep)
    result = _cli("--refresh", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["stale"] is False
    insight = _small(document)
    assert set(insight) == INSIGHT_KEYS
    assert insight["segment"] == [CONDITION]
    assert insight["direction"] == "worse"


def test_insights_cli_table_prints_the_sentence(rep):
    population(rep=rep)
    result = _cli("--refresh")
    assert result.exit_code == 0, result.output
    assert "Companies with fewer than 10 employees: 0.0% become customers vs 30.0%" in (
        result.output
    )
    assert "No budget (60)" in result.output


def test_insights_cli_when_never_scanned_says_so(db):
    result = _cli()
    assert result.exit_code == 0, result.output
    assert "No insights computed yet" in result.output


def test_insights_cli_bad_option_names_it(db):
    result = _cli("--refresh", "--max-q", "0")
    assert result.exit_code == 1
    assert "--max-q" in result.output
    result = _cli("--min-n", "10")
    assert result.exit_code == 1 and "add --refresh" in result.output


def test_insights_window_leaves_out_leads_too_young_to_have_closed(rep):
    population(rep=rep)
    young = StageTransition.objects.first().contact
    StageTransition.objects.filter(contact=young).update(at=timezone.now() - dt.timedelta(days=5))
    run = services.insights_scan_now()
    assert run.result["leads"] == SMALL + OTHERS - 1
