"""Alignment health's numbers over months, and the plain sentence that says what moved.

Plain Python, no Django: counts in, rates and sentences out, so the wording is tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A change smaller than this many percentage points is "about the same".
STEADY_POINTS = 2.0
# A month with fewer cases than this says too little to call a move.
MIN_CASES = 5


@dataclass(frozen=True)
class Month:
    label: str  # "2026-11"
    numerator: int
    denominator: int
    complete: bool = True  # False: still running, or too recent to have settled

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    # "accepted 31 of 51 MQLs decided": how the counts read, with {n} and {d}.
    counts: str
    months: Sequence[Month]
    # Whether a rise is good news (every metric here: True).
    higher_is_better: bool = True

    def latest(self) -> Month | None:
        """The newest complete month, else the newest with any case, else the newest."""
        done = [m for m in self.months if m.complete]
        if done:
            return done[-1]
        cases = [m for m in self.months if m.denominator]
        return cases[-1] if cases else (self.months[-1] if self.months else None)

    def previous(self) -> Month | None:
        latest = self.latest()
        if latest is None:
            return None
        before = [m for m in self.months if m.complete and m.label < latest.label]
        return before[-1] if before else None


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _counts(metric: Metric, month: Month) -> str:
    return metric.counts.format(n=month.numerator, d=month.denominator)


def statement(metric: Metric) -> str:
    """One sentence: the latest complete month's rate, how it moved from the month before and
    the counts behind it, or why nothing can be said."""
    latest, previous = metric.latest(), metric.previous()
    if latest is None or latest.rate is None:
        return f"{metric.label}: nothing to measure yet."
    so_far = "" if latest.complete else " so far"
    now = (
        f"{metric.label} was {percent(latest.rate)} in {latest.label}{so_far} "
        f"({_counts(metric, latest)})"
    )
    if not latest.complete:
        return now + "; it has not settled yet."
    if previous is None or previous.rate is None:
        return now + "."
    if latest.denominator < MIN_CASES or previous.denominator < MIN_CASES:
        return now + f"; too few cases to compare with {previous.label}."
    points = (latest.rate - previous.rate) * 100
    if abs(points) < STEADY_POINTS:
        return now + f", about the same as {previous.label} ({percent(previous.rate)})."
    verb = "up" if points > 0 else "down"
    good = (points > 0) == metric.higher_is_better
    mood = "better" if good else "worse"
    return (
        now + f", {verb} {abs(points):.0f} points from {percent(previous.rate)} in "
        f"{previous.label} ({mood})."
    )
