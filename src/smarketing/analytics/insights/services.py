"""Writes of insights: asking for a scan, running one, and the draft definition an insight
proposes."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.analytics.insights import proposals
from smarketing.analytics.insights.collect import content_paths
from smarketing.analytics.insights.compute import (
    Params,
    insights_compute,
    params_parse,
    segments_from_parts,
)
from smarketing.analytics.insights.models import InsightRun, RunStatus
from smarketing.analytics.insights.queries import (
    data_version_current,
    insight_find,
    insights_latest,
)
from smarketing.analytics.stored_runs import run_claimed
from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.scoring import queries as scoring_queries
from smarketing.scoring import services as scoring_services
from smarketing.scoring.models import DefinitionVersion

logger = logging.getLogger(__name__)


def insights_refresh(*, by_user: Any, params: Params | None = None) -> InsightRun:
    """A scan, run by the queue once this transaction commits. A scan already waiting with the
    same settings is returned instead of a second one."""
    permissions.require(by_user, "analytics.view")
    settings = (params or Params()).as_dict()
    waiting = InsightRun.objects.filter(status=RunStatus.QUEUED, params=settings).first()
    if waiting is not None:
        return waiting
    run = InsightRun.objects.create(
        params=settings, requested_by=by_user if getattr(by_user, "pk", None) else None
    )
    from smarketing.analytics.insights.tasks import insights_scan_task

    transaction.on_commit(lambda: insights_scan_task(run.pk))
    return run


def insights_run(*, run_id: int) -> InsightRun | None:
    """Compute the scan and store its result. Claimed with a conditional UPDATE, so a repeated
    task does nothing. The data version is read before the data, so a change made while the
    scan reads shows the result as stale rather than hiding the change."""

    def compute(run: InsightRun) -> tuple[dict[str, Any], Any]:
        # First: on a new install this installs the shipped definition, which the version counts.
        live = scoring_services.definition_live()
        version = data_version_current()
        result = insights_compute(
            params=params_parse(run.params),
            now=timezone.now(),
            definition=scoring_queries.definition_of(live),
        )
        return version, result

    return run_claimed(InsightRun, run_id=run_id, compute=compute)


def insights_scan_now(*, by_user: Any = None, params: Params | None = None) -> InsightRun:
    """Scan in this process (the CLI's --refresh, the nightly schedule) and return the run."""
    if by_user is not None:
        permissions.require(by_user, "analytics.view")
    run = InsightRun.objects.create(
        params=(params or Params()).as_dict(),
        requested_by=by_user if getattr(by_user, "pk", None) else None,
    )
    done = insights_run(run_id=run.pk)
    assert done is not None
    return done


def insights_nightly() -> InsightRun | None:
    """The schedule's scan, skipped when the newest result was computed from the data as it
    is now."""
    latest = insights_latest()
    if latest is not None and latest.data_version == data_version_current():
        return None
    return insights_scan_now()


def insight_draft_create(*, key: str, by_user: Any) -> DefinitionVersion:
    """A draft of the live definition with the insight's proposed rule: the proposal is made
    again against the live version now, so it is right even if the live version changed since
    the scan."""
    permissions.require(by_user, "definition.propose")
    insight = insight_find(insights_latest(), key)
    if insight is None:
        raise InvalidInput(
            f"no insight {key!r} in the newest scan; refresh the insights and try again",
            field="insight",
        )
    if insight["ratio"] is None and insight["direction"] != "better":
        raise InvalidInput(f"insight {key!r} has no rate ratio to propose from", field="insight")
    ratio = float("inf") if insight["ratio"] is None else float(insight["ratio"])
    live = scoring_services.definition_live()
    definition = scoring_queries.definition_of(live)
    proposal = proposals.proposal_for(
        segments_from_parts(insight["parts"]),
        ratio=ratio,
        definition=definition,
        paths=content_paths(),
    )
    if proposal is None:
        raise InvalidInput(
            f"insight {key!r} combines two fields, and a rule of the definition looks at one: "
            "edit a draft by hand instead",
            field="insight",
        )
    changed = proposals.definition_with(definition, proposal)
    return scoring_services.definition_draft_create(by_user=by_user, definition=changed)
