"""Writes of report snapshots: serving a page from its snapshot (stale while revalidating),
asking for a refresh, and running one.

A page reads its snapshot in one query and renders it. Past the freshness (settings
REPORT_SNAPSHOT_FRESH_MINUTES) it also reads the data version; when that moved, it queues one
refresh and keeps serving the old numbers, saying so. With no snapshot, a small installation
computes at once; a large one queues the computation and the page says it is on its way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from smarketing.analytics.insights.models import RunStatus
from smarketing.analytics.snapshots import queries
from smarketing.analytics.snapshots.models import ReportSnapshot
from smarketing.analytics.snapshots.reports import COMPUTE, default_views, params_key

# Up to about this many stage moves, a page with no snapshot computes at once (well under a
# second); above, it queues the computation. SMARKETING_SNAPSHOT_INLINE_STAGE_MOVES changes it.
INLINE_STAGE_MOVES = 200_000
# A refresh running longer than this is taken as lost (its worker died) and may be asked again.
ABANDONED_AFTER = dt.timedelta(hours=1)
# A snapshot nobody has opened (nothing computed, checked or asked) for this long is deleted
# by the nightly task: dated filters make a new key every day, so keys pile up.
UNUSED_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class SnapshotView:
    """What a page shows: the stored numbers (None: not computed yet), when they were
    computed, and whether a refresh is on its way."""

    result: dict[str, Any] | None
    computed_at: dt.datetime | None
    pending: bool
    failed: bool = False  # the last computation failed; tried again after the freshness


def inline_limit() -> int:
    return int(getattr(settings, "SMARKETING_SNAPSHOT_INLINE_STAGE_MOVES", INLINE_STAGE_MOVES))


def freshness() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REPORT_SNAPSHOT_FRESH_MINUTES)


def _view(snapshot: ReportSnapshot) -> SnapshotView:
    return SnapshotView(
        result=snapshot.result if snapshot.computed_at else None,
        computed_at=snapshot.computed_at,
        pending=snapshot.pending,
        failed=snapshot.status == RunStatus.FAILED,
    )


def snapshot_refresh_request(*, snapshot: ReportSnapshot, now: dt.datetime) -> bool:
    """Queue a refresh once this transaction commits, unless one is already queued or
    running: the conditional UPDATE lets one of two concurrent requests through."""
    lost = Q(status=RunStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER)
    queued = (
        ReportSnapshot.objects.filter(pk=snapshot.pk)
        .filter(Q(status__in=[RunStatus.DONE, RunStatus.FAILED]) | lost)
        .update(status=RunStatus.QUEUED, requested_at=now)
    )
    if queued:
        from smarketing.analytics.snapshots.tasks import snapshot_refresh_task

        transaction.on_commit(lambda: snapshot_refresh_task(snapshot.pk))
        snapshot.status = RunStatus.QUEUED
    return bool(queued)


def _compute_store(snapshot: ReportSnapshot, now: dt.datetime) -> ReportSnapshot:
    """Compute a snapshot this process has claimed, and store it. The data version is read
    before the data, so a change made while computing shows as stale rather than hiding."""
    try:
        version = queries.data_version_current()
        result = COMPUTE[snapshot.report](snapshot.params, now)
    except Exception as exc:
        # checked_at: a failing computation is tried again after the freshness, not per request.
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(
            status=RunStatus.FAILED, checked_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"
        )
        raise
    stored = {
        "status": RunStatus.DONE,
        "result": result,
        "data_version": version,
        "computed_at": now,
        "checked_at": now,
        "error": "",
    }
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(**stored)
    for name, value in stored.items():
        setattr(snapshot, name, value)
    return snapshot


def snapshot_refresh(*, snapshot_id: int) -> ReportSnapshot | None:
    """Compute a queued snapshot and store it. Claimed with a conditional UPDATE, so a
    repeated or concurrent task does nothing (None)."""
    now = timezone.now()
    claimed = ReportSnapshot.objects.filter(pk=snapshot_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now
    )
    if not claimed:
        return None
    return _compute_store(ReportSnapshot.objects.get(pk=snapshot_id), now)


def _snapshot_create(
    *, report: str, params: Mapping[str, str], now: dt.datetime, status: RunStatus
) -> tuple[ReportSnapshot, bool]:
    """The row for a key never computed, and True; or the row a concurrent request made
    first, and False. The unique key makes the insert itself the claim."""
    key = params_key(params)
    try:
        with transaction.atomic():
            created = ReportSnapshot.objects.create(
                report=report,
                key=key,
                params=dict(params),
                status=status,
                requested_at=now,
                started_at=now if status == RunStatus.RUNNING else None,
            )
    except IntegrityError:
        return ReportSnapshot.objects.get(report=report, key=key), False
    return created, True


def snapshot_compute_now(
    *, report: str, params: Mapping[str, str], now: dt.datetime, found: ReportSnapshot | None
) -> ReportSnapshot | None:
    """Compute in this process (a small installation's page, the nightly schedule) and store;
    `found` is the key's snapshot, if any. None when another process is computing this key."""
    if found is None:
        snapshot, created = _snapshot_create(
            report=report, params=params, now=now, status=RunStatus.RUNNING
        )
        return _compute_store(snapshot, now) if created else None
    lost = Q(status=RunStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER)
    claimed = (
        ReportSnapshot.objects.filter(pk=found.pk)
        .filter(Q(status__in=[RunStatus.DONE, RunStatus.FAILED, RunStatus.QUEUED]) | lost)
        .update(status=RunStatus.RUNNING, started_at=now)
    )
    return _compute_store(found, now) if claimed else None


def _revalidate(snapshot: ReportSnapshot, now: dt.datetime) -> None:
    """Past the freshness, compare the data version; when it moved, queue one refresh."""
    checked = snapshot.checked_at or snapshot.computed_at
    lost = (
        snapshot.status == RunStatus.RUNNING
        and snapshot.started_at is not None
        and now - snapshot.started_at > ABANDONED_AFTER
    )
    if (snapshot.pending and not lost) or (checked is not None and now - checked < freshness()):
        return
    if snapshot.computed_at and snapshot.data_version == queries.data_version_current():
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(checked_at=now)
        return
    snapshot_refresh_request(snapshot=snapshot, now=now)


def snapshot_for_page(*, report: str, params: Mapping[str, str]) -> SnapshotView:
    """The numbers a page shows for `params`: stored ones at once (refreshed behind when stale),
    else computed now on a small installation, else queued."""
    now = timezone.now()
    snapshot = queries.snapshot_find(report=report, key=params_key(params))
    if snapshot is not None:
        _revalidate(snapshot, now)
        return _view(snapshot)
    if queries.stage_moves_estimate() <= inline_limit():
        done = snapshot_compute_now(report=report, params=params, now=now, found=None)
        if done is not None:
            return _view(done)
    snapshot, created = _snapshot_create(
        report=report, params=params, now=now, status=RunStatus.QUEUED
    )
    if created:
        from smarketing.analytics.snapshots.tasks import snapshot_refresh_task

        transaction.on_commit(lambda: snapshot_refresh_task(snapshot.pk))
    return _view(snapshot)


def snapshot_result(*, report: str, params: Mapping[str, str]) -> dict[str, Any] | None:
    """The stored numbers, if any, however old: the CSV downloads read what the page shows."""
    snapshot = queries.snapshot_find(report=report, key=params_key(params))
    return snapshot.result if snapshot is not None and snapshot.computed_at else None


def snapshots_nightly(*, today: dt.date) -> list[ReportSnapshot]:
    """Compute every page's default view, skipping those computed from the data as it is."""
    now = timezone.now()
    version = queries.data_version_current()
    done = []
    for report, params in default_views(today=today):
        found = queries.snapshot_find(report=report, key=params_key(params))
        if found is not None and found.computed_at and found.data_version == version:
            continue
        snapshot = snapshot_compute_now(report=report, params=params, now=now, found=found)
        if snapshot is not None:
            done.append(snapshot)
    return done


def snapshots_prune(*, now: dt.datetime) -> int:
    """Delete the snapshots unused for UNUSED_FOR (none with a refresh on its way); returns how
    many. A page opened past its freshness sets checked_at or computes again, and one opened
    within it was computed lately, so the newest of the three dates is when it was last of
    use."""
    cutoff = now - UNUSED_FOR
    recent = Q(computed_at__gte=cutoff) | Q(checked_at__gte=cutoff) | Q(requested_at__gte=cutoff)
    pending = Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    deleted, _ = ReportSnapshot.objects.exclude(recent | pending).delete()
    return deleted
