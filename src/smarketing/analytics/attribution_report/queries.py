"""Reads of the stored attribution runs: the newest result for some parameters, whether the data
has moved on since, and whether a run is waiting or running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from smarketing.analytics.attribution_report.models import AttributionRun
from smarketing.analytics.attribution_report.params import AttributionParams
from smarketing.analytics.insights.models import RunStatus
from smarketing.deals.models import Deal, DealStage
from smarketing.events.models import Touchpoint
from smarketing.lifecycle.models import StageTransition

# What the journeys depend on, as (name, aggregate, model, column, condition). Append-only
# tables are summarised by their newest id and their count (a GDPR erasure deletes rows); deals
# by their newest change (closing one updates its row) and the number won.
_VERSION_PARTS: tuple[tuple[str, str, type[Any], str, str], ...] = (
    ("touchpoints_max_id", "MAX", Touchpoint, "id", ""),
    ("touchpoints", "COUNT", Touchpoint, "id", ""),
    ("transitions_max_id", "MAX", StageTransition, "id", ""),
    ("transitions", "COUNT", StageTransition, "id", ""),
    ("deals_changed", "MAX", Deal, "updated_at", ""),
    ("deals_won", "COUNT", Deal, "id", "stage"),
)


def data_version_current() -> dict[str, Any]:
    """The data version now, in one query."""
    quote = connection.ops.quote_name
    selects, args = [], []
    for _, aggregate, model, column, condition in _VERSION_PARTS:
        where = ""
        if condition:
            where = f" WHERE {quote(condition)} = %s"
            args.append(DealStage.WON.value)
        table = quote(model._meta.db_table)
        selects.append(f"(SELECT {aggregate}({quote(column)}) FROM {table}{where})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), args)
        row = cursor.fetchone()
    # str(): a datetime comes back as text on SQLite and as a datetime on PostgreSQL; stored
    # as JSON, both compare as the text.
    return {
        name: None if value is None else value if isinstance(value, int) else str(value)
        for (name, *_), value in zip(_VERSION_PARTS, row, strict=True)
    }


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
