"""Rule-based (heuristic) models: each journey's conversions and value are split over its
touches by fixed weights that depend on the touch's position, role or age.

Every model computes one weight per touch (the weights of a journey sum to 1) and then adds up
weight * conversions and weight * value per channel in one `bincount`. Touches are counted as
they are: a channel touched twice in a row gets two shares under `linear` (as in
ChannelAttribution's `linear_touch`); only the Markov model merges repeats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from smarketing.analytics.attribution.paths import NO_MARK, FloatArray, IntArray, Paths, sum_by

DIRECT = "direct"
U_ENDS = 0.4  # u_shaped: first and last touch each
W_ROLE = 0.3  # w_shaped: first touch, lead creation, opportunity creation each
DEFAULT_HALF_LIFE_DAYS = 7.0


@dataclass(frozen=True)
class Credit:
    """Credit per channel (indexes as `Paths.channels`), in conversions and in value."""

    conversions: FloatArray
    value: FloatArray | None


def credit_by_weights(paths: Paths, weights: FloatArray) -> Credit:
    """Spread each journey's conversions and value over its touches by `weights` (per touch,
    summing to 1 within each journey)."""
    journey = paths.journey_of_touch
    size = len(paths.channels)
    conversions = sum_by(paths.touches, weights=weights * paths.conversions[journey], size=size)
    value = None
    if paths.values is not None:
        value = sum_by(paths.touches, weights=weights * paths.values[journey], size=size)
    return Credit(conversions=conversions, value=value)


def first_touch_weights(paths: Paths) -> FloatArray:
    return np.where(paths.position_of_touch == 0, 1.0, 0.0)


def last_touch_weights(paths: Paths) -> FloatArray:
    weights = np.zeros(len(paths.touches), dtype=np.float64)
    weights[paths.starts[1:] - 1] = 1.0
    return weights


def last_non_direct_weights(paths: Paths, *, direct: str = DIRECT) -> FloatArray:
    """The last touch that is not the direct channel (matched without regard to case); the last
    touch when every touch of the journey is direct."""
    direct_codes = [
        n for n, name in enumerate(paths.channels) if name.casefold() == direct.casefold()
    ]
    is_direct = np.isin(paths.touches, direct_codes)
    candidates = np.where(is_direct, -1, np.arange(len(paths.touches), dtype=np.int64))
    chosen = np.maximum.reduceat(candidates, paths.starts[:-1]) if paths.count else candidates
    chosen = np.where(chosen < 0, paths.starts[1:] - 1, chosen)
    weights = np.zeros(len(paths.touches), dtype=np.float64)
    weights[chosen] = 1.0
    return weights


def linear_weights(paths: Paths) -> FloatArray:
    return np.asarray(1.0 / paths.lengths[paths.journey_of_touch], dtype=np.float64)


def u_shaped_weights(paths: Paths) -> FloatArray:
    """40% to the first touch, 40% to the last, 20% spread over the touches between; a single
    touch gets everything, two touches half each."""
    length = paths.lengths[paths.journey_of_touch].astype(np.float64)
    position = paths.position_of_touch
    is_end = (position == 0) | (position == length - 1)
    middle = (1.0 - 2 * U_ENDS) / np.maximum(length - 2, 1)
    weights = np.where(is_end, U_ENDS, middle)
    weights = np.where(length == 2, 0.5, weights)
    return np.where(length == 1, 1.0, weights)


def w_shaped_weights(paths: Paths) -> FloatArray:
    """30% each to the first touch, the touch that created the lead and the one that created
    the opportunity; the remaining 10% spread evenly over the other touches.

    Fallbacks: without a lead mark the first touch is taken as the lead-creating touch, without
    an opportunity mark the last touch (so a paths file, which has no marks, gives 60% to the
    first touch, 30% to the last and 10% to those between). A touch playing several roles gets
    each role's 30%. When every touch plays a role, the 10% goes to them in proportion to their
    shares (the shares are scaled to sum to 1).
    """
    first = paths.starts[:-1]
    last = paths.starts[1:] - 1
    lead = _marked_or(paths.lead_touch, first=first, fallback=first)
    opportunity = _marked_or(paths.opportunity_touch, first=first, fallback=last)
    weights = np.zeros(len(paths.touches), dtype=np.float64)
    for role in (first, lead, opportunity):
        np.add.at(weights, role, W_ROLE)
    journey = paths.journey_of_touch
    plays_none = weights == 0
    others = sum_by(journey, weights=plays_none.astype(np.float64), size=paths.count)
    spread = (1.0 - 3 * W_ROLE) / np.maximum(others, 1)
    weights = np.where(plays_none, spread[journey], weights)
    scale = np.where(others == 0, 1.0 / (3 * W_ROLE), 1.0)
    return weights * scale[journey]


def _marked_or(marks: IntArray | None, *, first: IntArray, fallback: IntArray) -> IntArray:
    """Flat touch indexes of the marked touches, or `fallback` where a journey has no mark."""
    if marks is None:
        return fallback
    return np.where(marks == NO_MARK, fallback, first + marks)


def time_decay_weights(
    paths: Paths, *, half_life_days: float = DEFAULT_HALF_LIFE_DAYS
) -> FloatArray:
    """Weight 2^(-age / half-life) per touch, age in days before the conversion, scaled to sum
    to 1 per journey: a touch one half-life older than another counts half as much.

    A touch without a known time (every touch of a paths file) is placed one day per step
    before the conversion: the last touch 0 days, the one before it 1 day, and so on.
    """
    if not half_life_days > 0:
        raise ValueError(f"half-life must be a positive number of days, not {half_life_days}")
    positional = (paths.lengths[paths.journey_of_touch] - 1 - paths.position_of_touch).astype(
        np.float64
    )
    ages = positional if paths.ages_days is None else paths.ages_days
    ages = np.where(np.isnan(ages), positional, ages)
    if not paths.count:
        return ages
    # Relative to each journey's youngest touch, so old journeys do not underflow to 0 / 0.
    youngest = np.minimum.reduceat(ages, paths.starts[:-1])
    journey = paths.journey_of_touch
    weights = np.exp2(-(ages - youngest[journey]) / half_life_days)
    totals = sum_by(journey, weights=weights, size=paths.count)
    return weights / totals[journey]


HEURISTICS: dict[str, Callable[[Paths], FloatArray]] = {
    "first_touch": first_touch_weights,
    "last_touch": last_touch_weights,
    "linear": linear_weights,
    "u_shaped": u_shaped_weights,
    "w_shaped": w_shaped_weights,
}
