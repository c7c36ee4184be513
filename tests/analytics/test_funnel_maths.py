"""The funnel's pure arithmetic: periods, percentiles, rates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smarketing.analytics.funnel.maths import (
    GROUP_STAGES,
    Period,
    percentile,
    period_label,
    period_next,
    period_start,
    periods_between,
    rate,
    spread,
    stages_from,
)
from smarketing.lifecycle.stages import FUNNEL, Stage


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("moment", "period", "start", "label"),
    [
        ("2025-06-18T15:00", Period.WEEK, "2025-06-16", "2025-W25"),
        ("2025-01-01T00:00", Period.WEEK, "2024-12-30", "2025-W01"),
        ("2025-06-18T15:00", Period.MONTH, "2025-06-01", "2025-06"),
        ("2025-06-18T15:00", Period.QUARTER, "2025-04-01", "2025-Q2"),
        ("2025-12-31T23:59", Period.QUARTER, "2025-10-01", "2025-Q4"),
    ],
)
def test_period_start_when_given_a_moment_gives_its_period(moment, period, start, label):
    begun = period_start(_at(moment), period)
    assert begun == _at(start)
    assert period_label(begun, period) == label


def test_period_start_when_moment_has_another_zone_uses_utc():
    berlin = dt.timezone(dt.timedelta(hours=2))
    moment = dt.datetime(2025, 7, 1, 1, 0, tzinfo=berlin)  # still June 30 in UTC
    assert period_start(moment, Period.MONTH) == _at("2025-06-01")


def test_period_next_when_december_or_last_quarter_rolls_the_year():
    assert period_next(_at("2025-12-01"), Period.MONTH) == _at("2026-01-01")
    assert period_next(_at("2025-10-01"), Period.QUARTER) == _at("2026-01-01")


def test_periods_between_when_window_is_partial_includes_both_ends():
    starts = periods_between(since=_at("2025-01-15"), until=_at("2025-03-02"), period=Period.MONTH)
    assert [f"{s:%Y-%m}" for s in starts] == ["2025-01", "2025-02", "2025-03"]


@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(list(Period)),
)
def test_period_start_when_any_moment_contains_it(moment, period):
    moment = moment.replace(tzinfo=dt.UTC)
    start = period_start(moment, period)
    assert start <= moment < period_next(start, period)


def test_percentile_when_values_interpolates_between_ranks():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([2, 6, 2], 0.75) == 4.0
    assert percentile([7], 0.75) == 7
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1], 75)


@given(st.lists(st.floats(0, 1e6), min_size=1), st.floats(0, 1), st.floats(0, 1))
def test_percentile_when_quantile_grows_never_falls(values, q1, q2):
    low, high = sorted((q1, q2))
    assert min(values) <= percentile(values, low) <= percentile(values, high) <= max(values)


def test_spread_and_rate_when_empty_say_none():
    assert spread([]).median is None and spread([]).n == 0
    assert rate(3, 4) == 0.75 and rate(0, 0) is None


def test_groups_when_joined_cover_the_funnel_once_in_order():
    joined = [stage for stages in GROUP_STAGES.values() for stage in stages]
    assert tuple(joined) == FUNNEL
    assert stages_from(Stage.SQL) == (Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER)
