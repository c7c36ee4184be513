"""The funnel's arithmetic: reporting periods, stage groups, rates and percentiles.

Plain Python, no Django, so it is checked with mypy --strict and tested alone. Periods are
calendar periods in UTC: ISO weeks starting on Monday, calendar months, calendar quarters.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from smarketing.lifecycle.stages import FUNNEL, Stage

SECONDS_PER_DAY = 86_400.0


class Period(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class Group(enum.StrEnum):
    """Top, middle and bottom of the funnel."""

    TOFU = "tofu"
    MOFU = "mofu"
    BOFU = "bofu"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    Group.TOFU: "TOFU (subscriber, lead)",
    Group.MOFU: "MOFU (MQL, SAL)",
    Group.BOFU: "BOFU (SQL, opportunity, customer)",
}

# Which funnel stages make up each group; recycled and disqualified belong to none.
GROUP_STAGES: dict[Group, tuple[Stage, ...]] = {
    Group.TOFU: (Stage.SUBSCRIBER, Stage.LEAD),
    Group.MOFU: (Stage.MQL, Stage.SAL),
    Group.BOFU: (Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER),
}


def stages_from(stage: Stage) -> tuple[Stage, ...]:
    """`stage` and every funnel stage after it: what "reached `stage` or beyond" means."""
    return FUNNEL[FUNNEL.index(stage) :]


def period_start(moment: dt.datetime, period: Period) -> dt.datetime:
    """The start (UTC midnight) of the period that contains `moment`."""
    utc = moment.astimezone(dt.UTC)
    day = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    first_month = 3 * ((day.month - 1) // 3) + 1
    return day.replace(month=first_month, day=1)


def period_next(start: dt.datetime, period: Period) -> dt.datetime:
    """The start of the period after the one starting at `start`."""
    if period == Period.WEEK:
        return start + dt.timedelta(days=7)
    months = 1 if period == Period.MONTH else 3
    index = start.month - 1 + months
    return start.replace(year=start.year + index // 12, month=index % 12 + 1, day=1)


def periods_between(*, since: dt.datetime, until: dt.datetime, period: Period) -> list[dt.datetime]:
    """Starts of every period that overlaps [since, until), oldest first."""
    starts = []
    start = period_start(since, period)
    while start < until:
        starts.append(start)
        start = period_next(start, period)
    return starts


def period_label(start: dt.datetime, period: Period) -> str:
    """'2025-W23', '2025-06' or '2025-Q2'."""
    if period == Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == Period.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def rate(part: int, whole: int) -> float | None:
    """`part` as a share of `whole`, None when there is no whole to share."""
    return part / whole if whole else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 ≤ q ≤ 1) by linear interpolation between the nearest ranks.

    The same definition as numpy's default and spreadsheets' PERCENTILE.INC; None without values.
    """
    if not 0 <= q <= 1:
        raise ValueError(f"a quantile lies between 0 and 1, not {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = math.ceil(position)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


@dataclass(frozen=True)
class Spread:
    """How long contacts stayed in a stage: how many moves were measured, median and p75 days."""

    n: int
    median: float | None
    p75: float | None


def spread(days: Sequence[float]) -> Spread:
    return Spread(n=len(days), median=percentile(days, 0.5), p75=percentile(days, 0.75))
