"""/analytics/health/: alignment health, the page both teams open in their weekly meeting."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.analytics.chart_export import chart_download, chart_url
from smarketing.analytics.health import charts
from smarketing.analytics.health.report import DEFAULT_MONTHS, alignment_health
from smarketing.analytics.health.trend import percent, statement
from smarketing.errors import InvalidInput
from smarketing.web.guard import guarded

SECTION = "health:page"  # the main navigation's "Analytics"


def _months(request: HttpRequest) -> int:
    raw = request.GET.get("months") or str(DEFAULT_MONTHS)
    if not raw.isdigit():
        raise InvalidInput(f"must be a whole number of months, not {raw!r}", field="months")
    return int(raw)


@require_GET
@guarded("analytics.view")
def health_page(request: HttpRequest) -> HttpResponse:
    try:
        health = alignment_health(now=timezone.now(), months=_months(request))
    except InvalidInput as exc:
        context = {"error": exc.summary(), "section": SECTION}
        return render(request, "analytics/health.html", context, status=400)
    cards = []
    for metric in health.metrics:
        latest = metric.latest()
        cards.append(
            {
                "metric": metric,
                "value": percent(latest.rate if latest else None),
                "month": latest.label if latest else "",
                "statement": statement(metric),
                "chart": charts.sparkline(metric.months),
                "chart_url": chart_url("health:chart", key=metric.key),
            }
        )
    query = f"months={len(health.months)}"
    context = {"cards": cards, "months": health.months, "query": query, "section": SECTION}
    return render(request, "analytics/health.html", context)


@require_GET
@guarded("analytics.view")
def health_chart(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One metric's chart as an SVG or PNG file, with its sentence under the title."""
    try:
        health = alignment_health(now=timezone.now(), months=_months(request))
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    metric = next((m for m in health.metrics if m.key == key), None)
    if metric is None:
        raise Http404(f"no alignment health metric {key!r}")
    return chart_download(
        chart=charts.sparkline(metric.months),
        fmt=fmt,
        title=metric.label,
        subtitle=statement(metric),
        name=f"health-{key}-{health.months[-1]}",
    )
