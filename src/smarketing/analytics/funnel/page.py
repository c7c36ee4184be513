"""The funnel page's numbers as plain JSON: the tables as text (and as CSV), the charts'
shapes and the population, so a report snapshot can store them and the page render them
without computing again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from smarketing.analytics.funnel import charts, report, tables
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import Group
from smarketing.lifecycle.stages import FUNNEL


def table_json(table: tables.Table) -> dict[str, Any]:
    """A table with its cells as the page shows them, and its CSV as the download gives it."""
    return {
        "key": table.key,
        "title": table.title,
        "columns": [{"label": c.label} for c in table.columns],
        "rows": [[tables.cell_text(c) for c in row] for row in table.rows],
        "total": [tables.cell_text(c) for c in table.total] if table.total else None,
        "csv": tables.table_csv(table),
    }


def chart_json(chart: charts.Chart) -> dict[str, Any]:
    return dataclasses.asdict(chart)


def funnel_chart(entries: report.Entries, conversions: list[report.Conversion]) -> charts.Chart:
    """Whole-window entries per funnel stage, each with the conversion from the stage above."""
    steps = []
    for i, stage in enumerate(FUNNEL):
        above = conversions[i - 1] if i else None
        steps.append(
            charts.FunnelStep(
                label=stage.label,
                count=entries.total.stages[stage.value],
                rate=above.rate(stage.value) if above else None,
            )
        )
    return charts.funnel(steps)


def groups_chart(entries: report.Entries) -> charts.Chart:
    periods = [(p.label, [p.groups[g.value] for g in Group]) for p in entries.periods]
    return charts.groups_over_time(periods)


def funnel_page_result(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
    """Everything the results region shows that depends on the data."""
    entries = report.entries(filters=filters, now=now)
    conversions = report.conversions(filters=filters, now=now)
    leakage = report.leakage(filters=filters, now=now)
    built = [
        tables.entries_table(entries),
        tables.conversions_table(conversions),
        tables.cohorts_table(report.cohorts(filters=filters, now=now)),
        tables.velocity_table(report.velocity(filters=filters, now=now)),
        tables.leakage_table(leakage),
        tables.reasons_table(leakage),
    ]
    return {
        "tables": [table_json(t) for t in built],
        "funnel_chart": chart_json(funnel_chart(entries, conversions)),
        "groups_chart": chart_json(groups_chart(entries)),
        "population": leakage.population,
    }
