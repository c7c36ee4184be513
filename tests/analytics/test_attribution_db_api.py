"""/api/analytics/attribution: the shape of the answer, the stale flag, the refresh and bad
input."""

from __future__ import annotations

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from smarketing.analytics.attribution import MODELS
from smarketing.analytics.attribution_report.models import AttributionRun
from tests.analytics.attribution_db_history import WINDOW, build_history, day, touch

pytestmark = pytest.mark.django_db
URL = "/api/analytics/attribution"


@pytest.fixture
def history():
    return build_history()


def test_answer_has_every_model_per_channel_with_the_data_version(history, api_for, rep):
    response = api_for(rep).get(URL, WINDOW)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["params"] == {
        "from": "2026-01-01",
        "until": "2026-07-01",
        "level": "contact",
        "by": "channel",
        "lookback": 90,
        "order": 1,
        "half_life": 7.0,
    }
    assert body["journeys"] == {"converting": 2, "null": 2, "touches": 8}
    assert (body["conversions"], body["value"], body["currency"]) == (2, 8000.0, "USD")
    assert body["left_out"]["other_currencies"] == {"EUR": {"deals": 1, "amount": "1000.00"}}
    assert body["stale"] is False and body["computed_at"] and body["pending"] is None
    assert body["data_version"]["deals_won"] == 3
    assert [m["model"] for m in body["models"]] == list(MODELS)
    first = next(m for m in body["models"] if m["model"] == "first_touch")
    email = next(c for c in first["channels"] if c["channel"] == "email")
    assert email == {"channel": "email", "label": "Email", "conversions": 2.0, "value": 8000.0}
    markov = next(m for m in body["models"] if m["model"] == "markov")
    assert set(markov["details"]["removal_effects"]) == {c["channel"] for c in markov["channels"]}


def test_stale_flag_follows_the_data(history, api_for, rep):
    client = api_for(rep)
    assert client.get(URL, WINDOW).json()["stale"] is False
    touch(history["cy"], "email", day(6, 10))
    assert client.get(URL, WINDOW).json()["stale"] is True


def test_refresh_queues_one_run_and_the_queue_computes_it(
    history, api_for, marketer, django_capture_on_commit_callbacks
):
    client = api_for(marketer)
    params = {**WINDOW, "level": "account"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(f"{URL}/refresh?from=2026-01-01&until=2026-07-01&level=account")
        again = client.post(f"{URL}/refresh?from=2026-01-01&until=2026-07-01&level=account")
    assert first.status_code == 202 and first.json()["status"] == "queued"
    assert again.json()["id"] == first.json()["id"]  # one waiting run, not two
    assert len(callbacks) == 1
    previous, HUEY.immediate = HUEY.immediate, True
    try:
        callbacks[0]()
    finally:
        HUEY.immediate = previous
    run = AttributionRun.objects.get(pk=first.json()["id"])
    assert run.status == "done" and run.result["journeys"]["converting"] == 2
    body = client.get(URL, params).json()
    assert body["computed_at"] is not None and body["pending"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-05-01", "until": "2026-04-01"}, "until"),
        ({"order": "4"}, "order"),
        ({"lookback": "-5"}, "lookback"),
        ({"half_life": "-1"}, "half_life"),
        ({"level": "team"}, "level"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_for, rep, params, field):
    response = api_for(rep).get(URL, params)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    refresh = api_for(rep).post(f"{URL}/refresh?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert refresh.status_code == 400 and field in refresh.json()["detail"]


def test_needs_a_login(client):
    assert client.get(URL).status_code == 401


def test_nightly_run_computes_the_default_page_and_skips_unchanged_data(history):
    from smarketing.analytics.attribution_report.services import attribution_nightly

    today = dt.date(2026, 7, 1)
    run = attribution_nightly(today=today)
    assert run is not None and run.params["from"] == "2025-08-01"
    assert run.result["journeys"]["converting"] == 2
    assert attribution_nightly(today=today) is None
    touch(history["cy"], "email", day(6, 10))
    assert attribution_nightly(today=today) is not None
