"""The performance page's numbers as plain JSON (its table as text and as CSV, its chart's
shape), so a report snapshot can store them and the page render them without computing
again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.page import chart_json, table_json
from smarketing.analytics.performance import charts
from smarketing.analytics.performance.report import Dimension, Performance, performance
from smarketing.analytics.performance.tables import performance_table

CHART_ROWS = 12


def revenue_chart(result: Performance) -> tuple[str, charts.Chart]:
    """Revenue per row in the most used currency (content: the revenue it influenced)."""
    totals: dict[str, Decimal] = {}
    for row in result.rows:
        for currency, amount in row.revenue.items():
            totals[currency] = totals.get(currency, Decimal(0)) + amount
    currency = max(totals, key=lambda c: totals[c]) if totals else ""
    ranked = sorted(result.rows, key=lambda r: -r.revenue.get(currency, Decimal(0)))
    items = [
        (
            r.label,
            float(r.revenue.get(currency, 0)),
            f"{r.revenue.get(currency, 0):,.0f} {currency}",
        )
        for r in ranked[:CHART_ROWS]
        if r.revenue.get(currency)
    ]
    what = "influenced" if result.dimension == Dimension.CONTENT else "won"
    return f"Revenue {what} ({currency})", charts.bars(items)


def performance_page_result(*, dimension: Dimension, filters: FunnelFilters) -> dict[str, Any]:
    """Everything the page shows that depends on the data."""
    result = performance(dimension=dimension, filters=filters)
    chart_title, chart = revenue_chart(result)
    return {
        "table": table_json(performance_table(result)),
        "chart": chart_json(chart) if chart.bars else None,
        "chart_title": chart_title,
    }
