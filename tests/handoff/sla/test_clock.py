"""The business-hours clock: pure arithmetic, checked by example and by hypothesis."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.handoff.sla.clock import (
    DEFAULT_HOURS,
    BusinessHours,
    CalendarError,
    business_add,
    business_between,
    business_days_end,
    business_hours_add,
    business_hours_between,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC

CALENDARS = [
    DEFAULT_HOURS,
    BusinessHours(timezone="Europe/Berlin", holiday_country="DE"),
    BusinessHours(
        timezone="America/New_York",
        holiday_country="US",
        day_start=dt.time(8, 30),
        day_end=dt.time(18, 0),
    ),
    # A day that starts inside the spring-forward gap (02:30 does not exist that night).
    BusinessHours(
        timezone="Europe/Berlin",
        workdays=frozenset({1, 2, 3, 4, 5, 6, 7}),
        day_start=dt.time(2, 30),
        day_end=dt.time(5, 0),
    ),
    BusinessHours(timezone="Asia/Kolkata", workdays=frozenset({1, 2, 3, 4, 5, 6})),
]

instants = st.datetimes(
    min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(UTC)
)
minutes = st.integers(min_value=0, max_value=60 * 200)


def test_add_within_one_day_stays_in_that_day():
    monday = dt.datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    assert business_hours_add(DEFAULT_HOURS, monday, 4) == dt.datetime(2025, 6, 2, 14, tzinfo=UTC)


def test_add_past_friday_close_continues_on_monday():
    friday = dt.datetime(2025, 6, 6, 15, 0, tzinfo=UTC)
    assert business_hours_add(DEFAULT_HOURS, friday, 4) == dt.datetime(2025, 6, 9, 11, tzinfo=UTC)


def test_add_when_started_on_saturday_counts_from_monday_opening():
    saturday = dt.datetime(2025, 6, 7, 12, 0, tzinfo=UTC)
    assert business_hours_add(DEFAULT_HOURS, saturday, 1) == dt.datetime(2025, 6, 9, 10, tzinfo=UTC)


def test_add_across_spring_forward_weekend_follows_the_wall_clock():
    # Berlin moves to summer time on Sunday 30 March 2025: 9-17 local is 8-16 UTC on Friday and
    # 7-15 UTC on Monday.
    hours = BusinessHours(timezone="Europe/Berlin")
    friday = dt.datetime(2025, 3, 28, 15, 0, tzinfo=UTC)  # 16:00 local, one hour before close
    due = business_hours_add(hours, friday, 3)
    assert due.astimezone(BERLIN) == dt.datetime(2025, 3, 31, 11, 0, tzinfo=BERLIN)
    assert due == dt.datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    assert business_hours_between(hours, friday, due) == 3


def test_add_across_fall_back_weekend_follows_the_wall_clock():
    hours = BusinessHours(timezone="America/New_York")
    # New York leaves summer time on Sunday 2 November 2025.
    friday = dt.datetime(2025, 10, 31, 16, 0, tzinfo=NEW_YORK)
    due = business_hours_add(hours, friday, 2)
    assert due == dt.datetime(2025, 11, 3, 10, 0, tzinfo=NEW_YORK)
    assert due.astimezone(UTC).hour == 15  # 10:00 EST, not EDT


def test_add_skips_a_public_holiday_inside_the_window():
    # Whit Monday, 9 June 2025, is a public holiday in Germany.
    hours = BusinessHours(timezone="Europe/Berlin", holiday_country="DE")
    friday = dt.datetime(2025, 6, 6, 16, 0, tzinfo=BERLIN)
    assert business_hours_add(hours, friday, 2) == dt.datetime(2025, 6, 10, 10, 0, tzinfo=BERLIN)
    without = BusinessHours(timezone="Europe/Berlin")
    assert business_hours_add(without, friday, 2) == dt.datetime(2025, 6, 9, 10, 0, tzinfo=BERLIN)


def test_add_skips_a_team_day_off():
    hours = BusinessHours(days_off=frozenset({dt.date(2025, 6, 3)}))
    monday = dt.datetime(2025, 6, 2, 16, 0, tzinfo=UTC)
    assert business_hours_add(hours, monday, 2) == dt.datetime(2025, 6, 4, 10, tzinfo=UTC)


def test_subdivision_holidays_apply_only_there():
    # Epiphany (6 January 2026, a Tuesday) is a holiday in Bavaria, not in Berlin.
    monday = dt.datetime(2026, 1, 5, 16, 0, tzinfo=BERLIN)
    bavaria = BusinessHours(timezone="Europe/Berlin", holiday_country="DE-BY")
    berlin = BusinessHours(timezone="Europe/Berlin", holiday_country="DE-BE")
    assert business_hours_add(bavaria, monday, 2).date() == dt.date(2026, 1, 7)
    assert business_hours_add(berlin, monday, 2).date() == dt.date(2026, 1, 6)


def test_days_end_counts_the_day_started_in_as_day_one():
    monday = dt.datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    assert business_days_end(DEFAULT_HOURS, monday, 1) == dt.datetime(2025, 6, 2, 17, tzinfo=UTC)
    assert business_days_end(DEFAULT_HOURS, monday, 5) == dt.datetime(2025, 6, 6, 17, tzinfo=UTC)
    evening = dt.datetime(2025, 6, 6, 18, 0, tzinfo=UTC)  # Friday after close
    assert business_days_end(DEFAULT_HOURS, evening, 1) == dt.datetime(2025, 6, 9, 17, tzinfo=UTC)


def test_between_when_end_is_before_start_is_negative():
    a = dt.datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    b = dt.datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    assert business_between(DEFAULT_HOURS, b, a) == -dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"workdays": frozenset()}, "workdays"),
        ({"day_start": dt.time(17), "day_end": dt.time(9)}, "end after it starts"),
        ({"holiday_country": "XX"}, "holidays package"),
    ],
)
def test_calendar_when_invalid_is_refused(kwargs, message):
    with pytest.raises(CalendarError, match=message):
        BusinessHours(**kwargs)


def test_naive_datetimes_are_refused():
    with pytest.raises(CalendarError, match="aware"):
        business_hours_add(DEFAULT_HOURS, dt.datetime(2025, 1, 1), 1)


@settings(max_examples=150, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=instants, n=minutes)
def test_adding_then_counting_gives_back_n(calendar, start, n):
    duration = dt.timedelta(minutes=n)
    end = business_add(calendar, start, duration)
    assert end >= start
    assert business_between(calendar, start, end) == duration


@settings(max_examples=150, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=instants, a=minutes, b=minutes)
def test_adding_is_monotonic(calendar, start, a, b):
    small, large = sorted((a, b))
    assert business_add(calendar, start, dt.timedelta(minutes=small)) <= business_add(
        calendar, start, dt.timedelta(minutes=large)
    )


@settings(max_examples=150, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), a=instants, b=instants, c=instants)
def test_counting_is_additive_and_bounded(calendar, a, b, c):
    a, b, c = sorted((a, b, c))
    ab, bc = business_between(calendar, a, b), business_between(calendar, b, c)
    assert ab + bc == business_between(calendar, a, c)
    assert dt.timedelta(0) <= ab <= b - a


@settings(max_examples=100, deadline=None)
@given(start=instants, n=st.integers(min_value=1, max_value=60 * 80))
def test_added_deadline_never_lands_on_a_holiday_or_weekend(start, n):
    calendar = BusinessHours(timezone="Europe/Berlin", holiday_country="DE")
    end = business_add(calendar, start, dt.timedelta(minutes=n))
    local = end.astimezone(BERLIN)
    assert calendar.is_working_day(local.date())
    assert dt.time(9) <= local.time() <= dt.time(17)
