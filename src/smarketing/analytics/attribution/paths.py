"""Journeys as the attribution models read them.

`Paths` is the one shape every model works on: all journeys' touches in one flat array of
channel codes, cut into journeys by offsets (the way scipy's CSR matrices cut rows), with per
journey the conversions, the journeys that did not convert ("nulls") and the conversion value.
A row of a paths file is one `Paths` journey standing for many people; a journey built from the
database is one contact's or account's touches, with the times of the touches and which touch
created the lead and the opportunity, when known.

Flat arrays keep the models vectorised: a million journeys are a few numpy operations, not a
million Python objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NO_MARK = -1  # in `lead_touch` / `opportunity_touch`: the journey has no such mark
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, eq=False)
class Paths:
    """Journeys in columns; see the module docstring.

    `touches[starts[i]:starts[i + 1]]` are the channel codes (indexes into `channels`) of
    journey `i`, first touch first. `ages_days`, when given, holds per touch how many days
    before the conversion (or the journey's end) it happened, NaN where unknown.
    `lead_touch` / `opportunity_touch`, when given, hold per journey the position within the
    journey of the touch that created the lead / the opportunity, or `NO_MARK`.
    """

    channels: tuple[str, ...]
    touches: IntArray
    starts: IntArray
    conversions: FloatArray
    nulls: FloatArray
    values: FloatArray | None = None
    ages_days: FloatArray | None = None
    lead_touch: IntArray | None = None
    opportunity_touch: IntArray | None = None

    def __post_init__(self) -> None:
        count = len(self.conversions)
        if len(self.starts) != count + 1 or len(self.nulls) != count:
            raise ValueError("paths: starts, conversions and nulls disagree on the journeys")
        if count and (self.starts[0] != 0 or self.starts[-1] != len(self.touches)):
            raise ValueError("paths: starts must run from 0 to the number of touches")
        if count and np.any(np.diff(self.starts) < 1):
            raise ValueError("paths: every journey needs at least one touch")
        if self.values is not None and len(self.values) != count:
            raise ValueError("paths: one value per journey expected")
        if self.ages_days is not None and len(self.ages_days) != len(self.touches):
            raise ValueError("paths: one age per touch expected")
        for marks in (self.lead_touch, self.opportunity_touch):
            if marks is not None and len(marks) != count:
                raise ValueError("paths: one lead/opportunity mark per journey expected")

    @property
    def count(self) -> int:
        """Journeys (rows), not people: a row may stand for many."""
        return len(self.conversions)

    @property
    def lengths(self) -> IntArray:
        return np.diff(self.starts)

    @property
    def journey_of_touch(self) -> IntArray:
        """For each touch, the index of its journey."""
        return np.repeat(np.arange(self.count, dtype=np.int64), self.lengths)

    @property
    def position_of_touch(self) -> IntArray:
        """For each touch, its position within its journey (0 = first touch)."""
        return np.arange(len(self.touches), dtype=np.int64) - np.repeat(
            self.starts[:-1], self.lengths
        )

    @property
    def total_conversions(self) -> float:
        return float(self.conversions.sum())

    @property
    def total_value(self) -> float | None:
        return None if self.values is None else float(self.values.sum())


def sum_by(index: IntArray, *, weights: FloatArray, size: int) -> FloatArray:
    """`weights` added up per `index` (0 to size - 1): numpy's bincount, typed as floats."""
    return np.bincount(index, weights=weights, minlength=size).astype(np.float64)


@dataclass(frozen=True, slots=True)
class Journey:
    """One contact's or account's touches in time order, as the database side builds them.

    `ended_at` is the conversion time of a converting journey (the deal won), or the end of the
    window for one that did not convert; touch ages for time decay are counted back from it.
    `lead_touch` / `opportunity_touch` are positions in `channels` (see `touch_index_at`).
    """

    channels: tuple[str, ...]
    converted: bool
    value: float = 0.0
    times: tuple[dt.datetime, ...] | None = None
    ended_at: dt.datetime | None = None
    lead_touch: int | None = None
    opportunity_touch: int | None = None


def touch_index_at(*, times: Sequence[dt.datetime], moment: dt.datetime) -> int | None:
    """The position of the last touch at or before `moment` (the touch that led to a lifecycle
    change at that moment), or None when every touch came later."""
    index = None
    for position, at in enumerate(times):
        if at > moment:
            break
        index = position
    return index


def paths_from_journeys(journeys: Iterable[Journey]) -> Paths:
    """Columns from journey objects; journeys without touches are left out (nothing to credit)."""
    kept = [j for j in journeys if j.channels]
    index: dict[str, int] = {}
    codes = [index.setdefault(c, len(index)) for j in kept for c in j.channels]
    lengths = np.array([len(j.channels) for j in kept], dtype=np.int64)
    converted = np.array([j.converted for j in kept], dtype=bool)
    has_value = any(j.value for j in kept)
    return Paths(
        channels=tuple(index),
        touches=np.array(codes, dtype=np.int64),
        starts=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        conversions=converted.astype(np.float64),
        nulls=(~converted).astype(np.float64),
        values=np.array([j.value for j in kept], dtype=np.float64) if has_value else None,
        ages_days=_ages_days(kept),
        lead_touch=_marks(kept, lead=True),
        opportunity_touch=_marks(kept, lead=False),
    )


def _ages_days(journeys: Sequence[Journey]) -> FloatArray | None:
    if not any(j.times is not None and j.ended_at is not None for j in journeys):
        return None
    ages: list[float] = []
    for journey in journeys:
        if journey.times is None or journey.ended_at is None:
            ages.extend([np.nan] * len(journey.channels))
            continue
        if len(journey.times) != len(journey.channels):
            raise ValueError("journey: one time per touch expected")
        end = journey.ended_at
        ages.extend(max((end - at).total_seconds(), 0.0) / SECONDS_PER_DAY for at in journey.times)
    return np.array(ages, dtype=np.float64)


def _marks(journeys: Sequence[Journey], *, lead: bool) -> IntArray | None:
    marks = [j.lead_touch if lead else j.opportunity_touch for j in journeys]
    if all(m is None for m in marks):
        return None
    for journey, mark in zip(journeys, marks, strict=True):
        if mark is not None and not 0 <= mark < len(journey.channels):
            what = "lead" if lead else "opportunity"
            raise ValueError(f"journey: {what} touch {mark} is not one of its touches")
    return np.array([NO_MARK if m is None else m for m in marks], dtype=np.int64)
