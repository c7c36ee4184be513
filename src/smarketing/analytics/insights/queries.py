"""Reads of the stored scans: the newest result, whether the data has moved on since, and
whether a scan is waiting or running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from smarketing.analytics.insights.models import InsightRun, RunStatus
from smarketing.events.models import Touchpoint
from smarketing.handoff.models import LeadFeedback
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact
from smarketing.scoring.models import DefinitionVersion, Status

# What a scan depends on, as (name, aggregate, model, column). Append-only tables are
# summarised by their newest id (and the transitions also by their count, as a GDPR erasure
# deletes rows); contacts and accounts by their newest change; the live definition by its id,
# as the proposals are written against it.
_VERSION_PARTS = (
    ("transitions_max_id", "MAX", StageTransition, "id"),
    ("transitions", "COUNT", StageTransition, "id"),
    ("touchpoints_max_id", "MAX", Touchpoint, "id"),
    ("feedback_max_id", "MAX", LeadFeedback, "id"),
    ("contacts_changed", "MAX", Contact, "updated_at"),
    ("accounts_changed", "MAX", Account, "updated_at"),
)


def data_version_current() -> dict[str, Any]:
    """The data version now, in one query."""
    quote = connection.ops.quote_name
    selects = [
        f"(SELECT {aggregate}({quote(column)}) FROM {quote(model._meta.db_table)})"
        for _, aggregate, model, column in _VERSION_PARTS
    ]
    definitions = quote(DefinitionVersion._meta.db_table)
    selects.append(f"(SELECT MAX({quote('id')}) FROM {definitions} WHERE status = %s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), [Status.LIVE])
        row = cursor.fetchone()
    names = [name for name, *_ in _VERSION_PARTS] + ["live_definition_id"]
    # str(): a datetime comes back as text on SQLite and as a datetime on PostgreSQL; stored
    # as JSON, both compare as the text.
    return {
        name: None if value is None else value if isinstance(value, int) else str(value)
        for name, value in zip(names, row, strict=True)
    }


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
