"""/analytics/health/: alignment health, the page both teams open in their weekly meeting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

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
            }
        )
    context = {"cards": cards, "months": health.months, "section": SECTION}
    return render(request, "analytics/health.html", context)
