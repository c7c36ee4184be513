"""Backtests from the stored history: loading it in chunks, the queued run and its result, the
window's checks and when a run goes stale."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from huey.contrib.djhuey import HUEY

from smarketing.errors import InvalidInput
from smarketing.org.permissions import PermissionDenied
from smarketing.scoring import backtest, services
from smarketing.scoring.models import BacktestRun, RunStatus
from smarketing.scoring.rules.backtest import BacktestResult
from tests.scoring.backtest_support import (
    NOW,
    history_build,
    loose_yaml,
    make_live,
    strict_yaml,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast():
    return history_build()


@pytest.fixture
def draft(marketing_leader, sales_leader):
    """The live version is the loose one; the draft adds -30 points under 10 employees."""
    make_live(loose_yaml(), marketing_leader=marketing_leader, sales_leader=sales_leader)
    return services.definition_draft_create(by_user=marketing_leader, text=strict_yaml())


def _done(run: BacktestRun) -> BacktestResult:
    backtest.backtest_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return BacktestResult.from_dict(run.result)


def test_a_stricter_draft_gives_fewer_mqls_with_a_higher_conversion_rate(
    cast, draft, marketing_leader
):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)

    result = _done(run)

    assert (run.since, run.until) == (NOW - dt.timedelta(days=90), NOW)
    assert [(m.month, m.draft, m.live, m.actual) for m in result.months] == [
        ("2025-04", 0, 0, 0),
        ("2025-05", 2, 4, 2),
        ("2025-06", 0, 0, 0),
        ("2025-07", 0, 0, 0),
    ]
    assert result.draft.share("customer") == 0.5 > result.live.share("customer") == 0.25
    assert result.draft.share("sql") == 0.5 > result.live.share("sql") == 0.25
    assert (result.customers.customers, result.customers.draft, result.customers.live) == (1, 1, 1)
    assert (result.newly_count, result.stopped_count) == (0, 2)
    assert [c.contact_id for c in result.stopped] == [cast["tiny"].pk, cast["micro"].pk]
    tiny = result.stopped[0]
    assert tiny.live.is_mql and not tiny.draft.is_mql
    assert tiny.live.total - tiny.draft.total == pytest.approx(30)
    assert result.contacts_checked == 5
    assert run.total == 5 and run.done == 5


def test_the_queued_task_runs_the_backtest_once_committed(
    cast, draft, marketing_leader, django_capture_on_commit_callbacks
):
    previous, HUEY.immediate = HUEY.immediate, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    finally:
        HUEY.immediate = previous

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.finished_at == NOW
    assert run.result["stopped_count"] == 2


def test_a_run_delivered_twice_runs_once(cast, draft, marketing_leader):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    backtest.backtest_execute(run_id=run.pk)

    backtest.backtest_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.done == run.total == 5


def test_a_failing_run_is_stored_with_its_reason(cast, draft, marketing_leader):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    BacktestRun.objects.filter(pk=run.pk).update(text="format: 1\nfit_rules: 7\n")

    backtest.backtest_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.result is None
    assert "fit_rules" in run.error and run.finished_at == NOW


def test_the_run_keeps_the_text_of_the_revision_it_was_asked_for(cast, draft, marketing_leader):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    services.definition_draft_update(version=draft, text=loose_yaml(), by_user=marketing_leader)

    result = _done(run)

    assert result.stopped_count == 2  # still the strict text, though the draft is loose now
    assert backtest.backtest_stale_reason(run, version=draft, live=services.definition_live()) == (
        "the draft has changed since: this backtest is of revision 1, the draft is at revision 2"
    )


def test_a_run_goes_stale_when_another_version_goes_live(
    cast, draft, marketing_leader, sales_leader
):
    run = backtest.backtest_start(version=draft, by_user=marketing_leader)
    assert (
        backtest.backtest_stale_reason(run, version=draft, live=services.definition_live()) is None
    )

    make_live(strict_yaml(), marketing_leader=marketing_leader, sales_leader=sales_leader)

    reason = backtest.backtest_stale_reason(run, version=draft, live=services.definition_live())
    assert reason == "version 4 went live since: this backtest compared with version 2"


def test_loading_the_history_takes_five_queries_a_chunk(cast, django_assert_num_queries):
    with django_assert_num_queries(3 * 5 + 1):  # chunks of 2, 2 and 1, then an empty one
        histories = list(backtest.histories_load(chunk_size=2))

    assert [h.facts.contact_id for h in histories] == sorted(c.pk for c in cast.values())
    winner = next(h for h in histories if h.facts.contact_id == cast["winner"].pk)
    assert len(winner.touchpoints) == 5
    assert [stage for _, stage in winner.transitions] == [
        "lead",
        "mql",
        "sql",
        "opportunity",
        "customer",
    ]
    assert winner.facts.account.employees == 200
    assert winner.entered_at == NOW - dt.timedelta(days=200)


def test_a_contact_with_history_before_its_creation_entered_then():
    from tests.scoring.backtest_support import moves, person

    contact = person("early@big.example", employees=50, created=NOW)
    moves(contact, (NOW - dt.timedelta(days=3), "lead"))

    (history,) = backtest.histories_load()

    assert history.entered_at == NOW - dt.timedelta(days=3)


def test_the_window_defaults_to_the_last_90_days_and_ends_now_at_the_latest():
    assert backtest.backtest_window(since=None, until=None, now=NOW) == (
        NOW - dt.timedelta(days=90),
        NOW,
    )
    since, until = backtest.backtest_window(
        since=dt.date(2025, 1, 1), until=dt.date(2030, 1, 1), now=NOW
    )
    assert (since, until) == (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), NOW)


@pytest.mark.parametrize(
    ("since", "until", "reason"),
    [
        (dt.date(2025, 3, 1), dt.date(2025, 2, 1), "since (2025-03-01) must be before until"),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 1), "since (2025-03-01) must be before until"),
        (dt.date(2025, 8, 1), None, "since (2025-08-01) must lie in the past"),
        ("2025-01-01", None, "'2025-01-01' is not a date"),
    ],
)
def test_a_bad_window_is_refused_naming_the_field(since, until, reason):
    with pytest.raises(InvalidInput) as caught:
        backtest.backtest_window(since=since, until=until, now=NOW)

    assert list(caught.value.errors) == ["since"]
    assert reason in caught.value.errors["since"][0]


def test_only_leaders_and_admins_start_a_backtest(draft, rep):
    with pytest.raises(PermissionDenied):
        backtest.backtest_start(version=draft, by_user=rep)

    assert not BacktestRun.objects.exists()
