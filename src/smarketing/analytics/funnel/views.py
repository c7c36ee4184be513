"""/analytics/funnel/: the funnel page, and each of its tables as CSV.

The numbers come from `report` through `tables`, as the API and `smarketing funnel` give them.
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
from smarketing.analytics.funnel import charts, report, tables
from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.forms import FunnelFilterForm
from smarketing.analytics.funnel.maths import Group
from smarketing.errors import InvalidInput
from smarketing.lifecycle.stages import FUNNEL, Stage
from smarketing.web.guard import apply_errors, guarded

SECTION = "health:page"  # the main navigation's "Analytics"


def _table_view(table: tables.Table, query: str) -> dict[str, Any]:
    """A table with its cells as text, and the link to its CSV."""
    url = reverse("funnel:csv", kwargs={"key": table.key})
    return {
        "key": table.key,
        "title": table.title,
        "columns": table.columns,
        "rows": [[tables.cell_text(c) for c in row] for row in table.rows],
        "total": [tables.cell_text(c) for c in table.total] if table.total else None,
        "csv_url": f"{url}?{query}",
    }


def _funnel_chart(entries: report.Entries, conversions: list[report.Conversion]) -> charts.Chart:
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


def _groups_chart(entries: report.Entries) -> charts.Chart:
    periods = [(p.label, [p.groups[g.value] for g in Group]) for p in entries.periods]
    return charts.groups_over_time(periods)


def _results(filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
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
    query = urlencode(filters.params())
    return {
        "filters": filters,
        "last_day": filters.until - dt.timedelta(days=1),
        "tables": [_table_view(t, query) for t in built],
        "funnel_chart": _funnel_chart(entries, conversions),
        "groups_chart": _groups_chart(entries),
        "group_colours": list(zip(Group, charts.GROUP_COLOURS, strict=True)),
        "population": leakage.population,
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
        context |= _results(filters, timezone.now())
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
    table = tables.table_build(key, filters=filters, now=timezone.now())
    response = HttpResponse(tables.table_csv(table), content_type="text/csv; charset=utf-8")
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
        chart = _funnel_chart(entries, report.conversions(filters=filters, now=now))
    else:
        chart = _groups_chart(entries)
    last_day = filters.until - dt.timedelta(days=1)
    return chart_download(
        chart=chart,
        fmt=fmt,
        title=CHARTS[key],
        subtitle=f"{filters.since:%Y-%m-%d} to {last_day:%Y-%m-%d} (UTC), per {filters.period}",
        name=f"funnel-{key}-{filters.since:%Y-%m-%d}-{filters.until:%Y-%m-%d}",
    )
