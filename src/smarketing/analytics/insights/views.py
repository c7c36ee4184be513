"""/analytics/insights/: the newest scan's insights, a refresh, and the one-click draft."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from smarketing.analytics.insights import queries, services
from smarketing.errors import InvalidInput
from smarketing.org import permissions
from smarketing.web.guard import guarded

SECTION = "health:page"  # the main navigation's "Analytics"


def _shown(insight: dict[str, Any]) -> dict[str, Any]:
    low, high = insight["rate_interval"]
    return {**insight, "interval_text": f"{low:.1%} to {high:.1%}"}


@require_GET
@guarded("analytics.view")
def insights_page(request: HttpRequest) -> HttpResponse:
    state = queries.insights_state()
    context = {
        "state": state,
        "run": state.run,
        "result": state.run.result if state.run else {},
        "insights": [_shown(i) for i in state.insights],
        "can_draft": permissions.can(request.user, "definition.propose"),
        "section": SECTION,
    }
    return render(request, "analytics/insights.html", context)


@require_POST
@guarded("analytics.view")
def insights_refresh(request: HttpRequest) -> HttpResponse:
    run = services.insights_refresh(by_user=request.user)
    run.refresh_from_db()  # an immediate queue has run it already
    # A queued scan is shown by the page itself until it is done; a flash would outlive it.
    if run.status == "done":
        messages.success(request, "Insights scanned again from the data as it is now.")
    return redirect("insights:page")


@require_POST
@guarded("definition.propose")
def insight_draft(request: HttpRequest, insight_id: str) -> HttpResponse:
    try:
        draft = services.insight_draft_create(key=insight_id, by_user=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("insights:page")
    messages.success(
        request,
        f"Draft version {draft.number} created from the live version with the proposed rule. "
        "Review it, backtest it and propose it for sign-off.",
    )
    return redirect("scoring:version", number=draft.number)
