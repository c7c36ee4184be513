"""Engagement over a chunk's touchpoints held as columns (numpy arrays), for rescoring many
contacts at once.

Per touchpoint the only Python work left is reading its row: the rules it matches come per
distinct shape (the values the rules look at, which repeat a lot), and the ages, windows, the
expansion to (touchpoint, rule) pairs and their grouping per (contact, rule) are array
operations. What is left per contact is the same code `Scorer.score_contact` runs, and each
number is computed exactly as it computes it (see `engagement_fired`), so both give the same
scores to the bit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# Ages are exact as floats below 2**53 microseconds (285 years) of difference.
_EXACT_US = 2**53
DAY_SECONDS = 86_400.0

# (rule index, summed decay factors, occurrences) for each rule that counted a touchpoint, by
# rule index: what `Scorer._engagement_rows` turns into explanation rows.
Fired = Sequence[tuple[int, float, int]]


def epoch_us(moment: dt.datetime) -> int:
    """Microseconds since the epoch, exactly (an aware datetime)."""
    return (moment - EPOCH) // _MICROSECOND


@dataclass(slots=True)
class TouchColumns:
    """Touchpoints as columns: `contact[i]` (contact id) had touchpoint i at `at_us[i]`
    (microseconds since the epoch, UTC); its shape is `shape[i]`, and `matched[s]` is the
    engagement rules (by index, ascending) a touchpoint of shape s matches."""

    contact: np.ndarray
    at_us: np.ndarray
    shape: np.ndarray
    matched: Sequence[tuple[int, ...]]

    def __len__(self) -> int:
        return len(self.at_us)


def engagement_fired(
    touches: TouchColumns,
    *,
    windows: Sequence[float | None],
    half_life: float | None,
    now: dt.datetime,
) -> dict[int, list[tuple[int, float, int]]]:
    """Contact id → the rules that counted its touchpoints as of `now`, as `Fired`.

    The same numbers as `Scorer._engagement_factors` then summing each rule's factors:
    - age in days = (microseconds / 10**6) / 86,400: numpy divides the exact float of a whole
      number of microseconds, which is what Python's int / int true division does below 2**53;
    - the decay factor 0.5 ** (age / half-life) is Python's own power, per touchpoint (numpy's
      may differ in the last bit);
    - a rule's sum is the factor itself for one touchpoint, math.fsum of the factors for more
      (exact, so the order of the touchpoints does not matter).
    Touchpoints after `now` and outside a rule's window do not count."""
    found: dict[int, list[tuple[int, float, int]]] = {}
    rule_count = len(windows)
    if not len(touches) or not rule_count:
        return found
    now_us = epoch_us(now)
    spans = now_us - touches.at_us
    if spans.size and int(np.abs(spans).max()) >= _EXACT_US:
        raise ValueError("touchpoints more than 285 years from now cannot be scored")
    age = spans.astype(np.float64) / 1_000_000 / DAY_SECONDS

    per_shape = np.fromiter(map(len, touches.matched), dtype=np.intp, count=len(touches.matched))
    flat = np.fromiter(
        (i for rules in touches.matched for i in rules), dtype=np.intp, count=int(per_shape.sum())
    )
    offsets = np.cumsum(per_shape) - per_shape
    counts = per_shape[touches.shape]
    counted = np.flatnonzero((counts > 0) & (age >= 0))
    if not counted.size:
        return found

    factors = np.ones(len(touches), dtype=np.float64)
    if half_life is not None:
        power = (0.5).__pow__
        factors[counted] = list(map(power, (age[counted] / half_life).tolist()))

    # One (touchpoint, rule) pair per rule a counted touchpoint matches.
    repeat = counts[counted]
    touch = np.repeat(counted, repeat)
    starts = np.cumsum(repeat) - repeat
    position = np.arange(len(touch)) - np.repeat(starts, repeat)
    rule = flat[np.repeat(offsets[touches.shape[counted]], repeat) + position]
    limit = np.array([math.inf if w is None else w for w in windows], dtype=np.float64)
    inside = age[touch] <= limit[rule]
    touch, rule = touch[inside], rule[inside]
    if not touch.size:
        return found

    # Group the pairs by (contact, rule): sorted, so each contact's rules come in index order.
    key = touches.contact[touch].astype(np.int64) * rule_count + rule
    order = np.argsort(key, kind="stable")
    key = key[order]
    summed_factors = factors[touch[order]]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    sizes = np.diff(np.append(first, len(key)))
    sums = summed_factors[first].tolist()
    several = np.flatnonzero(sizes > 1)
    if several.size:
        values = summed_factors.tolist()
        for group, start, size in zip(
            several.tolist(), first[several].tolist(), sizes[several].tolist(), strict=True
        ):
            sums[group] = math.fsum(values[start : start + size])
    heads = key[first]
    for contact, index, total, size in zip(
        (heads // rule_count).tolist(),
        (heads % rule_count).tolist(),
        sums,
        sizes.tolist(),
        strict=True,
    ):
        fired = found.get(contact)
        if fired is None:
            found[contact] = [(index, total, size)]
        else:
            fired.append((index, total, size))
    return found
