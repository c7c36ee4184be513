"""/analytics/performance/: channels, campaigns and content from leads to revenue, with CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.analytics.chart_export import chart_download, chart_url
from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.forms import FunnelFilterForm
from smarketing.analytics.funnel.tables import cell_text, table_csv
from smarketing.analytics.performance import charts
from smarketing.analytics.performance.report import Dimension, Performance, performance
from smarketing.analytics.performance.tables import TITLES, performance_table
from smarketing.errors import InvalidInput
from smarketing.web.guard import apply_errors, guarded

SECTION = "health:page"  # the main navigation's "Analytics"
CHART_ROWS = 12


def _dimension(request: HttpRequest) -> Dimension:
    try:
        return Dimension(request.GET.get("by") or Dimension.CHANNEL)
    except ValueError:
        known = ", ".join(d.value for d in Dimension)
        raise InvalidInput(f"must be one of {known}", field="by") from None


def _chart(result: Performance) -> tuple[str, charts.Chart]:
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


def _results(dimension: Dimension, filters: FunnelFilters) -> dict[str, Any]:
    result = performance(dimension=dimension, filters=filters)
    table = performance_table(result)
    query = urlencode({**filters.params(), "by": dimension.value})
    chart_title, chart = _chart(result)
    return {
        "filters": filters,
        "last_day": filters.until - dt.timedelta(days=1),
        "table": {
            "title": table.title,
            "columns": table.columns,
            "rows": [[cell_text(c) for c in row] for row in table.rows],
            "total": [cell_text(c) for c in table.total] if table.total else None,
        },
        "chart": chart if chart.bars else None,
        "chart_title": chart_title,
        "query": query,
        "filter_query": urlencode(filters.params()),
        "chart_url": chart_url("performance:chart", key="revenue"),
    }


def _form(request: HttpRequest) -> FunnelFilterForm:
    form = FunnelFilterForm(request.GET)
    del form.fields["period"]  # performance covers the whole window
    return form


@require_GET
@guarded("analytics.view")
def performance_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context: dict[str, Any] = {"form": form, "section": SECTION, "tabs": TITLES.items()}
    status = 200
    try:
        dimension = _dimension(request)
        context["by"] = dimension.value
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        form.is_valid()
        apply_errors(form, exc)
        status = 400
    else:
        context |= _results(dimension, filters)
    return render(request, "analytics/performance.html", context, status=status)


@require_GET
@guarded("analytics.view")
def performance_csv(request: HttpRequest) -> HttpResponse:
    try:
        dimension = _dimension(request)
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    table = performance_table(performance(dimension=dimension, filters=filters))
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    name = f"performance-{dimension}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@guarded("analytics.view")
def performance_chart(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """The page's revenue chart as an SVG or PNG file, for the same filters."""
    if key != "revenue":
        raise Http404(f"no performance chart {key!r}")
    try:
        dimension = _dimension(request)
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    title, chart = _chart(performance(dimension=dimension, filters=filters))
    last_day = filters.until - dt.timedelta(days=1)
    return chart_download(
        chart=chart,
        fmt=fmt,
        title=f"{title}, {TITLES[dimension].lower()}",
        subtitle=f"{filters.since:%Y-%m-%d} to {last_day:%Y-%m-%d} (UTC)",
        name=f"performance-{dimension}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}",
    )
