"""The funnel's numbers equal a direct count over the history table, for random valid histories.

Each example writes a few contacts' histories (every move allowed from the one before, an hour
or more apart), then checks each section against a plain-Python reading of the same moves.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smarketing.analytics.funnel import report
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import (
    GROUP_STAGES,
    Period,
    days_between,
    period_start,
    stages_from,
)
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import ALLOWED, FUNNEL, Stage
from smarketing.people.models import Contact
from tests.analytics.funnel_history import T0, history_write
from tests.factories import ContactFactory

Moves = list[tuple[Stage, dt.datetime]]


@st.composite
def a_history(draw: st.DrawFn) -> Moves:
    """A valid path through the lifecycle, starting somewhere in T0's first 200 days."""
    at = T0 + dt.timedelta(hours=draw(st.integers(0, 200 * 24)))
    stage = draw(st.sampled_from(sorted(ALLOWED[None])))
    moves = [(stage, at)]
    for _ in range(draw(st.integers(0, 6))):
        options = sorted(ALLOWED[stage])
        if not options:
            break
        stage = draw(st.sampled_from(options))
        at += dt.timedelta(hours=draw(st.integers(1, 60 * 24)))
        moves.append((stage, at))
    return moves


def _day(n: int) -> dt.datetime:
    return T0.replace(hour=0) + dt.timedelta(days=n)


@st.composite
def a_window(draw: st.DrawFn) -> tuple[dt.datetime, dt.datetime, dt.datetime, Period]:
    since = draw(st.integers(0, 150))
    until = draw(st.integers(since + 1, 320))
    now = _day(draw(st.integers(since, 400))) + dt.timedelta(hours=draw(st.integers(0, 23)))
    return _day(since), _day(until), now, draw(st.sampled_from(list(Period)))


def _write(histories: list[Moves], now: dt.datetime) -> dict[int, Moves]:
    """Write the histories; return each contact's moves as they stood at `now`."""
    StageTransition.objects.all().delete()
    Contact.objects.all().delete()
    seen = {}
    for moves in histories:
        contact = ContactFactory()
        history_write(contact, moves)
        seen[contact.pk] = [(s, at) for s, at in moves if at <= now]
    return seen


def _in(at: dt.datetime, filters: FunnelFilters) -> bool:
    return filters.since <= at < filters.until


def _expected_entries(seen: dict[int, Moves], filters: FunnelFilters) -> dict:
    by_period: dict[dt.datetime, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for cid, moves in seen.items():
        for stage, at in moves:
            if _in(at, filters):
                by_period[period_start(at, filters.period)][stage.value].add(cid)
                by_period[None][stage.value].add(cid)  # type: ignore[index]
    return by_period


def _reached_after(moves: Moves, index: int, stage: Stage) -> bool:
    """Does the contact reach `stage` or beyond at or after its move number `index`?"""
    return any(s in stages_from(stage) for s, _ in moves[index:])


def _first(moves: Moves, stages: tuple[Stage, ...], filters: FunnelFilters | None) -> int | None:
    for i, (stage, at) in enumerate(moves):
        if stage in stages and (filters is None or _in(at, filters)):
            return i
    return None


def _check_entries(seen: dict[int, Moves], filters: FunnelFilters, now: dt.datetime) -> None:
    expected = _expected_entries(seen, filters)
    entries = report.entries(filters=filters, now=now)
    for row in [*entries.periods, entries.total]:
        sets = expected.get(row.start, {})
        for stage in Stage:
            assert row.stages[stage.value] == len(sets.get(stage.value, ())), (row.label, stage)
        for group, stages in GROUP_STAGES.items():
            union = set().union(*(sets.get(s.value, set()) for s in stages))
            assert row.groups[group.value] == len(union), (row.label, group)


def _check_conversions(seen: dict[int, Moves], filters: FunnelFilters, now: dt.datetime) -> None:
    for row in report.conversions(filters=filters, now=now):
        stage = Stage(row.stage)
        firsts = {cid: _first(m, (stage,), filters) for cid, m in seen.items()}
        firsts = {cid: i for cid, i in firsts.items() if i is not None}
        assert row.entered == len(firsts), stage
        for later, n in row.reached.items():
            expected = sum(_reached_after(seen[c], i, Stage(later)) for c, i in firsts.items())
            assert n == expected, (stage, later)


def _check_cohorts(seen: dict[int, Moves], filters: FunnelFilters, now: dt.datetime) -> None:
    members: dict[dt.datetime, list[tuple[int, int]]] = defaultdict(list)
    for cid, moves in seen.items():
        i = _first(moves, stages_from(Stage.LEAD), None)
        if i is not None and _in(moves[i][1], filters):
            members[period_start(moves[i][1], filters.period)].append((cid, i))
    for cohort in report.cohorts(filters=filters, now=now):
        group = members.get(cohort.start, [])
        assert cohort.size == len(group), cohort.label
        for later, n in cohort.reached.items():
            assert n == sum(_reached_after(seen[c], i, Stage(later)) for c, i in group)


def _check_velocity(seen: dict[int, Moves], filters: FunnelFilters, now: dt.datetime) -> None:
    stays: dict[str, list[float]] = defaultdict(list)
    for moves in seen.values():
        for (stage, at), (after, left) in itertools.pairwise(moves):
            forward = stage in FUNNEL and after in FUNNEL[FUNNEL.index(stage) + 1 :]
            if forward and _in(at, filters):
                stays[stage.value].append(days_between(at, left))
    for row in report.velocity(filters=filters, now=now):
        assert row.days.n == len(stays[row.stage]), row.stage
        if stays[row.stage]:
            values = sorted(stays[row.stage])
            assert values[0] <= row.days.median <= row.days.p75 <= values[-1]


def _check_leakage(seen: dict[int, Moves], filters: FunnelFilters, now: dt.datetime) -> None:
    furthest: dict[int, tuple[int, Stage]] = {}
    for cid, moves in seen.items():
        if any(s in FUNNEL and _in(at, filters) for s, at in moves):
            top = max(FUNNEL.index(s) for s, _ in moves if s in FUNNEL)
            furthest[cid] = (top, moves[-1][0])
    leakage = report.leakage(filters=filters, now=now)
    assert leakage.population == len(furthest)
    assert leakage.customers == sum(top == len(FUNNEL) - 1 for top, _ in furthest.values())
    for i, leak in enumerate(leakage.leaks):
        here = [now_at for top, now_at in furthest.values() if top == i]
        assert leak.recycled == here.count(Stage.RECYCLED)
        assert leak.disqualified == here.count(Stage.DISQUALIFIED)
        assert leak.stopped == len(here)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(histories=st.lists(a_history(), min_size=1, max_size=6), window=a_window())
def test_funnel_when_histories_are_random_equals_a_direct_count(histories, window):
    since, until, now, period = window
    seen = _write(histories, now)
    filters = FunnelFilters(since=since, until=until, period=period)
    _check_entries(seen, filters, now)
    _check_conversions(seen, filters, now)
    _check_cohorts(seen, filters, now)
    _check_velocity(seen, filters, now)
    _check_leakage(seen, filters, now)
