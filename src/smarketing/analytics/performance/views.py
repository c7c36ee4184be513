"""/analytics/performance/: channels, campaigns and content from leads to revenue, with CSV.

The page and its CSV download serve a report snapshot (analytics/snapshots); the chart
download, the API and the CLI compute live."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.analytics.chart_export import chart_download, chart_url
from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.forms import FunnelFilterForm
from smarketing.analytics.funnel.tables import table_csv
from smarketing.analytics.performance.page import revenue_chart
from smarketing.analytics.performance.report import Dimension, performance
from smarketing.analytics.performance.tables import TITLES, performance_table
from smarketing.analytics.snapshots import reports, services
from smarketing.errors import InvalidInput
from smarketing.web.guard import apply_errors, guarded

SECTION = "health:page"  # the main navigation's "Analytics"


def _dimension(request: HttpRequest) -> Dimension:
    try:
        return Dimension(request.GET.get("by") or Dimension.CHANNEL)
    except ValueError:
        known = ", ".join(d.value for d in Dimension)
        raise InvalidInput(f"must be one of {known}", field="by") from None


def _results(dimension: Dimension, filters: FunnelFilters) -> dict[str, Any]:
    """The page's context: the stored numbers (computed now on a small installation), or a
    note that they are on their way."""
    params = reports.performance_params(filters, dimension)
    shown = services.snapshot_for_page(report=reports.PERFORMANCE, params=params)
    result = shown.result or {}
    return {
        "filters": filters,
        "snapshot": shown,
        "last_day": filters.until - dt.timedelta(days=1),
        "table": result.get("table"),
        "chart": result.get("chart"),
        "chart_title": result.get("chart_title", ""),
        "query": urlencode({**filters.params(), "by": dimension.value}),
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
    params = reports.performance_params(filters, dimension)
    stored = services.snapshot_result(report=reports.PERFORMANCE, params=params)
    if stored is not None:  # what the page shows
        text = stored["table"]["csv"]
    else:
        text = table_csv(performance_table(performance(dimension=dimension, filters=filters)))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
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
    title, chart = revenue_chart(performance(dimension=dimension, filters=filters))
    last_day = filters.until - dt.timedelta(days=1)
    return chart_download(
        chart=chart,
        fmt=fmt,
        title=f"{title}, {TITLES[dimension].lower()}",
        subtitle=f"{filters.since:%Y-%m-%d} to {last_day:%Y-%m-%d} (UTC)",
        name=f"performance-{dimension}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}",
    )
