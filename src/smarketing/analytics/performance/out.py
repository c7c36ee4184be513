"""Performance as plain dicts: the API's answer and `smarketing performance --format json`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smarketing.analytics.funnel.out import filters_out
from smarketing.analytics.performance.report import Money, Performance, Row
from smarketing.analytics.performance.tables import COST_PER


def _money(money: Money) -> dict[str, str]:
    return {c: str(a.quantize(Decimal("0.01"))) for c, a in sorted(money.items())}


def row_out(row: Row) -> dict[str, Any]:
    cost_per = {}
    for stage in COST_PER:
        per = row.cost_per(stage.value)
        cost_per[stage.value] = {"currency": per[0], "amount": str(per[1])} if per else None
    return {
        "key": row.key,
        "label": row.label,
        "stages": dict(row.stages),
        "won": row.won,
        "revenue": _money(row.revenue),
        "pipeline": _money(row.pipeline),
        "cost": _money(row.cost),
        "cost_per": cost_per,
        "roi": row.roi,
        "funnel_stage": row.funnel_stage or None,
        "consumers": row.consumers,
        "sales_sent": row.sales_sent,
        "sales_contacts": row.sales_contacts,
    }


def performance_out(result: Performance) -> dict[str, Any]:
    return {
        "by": result.dimension.value,
        "filters": filters_out(result.filters),
        "rows": [row_out(r) for r in result.rows],
        "total": row_out(result.total) if result.total else None,
    }
