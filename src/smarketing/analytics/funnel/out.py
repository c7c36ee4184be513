"""The funnel's sections as plain dicts: the API's answers and the CLI's JSON are the same."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from smarketing.analytics.funnel import report
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import GROUP_STAGES, rate


def filters_out(filters: FunnelFilters) -> dict[str, Any]:
    return {
        "from": filters.since.date(),
        "until": filters.until.date(),
        "period": filters.period.value,
        "channel": filters.channel,
        "campaign_id": filters.campaign.pk if filters.campaign else None,
        "industry": filters.industry,
        "size": filters.size,
        "country": filters.country,
        "owner_id": filters.owner.pk if filters.owner else None,
        "team_id": filters.team.pk if filters.team else None,
    }


def _reached(counts: dict[str, int], whole: int) -> list[dict[str, Any]]:
    return [{"stage": s, "contacts": n, "rate": rate(n, whole)} for s, n in counts.items()]


def funnel_out(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
    entries = report.entries(filters=filters, now=now)
    conversions = [
        {
            "stage": c.stage,
            "entered": c.entered,
            "next_stage": c.next_stage,
            "next_rate": c.rate(c.next_stage) if c.next_stage else None,
            "reached": _reached(c.reached, c.entered),
        }
        for c in report.conversions(filters=filters, now=now)
    ]
    return {
        "filters": filters_out(filters),
        "groups": {g.value: [s.value for s in stages] for g, stages in GROUP_STAGES.items()},
        "periods": [dataclasses.asdict(p) for p in entries.periods],
        "total": dataclasses.asdict(entries.total),
        "conversions": conversions,
    }


def cohorts_out(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
    cohorts = [
        {"label": c.label, "start": c.start, "size": c.size, "reached": _reached(c.reached, c.size)}
        for c in report.cohorts(filters=filters, now=now)
    ]
    return {"filters": filters_out(filters), "cohorts": cohorts}


def velocity_out(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
    stages = [
        {
            "stage": v.stage,
            "stays": v.days.n,
            "median_days": v.days.median,
            "p75_days": v.days.p75,
        }
        for v in report.velocity(filters=filters, now=now)
    ]
    return {"filters": filters_out(filters), "stages": stages}


def leakage_out(*, filters: FunnelFilters, now: dt.datetime) -> dict[str, Any]:
    leakage = report.leakage(filters=filters, now=now)
    return {
        "filters": filters_out(filters),
        "population": leakage.population,
        "customers": leakage.customers,
        "stages": [{**dataclasses.asdict(leak), "stopped": leak.stopped} for leak in leakage.leaks],
        "reasons": [dataclasses.asdict(r) for r in leakage.reasons],
    }
