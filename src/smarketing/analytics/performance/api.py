"""/api/analytics/performance: leads to revenue and cost by channel, campaign or content."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from smarketing.analytics.funnel.filters import filters_parse
from smarketing.analytics.performance.out import performance_out
from smarketing.analytics.performance.report import Dimension, performance
from smarketing.analytics.performance.schemas import PerformanceOut, PerformanceQuery
from smarketing.org.permissions import require
from smarketing.org.schemas import WRITE_ERRORS

router = Router(tags=["analytics"])


@router.get(
    "",
    response={200: PerformanceOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Leads, MQLs, SQLs, deals won, revenue, pipeline and cost by source, campaign or "
    "content",
    description="Sourcing credit: a contact counts for its original source channel and "
    "first-touch campaign, a deal for its primary contact's; campaign costs count in the window "
    "the campaign started. Content: each asset read in the window, what its readers did next "
    "and the won deals it influenced. The definitions are in docs/analytics.md.",
)
def performance_get(request: HttpRequest, query: Query[PerformanceQuery]) -> dict[str, Any]:
    require(request.user, "analytics.view")
    filters = filters_parse(query.params(), today=timezone.now().date())
    return performance_out(performance(dimension=Dimension(query.by), filters=filters))
