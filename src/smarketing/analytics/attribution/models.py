"""One entry point over every model: `attribute(paths, model=...)`."""

from __future__ import annotations

from dataclasses import dataclass, field

from smarketing.analytics.attribution import heuristics
from smarketing.analytics.attribution.heuristics import (
    DEFAULT_HALF_LIFE_DAYS,
    DIRECT,
    Credit,
    credit_by_weights,
)
from smarketing.analytics.attribution.markov import markov_attribute
from smarketing.analytics.attribution.paths import FloatArray, Paths
from smarketing.analytics.attribution.shapley import shapley_attribute

MODELS = (
    "first_touch",
    "last_touch",
    "last_non_direct",
    "linear",
    "u_shaped",
    "w_shaped",
    "time_decay",
    "markov",
    "shapley",
)


@dataclass(frozen=True)
class Attribution:
    """Credit per channel, in the order the channels first appear in the journeys.

    `value` is None when the journeys carry no conversion value. `details` says how the credit
    was reached: the model's parameters, and for `markov` the removal effects (per channel,
    0 to 1) and the overall conversion probability, for `shapley` the method used.
    """

    model: str
    conversions: dict[str, float]
    value: dict[str, float] | None
    details: dict[str, object] = field(default_factory=dict)


def attribute(
    paths: Paths,
    *,
    model: str,
    order: int = 1,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    direct: str = DIRECT,
) -> Attribution:
    """Credit the journeys' conversions and value to channels with `model` (one of MODELS).

    `order` is used by `markov` (1 to 3), `half_life_days` by `time_decay`, `direct` (the
    direct channel's name, any case) by `last_non_direct`.
    """
    if model == "markov":
        result = markov_attribute(paths, order=order)
        return Attribution(
            model=model,
            conversions=_by_channel(paths, result.conversions),
            value=None if result.value is None else _by_channel(paths, result.value),
            details={
                "order": order,
                "states": result.states,
                "conversion_probability": result.conversion_probability,
                "removal_effects": _by_channel(paths, result.removal_effects),
                "value_removal_effects": (
                    None
                    if result.value_removal_effects is None
                    else _by_channel(paths, result.value_removal_effects)
                ),
            },
        )
    if model == "shapley":
        shapley = shapley_attribute(paths)
        credit = Credit(conversions=shapley.conversions, value=shapley.value)
        return _attribution(paths, model=model, credit=credit, details={"method": shapley.method})
    weights, details = _weights(paths, model=model, half_life_days=half_life_days, direct=direct)
    return _attribution(
        paths, model=model, credit=credit_by_weights(paths, weights), details=details
    )


def _weights(
    paths: Paths, *, model: str, half_life_days: float, direct: str
) -> tuple[FloatArray, dict[str, object]]:
    if model == "time_decay":
        weights = heuristics.time_decay_weights(paths, half_life_days=half_life_days)
        return weights, {"half_life_days": half_life_days}
    if model == "last_non_direct":
        return heuristics.last_non_direct_weights(paths, direct=direct), {"direct": direct}
    if model not in heuristics.HEURISTICS:
        raise ValueError(f"unknown attribution model {model!r} (models: {', '.join(MODELS)})")
    return heuristics.HEURISTICS[model](paths), {}


def _attribution(
    paths: Paths, *, model: str, credit: Credit, details: dict[str, object]
) -> Attribution:
    return Attribution(
        model=model,
        conversions=_by_channel(paths, credit.conversions),
        value=None if credit.value is None else _by_channel(paths, credit.value),
        details=details,
    )


def _by_channel(paths: Paths, numbers: FloatArray) -> dict[str, float]:
    return {name: float(n) for name, n in zip(paths.channels, numbers, strict=True)}
