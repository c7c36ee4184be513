"""Reads of the stored scans: the newest result, whether the data has moved on since, and
whether a scan is waiting or running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smarketing.analytics.data_version import Part, data_version
from smarketing.analytics.insights.models import InsightRun, RunStatus
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import LeadFeedback
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact
from smarketing.scoring.models import DefinitionVersion, Status

# What a scan depends on. Append-only tables are summarised by their newest id (and the
# transitions also by their count, as a GDPR erasure deletes rows); contacts and accounts by
# their newest change; the live definition by its id, as the proposals are written against it.
_VERSION_PARTS = (
    Part("transitions_max_id", "MAX", StageTransition, "id"),
    Part("transitions", "COUNT", StageTransition, "id"),
    Part("touchpoints_max_id", "MAX", Touchpoint, "id"),
    Part("feedback_max_id", "MAX", LeadFeedback, "id"),
    Part("contacts_changed", "MAX", Contact, "updated_at"),
    Part("accounts_changed", "MAX", Account, "updated_at"),
    Part("live_definition_id", "MAX", DefinitionVersion, "id", where=("status", Status.LIVE)),
)


def data_version_current() -> dict[str, Any]:
    """The data version now, in one query."""
    return data_version(_VERSION_PARTS)


def insights_latest() -> InsightRun | None:
    """The newest finished scan."""
    return InsightRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-id").first()


def insights_pending() -> InsightRun | None:
    """A scan waiting for the queue or running, if any."""
    return (
        InsightRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class InsightsState:
    """What a reader is shown: the newest result (None: never computed), whether the data
    has changed since it was computed, and a scan in progress."""

    run: InsightRun | None
    stale: bool
    pending: InsightRun | None

    @property
    def insights(self) -> list[dict[str, Any]]:
        return list(self.run.result.get("insights", [])) if self.run else []


def insights_state() -> InsightsState:
    run = insights_latest()
    stale = run is None or run.data_version != data_version_current()
    return InsightsState(run=run, stale=stale, pending=insights_pending())


def insight_find(run: InsightRun | None, key: str) -> dict[str, Any] | None:
    if run is None:
        return None
    return next((i for i in run.result.get("insights", []) if i["id"] == key), None)
