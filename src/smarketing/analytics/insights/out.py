"""The insights as the API and `smarketing insights --format json` give them: the stored
result of the newest scan, with whether it is stale and whether a scan is in progress."""

from __future__ import annotations

from typing import Any

from smarketing.analytics.insights.models import InsightRun
from smarketing.analytics.insights.queries import InsightsState

# What an insight shows outside; `parts` (the segments as the scan built them, kept to propose
# the rule again) stays inside.
PUBLIC_KEYS = (
    "id",
    "label",
    "sentence",
    "segment",
    "same_leads_as",
    "direction",
    "rate",
    "rate_interval",
    "baseline_rate",
    "ratio",
    "n",
    "conversions",
    "rest_n",
    "rest_conversions",
    "p_value",
    "q_value",
    "confidence",
    "feedback",
    "proposal",
)


def _run_out(run: InsightRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "status": run.status,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "error": run.error,
    }


def insights_out(state: InsightsState) -> dict[str, Any]:
    run = state.run
    result = run.result if run else {}
    return {
        "computed_at": run.finished_at if run else None,
        "stale": state.stale,
        "pending": _run_out(state.pending),
        "outcome": result.get("outcome"),
        "window": result.get("window"),
        "params": result.get("params"),
        "leads": result.get("leads"),
        "conversions": result.get("conversions"),
        "overall_rate": result.get("overall_rate"),
        "clustering": result.get("clustering"),
        "singles_tested": result.get("singles_tested"),
        "pairs_tested": result.get("pairs_tested"),
        "insights": [_insight_out(i) for i in state.insights],
    }


def _insight_out(insight: dict[str, Any]) -> dict[str, Any]:
    out = {k: insight.get(k) for k in PUBLIC_KEYS}
    # PostgreSQL's jsonb keeps keys in its own order; conditions read field, op, value.
    out["segment"] = [
        {"field": c["field"], "op": c["op"], "value": c["value"]} for c in out["segment"] or []
    ]
    return out


def run_out(run: InsightRun) -> dict[str, Any]:
    out = _run_out(run)
    assert out is not None
    return out
