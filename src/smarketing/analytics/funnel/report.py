"""The funnel report's sections, shaped from the queries for the page, the API and the CLI.

Each section is one or two queries, so the API can serve them apart and the page pins its count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from smarketing.analytics.funnel import queries
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import (
    Group,
    Spread,
    days_between,
    period_label,
    periods_between,
    rate,
    spread,
    stages_from,
)
from smarketing.lifecycle.stages import FUNNEL, Stage

# The stages a cohort is followed through, after becoming a lead.
COHORT_STAGES = stages_from(Stage.MQL)
# The stages a contact can stop at without becoming a customer.
LEAK_STAGES = FUNNEL[:-1]


@dataclass(frozen=True)
class StageEntries:
    """Distinct contacts entering each stage (every Stage) and each group in one period."""

    label: str
    start: dt.datetime | None  # None for the whole window
    stages: dict[str, int]
    groups: dict[str, int]


@dataclass(frozen=True)
class Entries:
    periods: list[StageEntries]
    total: StageEntries


@dataclass(frozen=True)
class Conversion:
    """Of the contacts that entered `stage` in the window, how many reached each later stage."""

    stage: str
    entered: int
    reached: dict[str, int]  # later funnel stage → contacts that reached it or beyond

    def rate(self, later: str) -> float | None:
        return rate(self.reached[later], self.entered)

    @property
    def next_stage(self) -> str | None:
        later = list(self.reached)
        return later[0] if later else None


@dataclass(frozen=True)
class Cohort:
    label: str
    start: dt.datetime
    size: int
    reached: dict[str, int]  # MQL … customer → cohort members that reached it or beyond

    def rate(self, later: str) -> float | None:
        return rate(self.reached[later], self.size)


@dataclass(frozen=True)
class Velocity:
    stage: str
    days: Spread


@dataclass(frozen=True)
class Leak:
    """Contacts whose furthest stage is `stage`, by where they are now."""

    stage: str
    open: int  # at a funnel stage now, so they may still move on
    recycled: int
    disqualified: int

    @property
    def stopped(self) -> int:
        return self.open + self.recycled + self.disqualified


@dataclass(frozen=True)
class ReasonCount:
    kind: str
    code: str
    label: str
    from_stage: str
    to_stage: str
    contacts: int


@dataclass(frozen=True)
class Leakage:
    population: int  # contacts that entered any funnel stage in the window
    customers: int  # of whom reached customer by now
    leaks: list[Leak]
    reasons: list[ReasonCount]


def _entries_row(label: str, start: dt.datetime | None, counts: dict[str, int]) -> StageEntries:
    return StageEntries(
        label=label,
        start=start,
        stages={s.value: counts.get(s.value, 0) for s in Stage},
        groups={g.value: counts.get(g.value, 0) for g in Group},
    )


def entries(*, filters: FunnelFilters, now: dt.datetime) -> Entries:
    """Every period of the window, those without moves too, and the whole window."""
    found = queries.entries_by_period(filters=filters, now=now)
    starts = periods_between(since=filters.since, until=filters.until, period=filters.period)
    periods = [
        _entries_row(period_label(start, filters.period), start, found.get(start, {}))
        for start in starts
    ]
    total = _entries_row("Whole window", None, queries.entries_total(filters=filters, now=now))
    return Entries(periods=periods, total=total)


def conversions(*, filters: FunnelFilters, now: dt.datetime) -> list[Conversion]:
    """One row per funnel stage but the last, with every later stage."""
    found = queries.conversions(filters=filters, now=now)
    rows = []
    for i, stage in enumerate(FUNNEL[:-1]):
        counts = found.get(stage.value, {})
        rows.append(
            Conversion(
                stage=stage.value,
                entered=counts.get("entered", 0),
                reached={later.value: counts.get(later.value, 0) for later in FUNNEL[i + 1 :]},
            )
        )
    return rows


def cohorts(*, filters: FunnelFilters, now: dt.datetime) -> list[Cohort]:
    found = queries.cohorts(filters=filters, now=now)
    starts = periods_between(since=filters.since, until=filters.until, period=filters.period)
    out = []
    for start in starts:
        counts = found.get(start, {})
        out.append(
            Cohort(
                label=period_label(start, filters.period),
                start=start,
                size=counts.get("size", 0),
                reached={s.value: counts.get(s.value, 0) for s in COHORT_STAGES},
            )
        )
    return out


def velocity(*, filters: FunnelFilters, now: dt.datetime) -> list[Velocity]:
    """Median and p75 days per stage, over the fetched stays (percentiles need the values)."""
    days: dict[str, list[float]] = defaultdict(list)
    for stage, entered, left in queries.stays(filters=filters, now=now):
        days[stage].append(days_between(entered, left))
    return [Velocity(stage=s.value, days=spread(days[s.value])) for s in FUNNEL[:-1]]


def leakage(*, filters: FunnelFilters, now: dt.datetime) -> Leakage:
    found = queries.furthest_and_now(filters=filters, now=now)
    tally: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (furthest, stage_now), n in found.items():
        if furthest is None:
            continue
        status = stage_now if stage_now in (Stage.RECYCLED, Stage.DISQUALIFIED) else "open"
        tally[furthest][status] += n
    leaks = [
        Leak(
            stage=stage.value,
            open=tally[i]["open"],
            recycled=tally[i][Stage.RECYCLED.value],
            disqualified=tally[i][Stage.DISQUALIFIED.value],
        )
        for i, stage in enumerate(LEAK_STAGES)
    ]
    customers = sum(tally[len(FUNNEL) - 1].values())
    reasons = [
        ReasonCount(
            kind=str(row["reason__kind"]),
            code=str(row["reason__code"]),
            label=str(row["reason__label"]),
            from_stage=str(row["from_stage"]),
            to_stage=str(row["to_stage"]),
            contacts=int(row["contacts"]),  # type: ignore[call-overload]
        )
        for row in queries.reasons(filters=filters, now=now)
    ]
    return Leakage(
        population=sum(found.values()), customers=customers, leaks=leaks, reasons=reasons
    )
