"""Reads of the stored attribution runs: the newest result for some parameters, whether the data
has moved on since, and whether a run is waiting or running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smarketing.analytics.attribution_report.models import AttributionRun
from smarketing.analytics.attribution_report.params import AttributionParams
from smarketing.analytics.data_version import Part, data_version
from smarketing.analytics.insights.models import RunStatus
from smarketing.deals.models import Deal, DealStage
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.models import StageTransition

# What the journeys depend on. Append-only tables are summarised by their newest id and their
# count (a GDPR erasure deletes rows); deals by their newest change (closing one updates its
# row) and the number won.
_VERSION_PARTS = (
    Part("touchpoints_max_id", "MAX", Touchpoint, "id"),
    Part("touchpoints", "COUNT", Touchpoint, "id"),
    Part("transitions_max_id", "MAX", StageTransition, "id"),
    Part("transitions", "COUNT", StageTransition, "id"),
    Part("deals_changed", "MAX", Deal, "updated_at"),
    Part("deals_won", "COUNT", Deal, "id", where=("stage", DealStage.WON.value)),
)


def data_version_current() -> dict[str, Any]:
    """The data version now, in one query."""
    return data_version(_VERSION_PARTS)


@dataclass(frozen=True)
class AttributionState:
    """What a reader is shown for some parameters: the newest result (None: never computed),
    whether the data has changed since, a run in progress, and a newer run that failed."""

    params: AttributionParams
    run: AttributionRun | None
    stale: bool
    pending: AttributionRun | None
    failed: AttributionRun | None
    version: dict[str, Any]

    @property
    def result(self) -> dict[str, Any]:
        return self.run.result if self.run else {}


def attribution_latest(params: AttributionParams) -> AttributionRun | None:
    """The newest finished run with these parameters."""
    return (
        AttributionRun.objects.filter(key=params.key, status=RunStatus.DONE).order_by("-id").first()
    )


def attribution_newest(params: AttributionParams) -> AttributionRun | None:
    """The newest run with these parameters, whatever its status."""
    return AttributionRun.objects.filter(key=params.key).order_by("-id").first()


def attribution_state(params: AttributionParams) -> AttributionState:
    run = attribution_latest(params)
    newest = attribution_newest(params)
    version = data_version_current()
    waiting = (RunStatus.QUEUED, RunStatus.RUNNING)
    return AttributionState(
        params=params,
        run=run,
        stale=run is None or run.data_version != version,
        pending=newest if newest is not None and newest.status in waiting else None,
        failed=newest if newest is not None and newest.status == RunStatus.FAILED else None,
        version=version,
    )
