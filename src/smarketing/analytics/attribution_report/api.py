"""/api/analytics/attribution: every model's credit per channel from the stored result, and a
recompute on demand."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from smarketing.analytics.attribution_report import out, services
from smarketing.analytics.attribution_report.params import params_parse
from smarketing.analytics.attribution_report.schemas import AttributionOut, AttributionQuery, RunOut
from smarketing.org.permissions import require
from smarketing.org.schemas import WRITE_ERRORS

router = Router(tags=["analytics"])


@router.get(
    "",
    response={200: AttributionOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Credit per channel under every attribution model, side by side",
    description="The stored result for these parameters (one row), with `stale` true when the "
    "data changed since it was computed. When never computed and the data is small it is "
    "computed at once; otherwise `models` is empty until POST /refresh has run. Journeys and "
    'models: docs/analytics.md, "Attribution".',
)
def attribution_get(request: HttpRequest, query: Query[AttributionQuery]) -> dict[str, Any]:
    require(request.user, "analytics.view")
    params = params_parse(query.params(), today=timezone.now().date())
    return out.attribution_out(
        services.attribution_state_or_compute(params=params, by_user=request.user)
    )


@router.post(
    "/refresh",
    response={202: RunOut, **WRITE_ERRORS},
    summary="Queue a recompute for these parameters",
    description="Takes the same query parameters as GET. Poll GET until `pending` is null. A "
    "run already waiting with the same parameters is returned instead of a second one.",
)
def attribution_refresh(request: HttpRequest, query: Query[AttributionQuery]) -> Status[Any]:
    require(request.user, "analytics.view")
    params = params_parse(query.params(), today=timezone.now().date())
    run = services.attribution_refresh(by_user=request.user, params=params)
    run.refresh_from_db()  # an immediate queue has run it already
    return Status(202, out.run_out(run))
