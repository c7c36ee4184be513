"""/api/analytics/health: alignment health, the numbers both teams review together."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from smarketing.analytics.health.out import health_out
from smarketing.analytics.health.report import alignment_health
from smarketing.analytics.health.schemas import HealthOut, HealthQuery
from smarketing.org.permissions import require
from smarketing.org.schemas import WRITE_ERRORS

router = Router(tags=["analytics"])


@router.get(
    "",
    response={200: HealthOut, **WRITE_ERRORS},
    summary="Alignment health: acceptance, SLA, MQLs worked, feedback, lead to customer, "
    "marketing-sourced and -influenced revenue, per month",
    description="Each metric per month (UTC) with its counts and a sentence on what moved "
    "between the last two complete months. The definitions are in docs/analytics.md.",
)
def health_get(request: HttpRequest, query: Query[HealthQuery]) -> dict[str, Any]:
    require(request.user, "analytics.view")
    return health_out(alignment_health(now=timezone.now(), months=query.months))
