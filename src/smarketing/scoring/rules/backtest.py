"""Backtest: what a draft definition would have changed against the live one over a past window.

Plain Python over plain data; the database layer (scoring/backtest.py) feeds it contacts in
chunks. Both definitions are run the same way over the same moments, so the comparison is like
for like:

- A contact *qualifies* under a definition at the first moment t in [since, until) at which its
  scores as of t (the rule engine with now=t: later touchpoints do not count yet, decay and
  windows apply) meet an MQL criterion in any score group, while its actual stage at t (from the
  transition history) was "", subscriber, lead, recycled or mql.
- The moments checked are max(since, when the contact entered the history) and the time of each
  of its touchpoints in the window. Scores only rise at a touchpoint; between touchpoints they
  fall with decay, except that negative points fade too (and leave their window), which this
  does not catch until the next touchpoint.
- A criterion with a predicted probability is never met: there are no past predictions.
- Outcomes are the actual history: reached SQL (or further), opportunity (or customer), customer
  at any time after t.
- Actual customers flagged: of the contacts whose customer transition lies in [since, now], those
  the definition qualified before that transition.
- Fit uses the fields as they are now (there is no field history), except the lifecycle stage,
  which is the stage at t.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from smarketing.scoring.rules.backtest_results import (
    BacktestResult,
    ChangedContact,
    FlaggedCustomers,
    MonthCount,
    Outcomes,
    ScoreSummary,
)
from smarketing.scoring.rules.evaluate import Scorer, scorer_for
from smarketing.scoring.rules.facts import ContactFacts, TouchpointLike
from smarketing.scoring.rules.model import Definition
from smarketing.scoring.rules.results import ScoreResult

# Stages at which the scoring engine may still make a contact an MQL (sales has not taken it
# further and it is not disqualified); "mql" too, so that an actual MQL counts as one.
ELIGIBLE_STAGES = frozenset({"", "subscriber", "lead", "recycled", "mql"})
SQL_OR_FURTHER = frozenset({"sql", "opportunity", "customer"})
OPPORTUNITY_OR_FURTHER = frozenset({"opportunity", "customer"})
LIST_LIMIT = 50

FIT_CAVEAT = (
    "Fit rules use the contacts' and accounts' current field values: there is no history of "
    "field values, so a company that grew since is scored at its size today."
)
PREDICTED_CAVEAT = (
    "The {which} definition has an MQL criterion with a predicted probability; it is never met "
    "in a backtest, as there are no past predictions."
)


@dataclass(slots=True, kw_only=True)
class ContactHistory:
    """One contact's stored history. `entered_at`: when it entered the history (created, or its
    first transition if earlier). `transitions`: (at, to_stage) in the order they happened."""

    facts: ContactFacts
    entered_at: dt.datetime
    touchpoints: Sequence[TouchpointLike] = ()
    transitions: Sequence[tuple[dt.datetime, str]] = ()


def month_key(moment: dt.datetime) -> str:
    """ "2025-03": the calendar month in UTC."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m")


def months_between(since: dt.datetime, until: dt.datetime) -> list[str]:
    """The months [since, until) touches, in order."""
    first = since.astimezone(dt.UTC)
    last = (until - dt.timedelta(microseconds=1)).astimezone(dt.UTC)
    year, month = first.year, first.month
    keys = []
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def has_predicted_criterion(definition: Definition) -> bool:
    return any(c.predicted is not None for c in definition.mql)


def _check_window(since: dt.datetime, until: dt.datetime, now: dt.datetime) -> None:
    for name, value in (("since", since), ("until", until), ("now", now)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be a timezone-aware datetime (UTC)")
    if since >= until:
        raise ValueError(f"since ({since:%Y-%m-%d}) must be before until ({until:%Y-%m-%d})")


class _Timeline:
    """A contact's touchpoints and stages in time order, for scoring as of any moment."""

    def __init__(self, history: ContactHistory, *, stage_matters: bool) -> None:
        self.history = history
        self.stage_matters = stage_matters
        self.touchpoints = sorted(history.touchpoints, key=lambda tp: tp.occurred_at)
        self.times = [tp.occurred_at for tp in self.touchpoints]
        transitions = sorted(history.transitions, key=lambda pair: pair[0])  # stable: same-time
        self.stage_times = [at for at, _ in transitions]
        self.stages = [stage for _, stage in transitions]

    def stage_at(self, moment: dt.datetime) -> str:
        index = bisect_right(self.stage_times, moment)
        return self.stages[index - 1] if index else ""

    def moments(self, since: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
        start = max(since, self.history.entered_at)
        if start >= until:
            return []
        later = self.times[bisect_right(self.times, start) : bisect_left(self.times, until)]
        return sorted({start, *later})

    def score(self, scorer: Scorer, moment: dt.datetime, stage: str) -> ScoreResult:
        facts = self.history.facts
        if self.stage_matters and facts.lifecycle_stage != stage:
            facts = dataclasses.replace(facts, lifecycle_stage=stage)
        seen = self.touchpoints[: bisect_right(self.times, moment)]
        return scorer.score_contact(contact=facts, touchpoints=seen, now=moment)

    def qualify(
        self, scorer: Scorer, moments: list[dt.datetime], stages: list[str]
    ) -> tuple[dt.datetime, ScoreResult] | None:
        for moment, stage in zip(moments, stages, strict=True):
            if stage not in ELIGIBLE_STAGES:
                continue
            result = self.score(scorer, moment, stage)
            if result.is_mql:
                return moment, result
        return None

    def reached_after(self, moment: dt.datetime) -> set[str]:
        return set(self.stages[bisect_right(self.stage_times, moment) :])

    def first_at(self, stage: str, low: dt.datetime, high: dt.datetime) -> dt.datetime | None:
        """The first transition to `stage` in [low, high]."""
        for at, to in zip(self.stage_times, self.stages, strict=True):
            if to == stage and low <= at <= high:
                return at
        return None


class _Tally:
    """Counts for one definition (or for the actual history)."""

    def __init__(self) -> None:
        self.months: dict[str, int] = {}
        self.mqls = self.sql = self.opportunity = self.customer = 0
        self.flagged = 0

    def add(self, moment: dt.datetime, reached: set[str]) -> None:
        key = month_key(moment)
        self.months[key] = self.months.get(key, 0) + 1
        self.mqls += 1
        self.sql += bool(reached & SQL_OR_FURTHER)
        self.opportunity += bool(reached & OPPORTUNITY_OR_FURTHER)
        self.customer += "customer" in reached

    def outcomes(self) -> Outcomes:
        return Outcomes(self.mqls, self.sql, self.opportunity, self.customer)


def backtest_run(
    *,
    draft: Definition,
    live: Definition,
    contacts: Iterable[ContactHistory],
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    list_limit: int = LIST_LIMIT,
) -> BacktestResult:
    """What `draft` would have changed against `live` over [since, until); `contacts` may be a
    generator (the database layer yields them chunk by chunk). See the module's docstring."""
    _check_window(since, until, now)
    scorers = scorer_for(draft), scorer_for(live)
    # Only a rule on the stage needs the facts rebuilt with the stage of each moment.
    stage_matters = any(
        rule.field == "lifecycle_stage" for d in (draft, live) for rule in d.fit_rules
    )
    tallies = _Tally(), _Tally()
    actual = _Tally()
    actual_months: dict[str, set[int]] = {}
    customers = 0
    newly: list[tuple[dt.datetime, int, ChangedContact]] = []
    stopped: list[tuple[dt.datetime, int, ChangedContact]] = []
    counts = [0, 0]
    checked = 0
    for history in contacts:
        timeline = _Timeline(history, stage_matters=stage_matters)
        contact_id = history.facts.contact_id
        _actual_add(timeline, contact_id, since, until, actual, actual_months)
        customer_at = timeline.first_at("customer", since, now)
        customers += customer_at is not None
        moments = timeline.moments(since, until)
        if not moments:
            continue
        checked += 1
        stages = [timeline.stage_at(m) for m in moments]
        found = [timeline.qualify(s, moments, stages) for s in scorers]
        for tally, hit in zip(tallies, found, strict=True):
            if hit is None:
                continue
            tally.add(hit[0], timeline.reached_after(hit[0]))
            tally.flagged += customer_at is not None and hit[0] < customer_at
        for index, (ours, theirs) in enumerate((found, found[::-1])):
            if ours is None or theirs is not None:
                continue
            counts[index] += 1
            moment, result = ours
            other = timeline.score(scorers[1 - index], moment, timeline.stage_at(moment))
            draft_score, live_score = (result, other) if index == 0 else (other, result)
            changed = ChangedContact(
                contact_id, moment, ScoreSummary.of(draft_score), ScoreSummary.of(live_score)
            )
            (newly, stopped)[index].append((moment, contact_id, changed))
    return BacktestResult(
        since=since,
        until=until,
        now=now,
        contacts_checked=checked,
        months=tuple(
            MonthCount(
                key,
                tallies[0].months.get(key, 0),
                tallies[1].months.get(key, 0),
                len(actual_months.get(key, ())),
            )
            for key in months_between(since, until)
        ),
        draft=tallies[0].outcomes(),
        live=tallies[1].outcomes(),
        actual=actual.outcomes(),
        customers=FlaggedCustomers(customers, tallies[0].flagged, tallies[1].flagged),
        newly_count=counts[0],
        stopped_count=counts[1],
        newly=tuple(c for _, _, c in heapq.nsmallest(list_limit, newly, key=_order)),
        stopped=tuple(c for _, _, c in heapq.nsmallest(list_limit, stopped, key=_order)),
        caveats=_caveats(draft, live),
    )


def _order(item: tuple[dt.datetime, int, ChangedContact]) -> tuple[dt.datetime, int]:
    return item[0], item[1]


def _actual_add(
    timeline: _Timeline,
    contact_id: int,
    since: dt.datetime,
    until: dt.datetime,
    actual: _Tally,
    months: dict[str, set[int]],
) -> None:
    """The MQL transitions recorded in the window: per month a contact once; the outcomes from
    its first one in the window."""
    first = None
    for at, stage in zip(timeline.stage_times, timeline.stages, strict=True):
        if stage == "mql" and since <= at < until:
            months.setdefault(month_key(at), set()).add(contact_id)
            first = first or at
    if first is not None:
        reached = timeline.reached_after(first)
        actual.mqls += 1
        actual.sql += bool(reached & SQL_OR_FURTHER)
        actual.opportunity += bool(reached & OPPORTUNITY_OR_FURTHER)
        actual.customer += "customer" in reached


def _caveats(draft: Definition, live: Definition) -> tuple[str, ...]:
    notes = [FIT_CAVEAT]
    for which, definition in (("draft", draft), ("live", live)):
        if has_predicted_criterion(definition):
            notes.append(PREDICTED_CAVEAT.format(which=which))
    return tuple(notes)
