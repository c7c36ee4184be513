"""/api/analytics/funnel: stage entries and conversion, cohorts, velocity and leakage.

Every endpoint takes the same filters (FunnelQuery) and any logged-in role may read them: both
teams share these numbers. The definitions are in docs/analytics.md ("Funnel").
"""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from smarketing.analytics.funnel import out
from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.schemas import (
    CohortsOut,
    FunnelOut,
    FunnelQuery,
    LeakageOut,
    VelocityOut,
)
from smarketing.org.permissions import require
from smarketing.org.schemas import WRITE_ERRORS

router = Router(tags=["analytics"])


def _filters(request: HttpRequest, query: FunnelQuery) -> FunnelFilters:
    require(request.user, "analytics.view")
    return filters_parse(query.params(), today=timezone.now().date())


@router.get(
    "",
    response={200: FunnelOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Contacts entering each stage per period, TOFU/MOFU/BOFU, and conversion",
    description="Computed from the stage history over [from, until). Per period and for the "
    "whole window: distinct contacts that entered each stage and each group. Conversion: of "
    "the contacts that entered a stage in the window (once each), how many reached each later "
    "stage or one beyond it afterwards, up to now.",
)
def funnel_get(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    filters = _filters(request, query)
    return out.funnel_out(filters=filters, now=timezone.now())


@router.get(
    "/cohorts",
    response={200: CohortsOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Lead cohorts: contacts that became leads in each period and how far they got",
)
def cohorts_get(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    filters = _filters(request, query)
    return out.cohorts_out(filters=filters, now=timezone.now())


@router.get(
    "/velocity",
    response={200: VelocityOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Median and p75 days from entering each stage to the next forward move",
)
def velocity_get(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    filters = _filters(request, query)
    return out.velocity_out(filters=filters, now=timezone.now())


@router.get(
    "/leakage",
    response={200: LeakageOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Where contacts stop: furthest stage reached, where they are now, reasons given",
)
def leakage_get(request: HttpRequest, query: Query[FunnelQuery]) -> dict[str, Any]:
    filters = _filters(request, query)
    return out.leakage_out(filters=filters, now=timezone.now())
