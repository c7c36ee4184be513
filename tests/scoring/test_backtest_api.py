"""POST /api/definitions/{number}/backtests and GET .../backtests/{id}."""

from __future__ import annotations

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from smarketing.scoring import services
from smarketing.scoring.models import BacktestRun, RunStatus
from tests.events.rows import api_client
from tests.scoring.backtest_support import NOW, history_build, loose_yaml, make_live, strict_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def draft(marketing_leader, sales_leader):
    make_live(loose_yaml(), marketing_leader=marketing_leader, sales_leader=sales_leader)
    return services.definition_draft_create(by_user=marketing_leader, text=strict_yaml())


def test_post_queues_a_backtest_and_get_returns_its_result(draft, marketing_leader, rep):
    cast = history_build()
    url = f"/api/definitions/{draft.number}/backtests"

    created = api_client(marketing_leader).post(
        url, {"since": "2025-04-01"}, content_type="application/json"
    )

    assert created.status_code == 202, created.content
    body = created.json()
    assert body["status"] == "queued" and body["result"] is None
    assert body["since"].startswith("2025-04-01T00:00:00") and body["total"] == 5
    assert (body["version"], body["revision"], body["live_version"]) == (3, 1, 2)
    from smarketing.scoring.backtest import backtest_execute

    backtest_execute(run_id=body["id"])
    got = api_client(rep).get(f"{url}/{body['id']}")

    assert got.status_code == 200
    run = got.json()
    assert run["status"] == "done" and run["stale"] is False and run["done"] == 5
    result = run["result"]
    assert [(m["month"], m["draft"], m["live"]) for m in result["months"]][1] == ("2025-05", 2, 4)
    assert result["draft"]["customer_share"] == 0.5 and result["live"]["customer_share"] == 0.25
    assert result["customers"] == {"customers": 1, "draft": 1, "live": 1}
    stopped = result["stopped"]
    assert [(s["contact_id"], s["name"], s["email"]) for s in stopped] == [
        (cast["tiny"].pk, "Tia Tiny", "tiny@small.example"),
        (cast["micro"].pk, "Mo Micro", "micro@small.example"),
    ]
    assert stopped[0]["live"]["is_mql"] and not stopped[0]["draft"]["is_mql"]
    assert "current field values" in result["caveats"][0]


def test_the_queued_task_runs_it_once_the_request_has_committed(
    draft, marketing_leader, django_capture_on_commit_callbacks
):
    history_build()
    client = api_client(marketing_leader)
    url = f"/api/definitions/{draft.number}/backtests"
    previous, HUEY.immediate = HUEY.immediate, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            created = client.post(url, {}, content_type="application/json")
    finally:
        HUEY.immediate = previous

    got = client.get(f"{url}/{created.json()['id']}").json()

    assert created.status_code == 202
    assert got["status"] == "done" and got["result"]["stopped_count"] == 2


def test_list_shows_newest_first_and_a_stale_run_says_why(draft, marketing_leader):
    client = api_client(marketing_leader)
    url = f"/api/definitions/{draft.number}/backtests"
    client.post(url, {}, content_type="application/json")
    services.definition_draft_update(version=draft, text=loose_yaml(), by_user=marketing_leader)
    client.post(url, {"since": "2025-06-01"}, content_type="application/json")

    runs = client.get(url).json()

    assert [r["revision"] for r in runs] == [2, 1]
    assert [r["stale"] for r in runs] == [False, True]
    assert "revision 1, the draft is at revision 2" in runs[1]["stale_reason"]


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"since": "2025-05-01", "until": "2025-04-01"}, "since", "must be before until"),
        ({"since": "2025-09-01"}, "since", "must lie in the past"),
        ({"since": "2025-13-01"}, "since", "datetime"),
        ({"since": "yesterday"}, "since", "datetime"),
        ({"window": 90}, "window", "Extra inputs are not permitted"),
    ],
)
def test_post_with_a_bad_window_is_a_400_naming_the_field(
    draft, marketing_leader, body, field, reason
):
    response = api_client(marketing_leader).post(
        f"/api/definitions/{draft.number}/backtests", body, content_type="application/json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and reason in errors[0]["reason"]
    assert not BacktestRun.objects.exists()


def test_a_sales_rep_may_read_but_not_start_a_backtest(draft, rep):
    response = api_client(rep).post(
        f"/api/definitions/{draft.number}/backtests", {}, content_type="application/json"
    )

    assert response.status_code == 403
    assert api_client(rep).get(f"/api/definitions/{draft.number}/backtests").json() == []


def test_unknown_version_or_backtest_is_a_404(draft, marketing_leader):
    client = api_client(marketing_leader)
    run_id = client.post(
        f"/api/definitions/{draft.number}/backtests", {}, content_type="application/json"
    ).json()["id"]

    assert (
        client.post(
            "/api/definitions/99/backtests", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/definitions/{draft.number}/backtests/{run_id + 1}").status_code == 404
    # A backtest is found only under its own version.
    assert client.get(f"/api/definitions/1/backtests/{run_id}").status_code == 404
    assert BacktestRun.objects.get().status == RunStatus.QUEUED
