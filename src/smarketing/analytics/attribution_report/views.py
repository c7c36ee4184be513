"""/analytics/attribution/: every model's credit side by side, from the stored result; a
recompute; the CSV download."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smarketing.analytics.attribution import MODELS
from smarketing.analytics.attribution_report import charts, services
from smarketing.analytics.attribution_report.forms import AttributionForm
from smarketing.analytics.attribution_report.params import AttributionParams, params_parse
from smarketing.analytics.attribution_report.queries import AttributionState, attribution_state
from smarketing.analytics.attribution_report.tables import (
    MODEL_LABELS,
    MODEL_SUMMARIES,
    attribution_table,
    conversions_table,
    revenue_table,
)
from smarketing.analytics.chart_export import chart_download, chart_url
from smarketing.analytics.funnel.charts import Chart
from smarketing.analytics.funnel.tables import Table, cell_text, table_csv
from smarketing.errors import InvalidInput
from smarketing.web.guard import apply_errors, guarded

SECTION = "health:page"  # the main navigation's "Analytics"
CHART_CHANNELS = 12


def _shown(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "columns": table.columns,
        "rows": [[cell_text(c) for c in row] for row in table.rows],
        "total": [cell_text(c) for c in table.total] if table.total else None,
    }


def _chart(result: dict[str, Any], *, measure: str) -> Chart | None:
    models = [m for m in MODELS if m in result.get("models", {})]
    if not models or (measure == "value" and result["models"][models[0]]["value"] is None):
        return None
    groups = [
        (
            channel["label"],
            [(result["models"][m][measure] or {}).get(channel["key"], 0.0) for m in models],
        )
        for channel in result["channels"][:CHART_CHANNELS]
    ]
    fmt = (lambda v: f"{v:,.1f}") if measure == "conversions" else (lambda v: f"{v:,.0f}")
    return charts.grouped_bars(groups, series=[MODEL_LABELS[m] for m in models], fmt=fmt)


def _has_value(result: dict[str, Any]) -> bool:
    return bool(result.get("models")) and bool(result.get("value"))


def _models(result: dict[str, Any]) -> list[dict[str, str]]:
    details = {m: result.get("models", {}).get(m, {}).get("details", {}) for m in MODELS}
    return [
        {
            "key": m,
            "label": MODEL_LABELS[m],
            "summary": MODEL_SUMMARIES[m],
            "method": str(details[m].get("method", "")),
        }
        for m in MODELS
    ]


def _results(state: AttributionState) -> dict[str, Any]:
    result = state.result
    query = urlencode(state.params.params())
    return {
        "state": state,
        "result": result,
        "conversions": _shown(conversions_table(result)) if result.get("models") else None,
        "revenue": _shown(revenue_table(result)) if _has_value(result) else None,
        "conversions_chart": _chart(result, measure="conversions"),
        "revenue_chart": _chart(result, measure="value"),
        "chart_urls": {m: chart_url("attribution:chart", key=m) for m in CHART_TITLES},
        "models": _models(result),
        "query": query,
        "hidden": state.params.params(),
        "last_day": state.params.until - dt.timedelta(days=1),
    }


@require_GET
@guarded("analytics.view")
def attribution_page(request: HttpRequest) -> HttpResponse:
    form = AttributionForm(request.GET)
    context: dict[str, Any] = {"form": form, "section": SECTION}
    status = 200
    try:
        params = params_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        form.is_valid()
        apply_errors(form, exc)
        status = 400
    else:
        state = services.attribution_state_or_compute(params=params, by_user=request.user)
        context |= _results(state)
    return render(request, "analytics/attribution.html", context, status=status)


def _page_url(params: AttributionParams) -> str:
    return f"{reverse('attribution:page')}?{urlencode(params.params())}"


@require_POST
@guarded("analytics.view")
def attribution_recompute(request: HttpRequest) -> HttpResponse:
    try:
        params = params_parse(request.POST, today=timezone.now().date())
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("attribution:page")
    run = services.attribution_refresh(by_user=request.user, params=params)
    run.refresh_from_db()  # an immediate queue has run it already
    # A queued run is shown by the page itself until it is done; a flash would outlive it.
    if run.status == "done":
        messages.success(request, "Attribution computed again from the data as it is now.")
    return redirect(_page_url(params))


@require_GET
@guarded("analytics.view")
def attribution_csv(request: HttpRequest) -> HttpResponse:
    try:
        params = params_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    state = services.attribution_state_or_compute(params=params, by_user=request.user)
    if not state.result:
        return HttpResponse(
            "attribution for these parameters is not computed yet: open the page and "
            "recompute, or POST /api/analytics/attribution/refresh\n",
            status=404,
            content_type="text/plain",
        )
    response = HttpResponse(
        table_csv(attribution_table(state.result)), content_type="text/csv; charset=utf-8"
    )
    window = f"{params.since:%Y-%m-%d}-{params.until:%Y-%m-%d}"
    name = f"attribution-{params.level}-{params.by}-{window}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


CHART_TITLES = {
    "conversions": "Conversions credited by model",
    "value": "Revenue credited by model",
}


@require_GET
@guarded("analytics.view")
def attribution_chart(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """A chart of the stored result for these parameters, as an SVG or PNG file; computes
    nothing (a missing result is a 404 the page explains)."""
    if key not in CHART_TITLES:
        raise Http404(f"no attribution chart {key!r}")
    try:
        params = params_parse(request.GET, today=timezone.now().date())
    except InvalidInput as exc:
        return HttpResponse(exc.summary() + "\n", status=400, content_type="text/plain")
    result = attribution_state(params).result
    title = CHART_TITLES[key]
    if key == "value" and result.get("currency"):
        title += f" ({result['currency']})"
    last_day = params.until - dt.timedelta(days=1)
    return chart_download(
        chart=_chart(result, measure=key) if result.get("models") else None,
        fmt=fmt,
        title=f"{title}, by {params.by}",
        subtitle=f"Deals won {params.since:%Y-%m-%d} to {last_day:%Y-%m-%d} (UTC), "
        f"{params.level} level, {params.lookback}-day lookback",
        name=f"attribution-{key}-{params.since:%Y-%m-%d}-{params.until:%Y-%m-%d}",
    )
