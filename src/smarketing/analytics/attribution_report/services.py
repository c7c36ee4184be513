"""Writes of attribution: asking for a run, running one, and computing on the spot when the
data is small enough to answer a page without the queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction

from smarketing.analytics.attribution_report import queries
from smarketing.analytics.attribution_report.compute import attribution_compute
from smarketing.analytics.attribution_report.models import AttributionRun
from smarketing.analytics.attribution_report.params import AttributionParams, params_parse
from smarketing.analytics.insights.models import RunStatus
from smarketing.analytics.stored_runs import run_claimed
from smarketing.org import permissions

# Up to this many touchpoints, a page asking for parameters never computed computes them at
# once (well under a second); above, it queues the run. SMARKETING_ATTRIBUTION_INLINE_TOUCHPOINTS
# in the settings changes it.
INLINE_TOUCHPOINTS = 200_000


def _requester(by_user: Any) -> Any:
    return by_user if getattr(by_user, "pk", None) else None


def attribution_refresh(*, by_user: Any, params: AttributionParams) -> AttributionRun:
    """A run, done by the queue once this transaction commits. A run already waiting with the
    same parameters is returned instead of a second one."""
    permissions.require(by_user, "analytics.view")
    waiting = AttributionRun.objects.filter(key=params.key, status=RunStatus.QUEUED).first()
    if waiting is not None:
        return waiting
    run = AttributionRun.objects.create(
        params=params.as_dict(), key=params.key, requested_by=_requester(by_user)
    )
    from smarketing.analytics.attribution_report.tasks import attribution_task

    transaction.on_commit(lambda: attribution_task(run.pk))
    return run


def _stored_params(run: AttributionRun) -> AttributionParams:
    return params_parse(run.params, today=run.created_at.date())


def attribution_run(*, run_id: int) -> AttributionRun | None:
    """Compute every model and store the result. Claimed with a conditional UPDATE, so a
    repeated task does nothing. The data version is read before the data, so a change made
    while the run reads shows the result as stale rather than hiding the change."""

    def compute(run: AttributionRun) -> tuple[dict[str, Any], Any]:
        version = queries.data_version_current()
        return version, attribution_compute(params=_stored_params(run))

    return run_claimed(AttributionRun, run_id=run_id, compute=compute)


def attribution_compute_now(*, params: AttributionParams, by_user: Any = None) -> AttributionRun:
    """Compute in this process (a small company's page, the nightly schedule) and store it."""
    run = AttributionRun.objects.create(
        params=params.as_dict(), key=params.key, requested_by=_requester(by_user)
    )
    done = attribution_run(run_id=run.pk)
    assert done is not None
    return done


def inline_limit() -> int:
    return int(getattr(settings, "SMARKETING_ATTRIBUTION_INLINE_TOUCHPOINTS", INLINE_TOUCHPOINTS))


def attribution_state_or_compute(
    *, params: AttributionParams, by_user: Any
) -> queries.AttributionState:
    """The stored state; when these parameters were never computed, nothing is on its way and
    the data is small, computed now, so a small company never waits for the queue."""
    permissions.require(by_user, "analytics.view")
    state = queries.attribution_state(params)
    if state.run is not None or state.pending is not None or state.failed is not None:
        return state
    if (state.version.get("touchpoints") or 0) > inline_limit():
        return state
    attribution_compute_now(params=params, by_user=by_user)
    return queries.attribution_state(params)


def attribution_nightly(*, today: dt.date) -> AttributionRun | None:
    """The schedule's run of the default parameters (the last twelve months, contact level),
    skipped when the newest result was computed from the data as it is now."""
    params = params_parse({}, today=today)
    latest = queries.attribution_latest(params)
    if latest is not None and latest.data_version == queries.data_version_current():
        return None
    return attribution_compute_now(params=params)
