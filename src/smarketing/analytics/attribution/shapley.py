"""Shapley value over channel coalitions.

The characteristic function is the common one for marketing attribution (Zhao et al., 2018,
"Shapley Value Methods for Attribution Modeling in Online Advertising"): the worth of a set S of
channels is the conversions (or the value) of the journeys whose set of channels is contained in
S,

    v(S) = Σ conversions of journeys J with channels(J) ⊆ S.

Order and repeats within a journey do not matter, and journeys that did not convert add nothing.
Each channel's credit is its Shapley value: its marginal worth v(S + {i}) - v(S) averaged over
every order in which the channels could join. The credits add up to the total conversions
(efficiency), interchangeable channels get the same credit (symmetry) and a channel whose
presence never changes a coalition's worth gets none (null player).

Up to `EXACT_COALITIONS_MAX` channels the 2^n coalition worths are computed literally (subset
sums over bitmasks) and averaged with the Shapley weights. Above that the same, exact, value
comes from its closed form: v is the sum over journey channel sets T of the unanimity games
conversions(T) * [T ⊆ S], and a unanimity game's Shapley value gives each member of T an equal
share, so a channel's credit is Σ over converting journeys that touched it of conversions / (the
number of distinct channels of that journey). No sampling is needed at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np

from smarketing.analytics.attribution.paths import FloatArray, IntArray, Paths, sum_by

EXACT_COALITIONS_MAX = 15


@dataclass(frozen=True)
class ShapleyResult:
    conversions: FloatArray
    value: FloatArray | None
    method: str  # "coalitions" (2^n worths) or "closed form"


def shapley_attribute(paths: Paths, *, coalitions_max: int = EXACT_COALITIONS_MAX) -> ShapleyResult:
    """Shapley credit per channel; see the module docstring."""
    if len(paths.channels) <= coalitions_max:
        masks = channel_set_masks(paths)
        size = len(paths.channels)
        return ShapleyResult(
            conversions=_by_coalitions(masks, paths.conversions, channels=size),
            value=None
            if paths.values is None
            else _by_coalitions(masks, paths.values, channels=size),
            method="coalitions",
        )
    return ShapleyResult(
        conversions=shapley_closed_form(paths, paths.conversions),
        value=None if paths.values is None else shapley_closed_form(paths, paths.values),
        method="closed form",
    )


def channel_set_masks(paths: Paths) -> IntArray:
    """Per journey, its set of channels as a bitmask (bit i: channel i)."""
    bits = np.left_shift(np.int64(1), paths.touches)
    if not paths.count:
        return np.zeros(0, dtype=np.int64)
    return np.bitwise_or.reduceat(bits, paths.starts[:-1])


def coalition_worths(masks: IntArray, worth: FloatArray, *, channels: int) -> FloatArray:
    """v(S) for every coalition S (index = bitmask): the worth of journeys whose channel set is
    a subset of S. Subset sums, one channel at a time (the zeta transform): 2^n * n additions."""
    table = sum_by(masks, weights=worth, size=1 << channels)
    for bit in range(channels):
        halves = table.reshape(-1, 2, 1 << bit)
        halves[:, 1, :] += halves[:, 0, :]
    return table


def _by_coalitions(masks: IntArray, worth: FloatArray, *, channels: int) -> FloatArray:
    """φ_i = Σ over S without i of |S|! (n - |S| - 1)! / n! * (v(S + {i}) - v(S))."""
    table = coalition_worths(masks, worth, channels=channels)
    sizes = _popcounts(channels)
    weight_of_size = np.array(
        [factorial(s) * factorial(channels - s - 1) / factorial(channels) for s in range(channels)]
    )
    credit = np.zeros(channels, dtype=np.float64)
    for bit in range(channels):
        halves = table.reshape(-1, 2, 1 << bit)
        without = sizes.reshape(-1, 2, 1 << bit)[:, 0, :]
        gain = halves[:, 1, :] - halves[:, 0, :]
        credit[bit] = float((weight_of_size[without] * gain).sum())
    return credit


def _popcounts(channels: int) -> IntArray:
    counts = np.zeros(1 << channels, dtype=np.int64)
    for bit in range(channels):
        counts.reshape(-1, 2, 1 << bit)[:, 1, :] += 1
    return counts


def shapley_closed_form(paths: Paths, worth: FloatArray) -> FloatArray:
    """The same Shapley value without coalitions: each journey's worth shared equally by its
    distinct channels (see the module docstring for why this is exact)."""
    journey = paths.journey_of_touch
    size = len(paths.channels)
    pairs = np.unique(journey * size + paths.touches)
    owner, channel = pairs // size, pairs % size
    distinct = np.bincount(owner, minlength=paths.count)
    share = worth[owner] / distinct[owner]
    return sum_by(channel, weights=share, size=size)
