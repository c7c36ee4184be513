"""/api/insights: the newest scan's insights, a new scan on demand, and a draft from one.

Both teams read them (`analytics.view`); a draft needs `definition.propose`.
"""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from smarketing.analytics.insights import out, queries, services
from smarketing.analytics.insights.compute import params_parse
from smarketing.analytics.insights.schemas import DraftOut, InsightsOut, RefreshIn, RunOut
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS

router = Router(tags=["analytics"])


@router.get(
    "",
    response={200: InsightsOut, **ERRORS},
    summary="Segments converting significantly worse or better than the other leads",
    description="The newest scan's result (one stored row), with `stale` true when the data "
    "changed since it was computed. Each insight: its segment as conditions in the demo "
    "truths' vocabulary, its rate vs the other leads', n, the q-value after multiple-comparison "
    "control, sales' feedback on those leads and the proposed definition change.",
)
def insights_get(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "analytics.view")
    return out.insights_out(queries.insights_state())


@router.post(
    "/refresh",
    response={202: RunOut, **WRITE_ERRORS},
    summary="Queue a new scan",
    description="Poll GET /api/insights until `pending` is null. A scan already waiting with "
    "the same settings is returned instead of a second one.",
)
def insights_refresh(request: HttpRequest, payload: RefreshIn | None = None) -> Status[Any]:
    params = params_parse((payload or RefreshIn()).model_dump())
    run = services.insights_refresh(by_user=request.user, params=params)
    run.refresh_from_db()  # an immediate queue has run it already
    return Status(202, out.run_out(run))


@router.post(
    "/{insight_id}/draft",
    response={201: DraftOut, **WRITE_ERRORS},
    summary="Create a draft definition with the insight's proposed rule",
)
def insight_draft(request: HttpRequest, insight_id: str) -> Status[dict[str, Any]]:
    draft = services.insight_draft_create(key=insight_id, by_user=request.user)
    url = reverse("scoring:version", kwargs={"number": draft.number})
    return Status(201, {"number": draft.number, "url": url})
