"""The reports kept as snapshots: each by name, with how to compute its numbers from its
canonical parameters (the filters' `params()`, with explicit dates, so the same key always
means the same window)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from smarketing.analytics.funnel.filters import FunnelFilters, filters_parse
from smarketing.analytics.funnel.page import funnel_page_result
from smarketing.analytics.performance.page import performance_page_result
from smarketing.analytics.performance.report import Dimension

FUNNEL = "funnel"
PERFORMANCE = "performance"


def params_key(params: Mapping[str, str]) -> str:
    """Equal parameters, equal key, whatever their order."""
    return urlencode(sorted(params.items()))


def funnel_params(filters: FunnelFilters) -> dict[str, str]:
    return filters.params()


def performance_params(filters: FunnelFilters, dimension: Dimension) -> dict[str, str]:
    return {**filters.params(), "by": dimension.value}


def _funnel(params: Mapping[str, str], now: dt.datetime) -> dict[str, Any]:
    return funnel_page_result(filters=filters_parse(params, today=now.date()), now=now)


def _performance(params: Mapping[str, str], now: dt.datetime) -> dict[str, Any]:
    return performance_page_result(
        dimension=Dimension(params.get("by") or Dimension.CHANNEL),
        filters=filters_parse(params, today=now.date()),
    )


COMPUTE: dict[str, Callable[[Mapping[str, str], dt.datetime], dict[str, Any]]] = {
    FUNNEL: _funnel,
    PERFORMANCE: _performance,
}


def default_views(*, today: dt.date) -> list[tuple[str, dict[str, str]]]:
    """The views a page opens on without filters: the funnel, and performance on each tab."""
    filters = filters_parse({}, today=today)
    views = [(FUNNEL, funnel_params(filters))]
    views += [(PERFORMANCE, performance_params(filters, d)) for d in Dimension]
    return views
