"""Report snapshots: the funnel and performance pages served from stored numbers, refreshed in
the background when the data moves on, computed at once only on a small installation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from smarketing.analytics.funnel.filters import filters_parse
from smarketing.analytics.funnel.page import funnel_page_result
from smarketing.analytics.insights.models import RunStatus
from smarketing.analytics.models import ReportSnapshot
from smarketing.analytics.performance.page import performance_page_result
from smarketing.analytics.performance.report import Dimension
from smarketing.analytics.snapshots import reports, services
from smarketing.analytics.tasks import snapshots_nightly_task
from tests.analytics.funnel_history import WINDOW, four_contacts

pytestmark = pytest.mark.django_db
FUNNEL = "/analytics/funnel/"
PERFORMANCE = "/analytics/performance/"
# Session and user; the filter form's campaigns, owners and teams; the snapshot; the header's
# unread count and the user's team. Nothing that grows with the data.
SERVED_QUERIES = 2 + 3 + 1 + 2


@pytest.fixture
def contacts(rep, marketer):
    return four_contacts(rep=rep, marketer=marketer)


@pytest.fixture
def queue_immediate():
    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def _funnel_snapshot() -> ReportSnapshot:
    return ReportSnapshot.objects.get(report=reports.FUNNEL)


@pytest.mark.parametrize(("url", "params"), [(FUNNEL, WINDOW), (PERFORMANCE, WINDOW)])
def test_page_when_snapshot_exists_is_served_in_a_fixed_number_of_queries(
    client, marketer, rep, contacts, django_assert_num_queries, url, params
):
    client.force_login(marketer)
    client.get(url, params)  # a small installation: computed and stored at once
    four_contacts(rep=rep, marketer=marketer)
    with django_assert_num_queries(SERVED_QUERIES):
        html = client.get(url, params).content.decode()
    assert 'id="snapshot-computed"' in html and "<table" in html


def test_page_when_snapshot_stale_serves_it_and_queues_one_refresh(
    client, marketer, rep, contacts, settings, django_capture_on_commit_callbacks
):
    client.force_login(marketer)
    client.get(FUNNEL, WINDOW)
    four_contacts(rep=rep, marketer=marketer)  # the data moves on
    settings.REPORT_SNAPSHOT_FRESH_MINUTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.get(FUNNEL, WINDOW).content.decode()
        second = client.get(FUNNEL, WINDOW).content.decode()
    assert len(callbacks) == 1
    for html in (first, second):
        assert "4 contacts entered the funnel" in html  # the stored numbers, at once
        assert 'id="snapshot-refreshing"' in html and 'hx-trigger="every 5s"' in html
    assert _funnel_snapshot().status == RunStatus.QUEUED


def test_page_when_data_unchanged_past_freshness_queues_nothing(
    client, marketer, contacts, settings, django_capture_on_commit_callbacks
):
    client.force_login(marketer)
    client.get(FUNNEL, WINDOW)
    settings.REPORT_SNAPSHOT_FRESH_MINUTES = 0
    with django_capture_on_commit_callbacks() as callbacks:
        html = client.get(FUNNEL, WINDOW).content.decode()
    assert not callbacks and 'id="snapshot-refreshing"' not in html


def test_refresh_task_stores_the_numbers_a_live_computation_gives(
    client, marketer, rep, contacts, settings, queue_immediate, django_capture_on_commit_callbacks
):
    client.force_login(marketer)
    client.get(FUNNEL, WINDOW)
    client.get(PERFORMANCE, {**WINDOW, "by": "campaign"})
    four_contacts(rep=rep, marketer=marketer)
    settings.REPORT_SNAPSHOT_FRESH_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(FUNNEL, WINDOW)
        client.get(PERFORMANCE, {**WINDOW, "by": "campaign"})
    assert len(callbacks) == 2
    now = timezone.now()
    filters = filters_parse(WINDOW, today=now.date())
    funnel = _funnel_snapshot()
    assert funnel.status == RunStatus.DONE
    assert funnel.result == funnel_page_result(filters=filters, now=now)
    assert funnel.result["population"] == 8
    performance = ReportSnapshot.objects.get(report=reports.PERFORMANCE)
    assert performance.result == performance_page_result(
        dimension=Dimension.CAMPAIGN, filters=filters
    )
    html = client.get(FUNNEL, WINDOW).content.decode()
    assert "8 contacts entered the funnel" in html and "refreshing" not in html


def test_page_when_large_and_never_computed_says_computing_and_queues(
    client, marketer, contacts, settings, queue_immediate, django_capture_on_commit_callbacks
):
    settings.SMARKETING_SNAPSHOT_INLINE_STAGE_MOVES = 0
    client.force_login(marketer)
    with django_capture_on_commit_callbacks() as callbacks:
        html = client.get(FUNNEL, WINDOW).content.decode()
        client.get(FUNNEL, WINDOW)
    assert len(callbacks) == 1
    assert 'id="snapshot-computing"' in html and 'hx-trigger="every 5s"' in html
    assert 'id="table-entries"' not in html
    assert _funnel_snapshot().status == RunStatus.QUEUED
    callbacks[0]()  # the queue runs it
    html = client.get(FUNNEL, WINDOW, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="table-entries"' in html and "hx-trigger" not in html


def test_refresh_claim_is_exclusive(contacts):
    filters = filters_parse(WINDOW, today=dt.date(2025, 7, 1))
    params = reports.funnel_params(filters)
    snapshot = ReportSnapshot.objects.create(
        report=reports.FUNNEL,
        key=reports.params_key(params),
        params=params,
        status=RunStatus.QUEUED,
    )
    now = timezone.now()
    assert not services.snapshot_refresh_request(snapshot=snapshot, now=now)  # already queued
    assert services.snapshot_refresh(snapshot_id=snapshot.pk) is not None
    assert services.snapshot_refresh(snapshot_id=snapshot.pk) is None  # a repeated task
    running = ReportSnapshot.objects.filter(pk=snapshot.pk)
    running.update(status=RunStatus.RUNNING, started_at=now)
    assert (
        services.snapshot_compute_now(report=reports.FUNNEL, params=params, now=now, found=snapshot)
        is None
    )  # another worker is computing it
    assert services.snapshot_refresh(snapshot_id=snapshot.pk) is None


def test_nightly_task_precomputes_both_pages_default_views(contacts, queue_immediate):
    snapshots_nightly_task()
    filters = filters_parse({}, today=timezone.now().date())
    stored = {(s.report, s.key) for s in ReportSnapshot.objects.filter(status=RunStatus.DONE)}
    assert (reports.FUNNEL, reports.params_key(reports.funnel_params(filters))) in stored
    for dimension in Dimension:
        key = reports.params_key(reports.performance_params(filters, dimension))
        assert (reports.PERFORMANCE, key) in stored
    assert services.snapshots_nightly(today=timezone.now().date()) == []  # nothing changed


def test_csv_when_snapshot_exists_gives_what_the_page_shows(client, rep, marketer, contacts):
    client.force_login(rep)
    client.get(FUNNEL, WINDOW)
    client.get(PERFORMANCE, {**WINDOW, "by": "channel"})
    four_contacts(rep=rep, marketer=marketer)  # not in the snapshot yet
    response = client.get(f"{FUNNEL}conversions.csv", WINDOW)
    lead = next(r for r in csv.reader(io.StringIO(response.content.decode())) if r[0] == "Lead")
    assert lead[1] == "4"  # the window's leads, as the page shows them
    response = client.get(f"{PERFORMANCE}performance.csv", {**WINDOW, "by": "channel"})
    stored = ReportSnapshot.objects.get(report=reports.PERFORMANCE).result["table"]["csv"]
    assert response.content.decode() == stored


def test_page_when_refresh_was_lost_queues_it_again(
    client, marketer, contacts, settings, django_capture_on_commit_callbacks
):
    client.force_login(marketer)
    client.get(FUNNEL, WINDOW)
    settings.REPORT_SNAPSHOT_FRESH_MINUTES = 0
    started = timezone.now() - services.ABANDONED_AFTER - dt.timedelta(minutes=1)
    ReportSnapshot.objects.update(status=RunStatus.RUNNING, started_at=started, data_version={})
    with django_capture_on_commit_callbacks() as callbacks:
        client.get(FUNNEL, WINDOW)
    assert len(callbacks) == 1 and _funnel_snapshot().status == RunStatus.QUEUED


def test_page_when_computation_failed_says_so(client, marketer, contacts, settings, monkeypatch):
    settings.SMARKETING_SNAPSHOT_INLINE_STAGE_MOVES = 0
    client.force_login(marketer)
    client.get(FUNNEL, WINDOW)  # queued

    def broken(params, now):
        raise RuntimeError("out of memory")

    monkeypatch.setitem(services.COMPUTE, reports.FUNNEL, broken)
    with pytest.raises(RuntimeError):
        services.snapshot_refresh(snapshot_id=_funnel_snapshot().pk)
    assert "out of memory" in _funnel_snapshot().error
    html = client.get(FUNNEL, WINDOW).content.decode()
    assert 'id="snapshot-failed"' in html and 'hx-trigger="every 5s"' not in html


def _edit_contact_country(contacts, rep) -> None:  # type: ignore[no-untyped-def]
    contacts["cat"].country = "FR"
    contacts["cat"].save()


def _edit_account_industry(contacts, rep) -> None:  # type: ignore[no-untyped-def]
    account = contacts["ann"].account
    account.industry = "Retail"
    account.save()


def _edit_campaign_cost(contacts, rep) -> None:  # type: ignore[no-untyped-def]
    campaign = contacts["ann"].source_campaign
    campaign.cost = 900
    campaign.save()


def _edit_content_stage(contacts, rep) -> None:  # type: ignore[no-untyped-def]
    from smarketing.content.models import ContentAsset

    asset = ContentAsset.objects.create(title="Guide", funnel_stage="tofu")
    asset.funnel_stage = "bofu"
    asset.save()


def _reassign(contacts, rep) -> None:  # type: ignore[no-untyped-def]
    from smarketing.handoff.routing.services import contact_reassign

    contact_reassign(contact=contacts["dan"], owner=rep, by_user=rep)


@pytest.mark.parametrize(
    "edit",
    [
        _edit_contact_country,
        _edit_account_industry,
        _edit_campaign_cost,
        _edit_content_stage,
        _reassign,
    ],
)
def test_data_version_moves_with_edits_the_reports_read(contacts, rep, edit) -> None:  # type: ignore[no-untyped-def]
    from smarketing.analytics.snapshots.queries import data_version_current

    before = data_version_current()
    edit(contacts, rep)
    assert data_version_current() != before


def test_nightly_task_deletes_snapshots_unused_for_a_month(contacts, queue_immediate):
    now = timezone.now()
    old = now - services.UNUSED_FOR - dt.timedelta(days=1)
    recent = now - dt.timedelta(days=3)

    def snapshot(key: str, **dates) -> ReportSnapshot:  # type: ignore[no-untyped-def]
        return ReportSnapshot.objects.create(report=reports.FUNNEL, key=key, **dates)

    snapshot("forgotten", computed_at=old, checked_at=old, requested_at=old)
    snapshot("checked lately", computed_at=old, checked_at=recent)
    snapshot("computed lately", computed_at=recent)
    snapshot("asked for", computed_at=old, requested_at=old, status=RunStatus.QUEUED)

    snapshots_nightly_task()

    kept = set(ReportSnapshot.objects.values_list("key", flat=True))
    assert "forgotten" not in kept
    assert {"checked lately", "computed lately", "asked for"} <= kept
