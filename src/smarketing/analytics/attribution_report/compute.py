"""Every attribution model over the database's journeys, as the one JSON document a run stores
and the page, the API and the CLI read."""

from __future__ import annotations

import math
from typing import Any

from smarketing.analytics.attribution import MODELS, Attribution, attribute, paths_from_journeys
from smarketing.analytics.attribution.heuristics import DIRECT
from smarketing.analytics.attribution_report.journeys import JourneySet, journeys_collect
from smarketing.analytics.attribution_report.params import AttributionParams


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python numbers, NaN and infinities to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _model_out(result: Attribution) -> dict[str, Any]:
    return {
        "conversions": _plain(result.conversions),
        "value": _plain(result.value),
        "details": _plain(result.details),
    }


def _channel_order(models: dict[str, dict[str, Any]]) -> list[str]:
    """Channels by their mean credit over the models, most first: no one model sets the order."""
    totals: dict[str, float] = {}
    for model in models.values():
        for channel, credit in model["conversions"].items():
            totals[channel] = totals.get(channel, 0.0) + credit
    return sorted(totals, key=lambda c: (-totals[c], c))


def models_compute(found: JourneySet, *, params: AttributionParams) -> dict[str, dict[str, Any]]:
    """Each model's credit; none when nothing converted (there is nothing to share out)."""
    paths = paths_from_journeys(found.journeys)
    if not paths.count or paths.total_conversions == 0:
        return {}
    return {
        model: _model_out(
            attribute(
                paths,
                model=model,
                order=params.order,
                half_life_days=params.half_life_days,
                direct=DIRECT,
            )
        )
        for model in MODELS
    }


def attribution_compute(*, params: AttributionParams) -> dict[str, Any]:
    """The stored result of one run: the journeys' summary and every model's credit."""
    found = journeys_collect(params=params)
    models = models_compute(found, params=params)
    channels = _channel_order(models)
    return {
        "params": params.as_dict(),
        "currency": found.currency,
        "journeys": {
            "converting": found.converting,
            "null": found.nulls,
            "touches": found.touches,
        },
        "deals_won": found.deals_won,
        "conversions": found.converting,
        "value": sum(j.value for j in found.journeys),
        "left_out": found.left_out(),
        "channels": [{"key": c, "label": found.labels.get(c, c)} for c in channels],
        "models": models,
    }
