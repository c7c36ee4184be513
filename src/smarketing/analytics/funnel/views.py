"""/analytics/funnel/: the funnel page, and each of its tables as CSV.

The numbers come from `report` through `tables`, as the API and `smarketing funnel` give them;
the page and its CSV downloads serve them from a report snapshot (analytics/snapshots), the
chart downloads, the API and the CLI compute them live.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.analytics.chart_export import chart_download, chart_url
from smarketing.analytics.funnel import charts, page, report, tables
from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.forms import FunnelFilterForm
from smarketing.analytics.funnel.maths import Group
from smarketing.analytics.snapshots import reports, services
from smarketing.errors import InvalidInput
from smarketing.lifecycle.stages import Stage
from smarketing.web.guard import apply_errors, guarded

SECTION = "health:page"  # the main navigation's "Analytics"


def _results(filters: FunnelFilters) -> dict[str, Any]:
    """The results region's context: the stored numbers (computed now on a small
    installation), or a note that they are on their way."""
    params = reports.funnel_params(filters)
    shown = services.snapshot_for_page(report=reports.FUNNEL, params=params)
    query = urlencode(params)
    result = shown.result or {}
    return {
        "filters": filters,
        "snapshot": shown,
        "last_day": filters.until - dt.timedelta(days=1),
        "tables": [
            {**t, "csv_url": f"{reverse('funnel:csv', kwargs={'key': t['key']})}?{query}"}
            for t in result.get("tables", [])
        ],
        "funnel_chart": result.get("funnel_chart"),
        "groups_chart": result.get("groups_chart"),
        "group_colours": list(zip(Group, charts.GROUP_COLOURS, strict=True)),
        "population": result.get("population"),
        "api_query": query,
        "stages": [s.label for s in Stage],
        "chart_urls": {key: chart_url("funnel:chart", key=key) for key in CHARTS},
    }


@require_GET
@guarded("analytics.view")
def funnel_page(request: HttpRequest) -> HttpResponse:
    form = FunnelFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "section": SECTION}
    status = 200
    try:
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        form.is_valid()
        apply_errors(form, exc)
        # htmx swaps only 2xx answers: its request gets the errors with a 200.
        status = 200 if request.htmx else 400
    else:
        context |= _results(filters)
    template = "analytics/_funnel_results.html" if request.htmx else "analytics/funnel.html"
    return render(request, template, context, status=status)


@require_GET
@guarded("analytics.view")
def funnel_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in tables.TABLE_KEYS:
        raise Http404(f"no funnel table {key!r}")
    try:
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    stored = services.snapshot_result(report=reports.FUNNEL, params=reports.funnel_params(filters))
    if stored is not None:  # what the page shows
        text = next(t["csv"] for t in stored["tables"] if t["key"] == key)
    else:
        text = tables.table_csv(tables.table_build(key, filters=filters, now=timezone.now()))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"funnel-{key}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


CHARTS = {
    "funnel": "The funnel over the whole window",
    "groups": "Top, middle and bottom of the funnel",
}


@require_GET
@guarded("analytics.view")
def funnel_chart(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One of the page's charts as an SVG or PNG file, for the same filters."""
    if key not in CHARTS:
        raise Http404(f"no funnel chart {key!r}")
    try:
        filters = filters_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    now = timezone.now()
    entries = report.entries(filters=filters, now=now)
    if key == "funnel":
        chart = page.funnel_chart(entries, report.conversions(filters=filters, now=now))
    else:
        chart = page.groups_chart(entries)
    last_day = filters.until - dt.timedelta(days=1)
    return chart_download(
        chart=chart,
        fmt=fmt,
        title=CHARTS[key],
        subtitle=f"{filters.since:%Y-%m-%d} to {last_day:%Y-%m-%d} (UTC), per {filters.period}",
        name=f"funnel-{key}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}",
    )
