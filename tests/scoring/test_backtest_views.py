"""The backtest page: start a run, follow it with htmx, read the chart, outcomes and lists."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from smarketing.scoring import backtest, services
from smarketing.scoring.models import BacktestRun, RunStatus
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


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(draft) -> str:
    return f"/scoring/definition/{draft.number}/backtest/"


def test_a_leader_starts_a_backtest_and_the_page_follows_it(draft, marketing_leader):
    cast = history_build()
    client = logged_in(marketing_leader)

    page = client.get(url(draft)).content.decode()
    assert "No backtest yet" in page and 'value="2025-04-02"' in page  # 90 days back
    started = client.post(url(draft), {"since": "2025-04-01", "until": ""})
    run = BacktestRun.objects.get()
    assert started.status_code == 302 and started["Location"] == f"{url(draft)}?run={run.pk}"

    waiting = client.get(f"{url(draft)}?run={run.pk}", headers={"HX-Request": "true"})
    text = waiting.content.decode()
    assert text.startswith('<div id="backtest-run" hx-get=')
    assert 'hx-trigger="every 2s"' in text and "Waiting for a worker" in text

    backtest.backtest_execute(run_id=run.pk)
    done = client.get(f"{url(draft)}?run={run.pk}", headers={"HX-Request": "true"})
    text = done.content.decode()
    assert "hx-trigger" not in text  # polling stops
    assert text.count("<rect x=") == 4 * 3  # four months, three bars each
    assert "2025-05: This version 2</title>" in text and "2025-05: Live version 4</title>" in text
    assert "2025-05: Recorded MQLs 2</title>" in text
    assert re.search(r"<td>This version</td><td>2</td><td>50.0% <span", text)
    assert "would have qualified <strong>1</strong> before they did" in text
    assert "Would newly qualify: 0" in text and "Would stop qualifying: 2" in text
    assert f'<a href="/contacts/{cast["tiny"].pk}/">Tia Tiny</a>' in text
    assert "current field values" in text


def test_the_full_page_shows_the_latest_run_and_the_list_of_runs(draft, marketing_leader):
    history_build()
    first = backtest.backtest_start(version=draft, by_user=marketing_leader)
    backtest.backtest_execute(run_id=first.pk)
    services.definition_draft_update(version=draft, text=loose_yaml(), by_user=marketing_leader)

    page = logged_in(marketing_leader).get(url(draft)).content.decode()

    assert "Stale:</strong> the draft has changed since" in page
    assert '<svg role="img"' in page and "Would stop qualifying: 2" in page
    assert "Backtests of this version" in page and "revision 1, done" in page
    assert "Run a backtest" in page and "Of revision 2, against the live version" in page


def test_a_sales_rep_sees_the_result_but_cannot_start_one(draft, rep, marketing_leader):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    backtest.backtest_execute(run_id=run.pk)
    client = logged_in(rep)

    page = client.get(url(draft))
    refused = client.post(url(draft), {"since": "2025-04-01"})

    assert page.status_code == 200 and "Run a backtest" not in page.content.decode()
    assert "Would newly qualify: 0" in page.content.decode()
    assert refused.status_code == 403
    assert BacktestRun.objects.count() == 1


def test_a_bad_window_is_shown_beside_the_form(draft, marketing_leader):
    client = logged_in(marketing_leader)

    after = client.post(url(draft), {"since": "2025-05-01", "until": "2025-04-01"})
    malformed = client.post(url(draft), {"since": "2025-02-30"})

    assert after.status_code == 400
    assert "since (2025-05-01) must be before until (2025-04-01)" in after.content.decode()
    assert malformed.status_code == 400 and "Enter a valid date" in malformed.content.decode()
    assert not BacktestRun.objects.exists()


def test_a_failed_run_shows_why(draft, marketing_leader):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    BacktestRun.objects.filter(pk=run.pk).update(text="format: 1\nfit_rules: 7\n")
    backtest.backtest_execute(run_id=run.pk)

    page = logged_in(marketing_leader).get(f"{url(draft)}?run={run.pk}").content.decode()

    assert BacktestRun.objects.get().status == RunStatus.FAILED
    assert "The backtest failed:" in page and "fit_rules" in page


def test_an_unknown_version_or_run_is_a_404(draft, marketing_leader):
    client = logged_in(marketing_leader)

    assert client.get("/scoring/definition/99/backtest/").status_code == 404
    assert client.get(f"{url(draft)}?run=12345").status_code == 404
    assert client.get(f"{url(draft)}?run=abc").status_code == 404


def test_the_url_name_takes_the_version_number(draft):
    from django.urls import reverse

    assert reverse("scoring:version-backtest", kwargs={"number": draft.number}) == url(draft)
