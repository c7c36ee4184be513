"""The API's (and the CLI's JSON) document of an attribution state."""

from __future__ import annotations

from typing import Any

from smarketing.analytics.attribution import MODELS
from smarketing.analytics.attribution_report.models import AttributionRun
from smarketing.analytics.attribution_report.queries import AttributionState
from smarketing.analytics.attribution_report.tables import MODEL_LABELS


def run_out(run: AttributionRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "params": run.params,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "error": run.error,
    }


def _model_out(result: dict[str, Any], model: str) -> dict[str, Any]:
    stored = result["models"][model]
    values = stored.get("value")
    return {
        "model": model,
        "label": MODEL_LABELS[model],
        "details": stored.get("details", {}),
        "channels": [
            {
                "channel": channel["key"],
                "label": channel["label"],
                "conversions": stored["conversions"].get(channel["key"], 0.0),
                "value": None if values is None else values.get(channel["key"], 0.0),
            }
            for channel in result["channels"]
        ],
    }


def attribution_out(state: AttributionState) -> dict[str, Any]:
    result = state.result
    run = state.run
    return {
        "params": state.params.as_dict(),
        "computed_at": run.finished_at if run else None,
        "data_version": run.data_version if run else None,
        "stale": state.stale,
        "pending": run_out(state.pending) if state.pending else None,
        "failed": run_out(state.failed) if state.failed else None,
        "journeys": result.get("journeys"),
        "deals_won": result.get("deals_won"),
        "currency": result.get("currency"),
        "conversions": result.get("conversions"),
        "value": result.get("value"),
        "left_out": result.get("left_out"),
        "models": [_model_out(result, m) for m in MODELS if m in result.get("models", {})],
    }
