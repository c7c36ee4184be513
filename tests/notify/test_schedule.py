"""Quiet hours, digest times and backoff: the plain clock arithmetic, DST included."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.notify.schedule import backoff, digest_due, quiet_until

UTC = dt.UTC
NIGHT = {"start": dt.time(22, 0), "end": dt.time(7, 0)}


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_quiet_until_when_inside_overnight_hours_is_the_next_morning():
    # 23:30 in Berlin (winter, UTC+1) → quiet until 07:00 Berlin = 06:00 UTC the next day.
    assert quiet_until(at=utc(2026, 1, 14, 22, 30), tz="Europe/Berlin", **NIGHT) == utc(
        2026, 1, 15, 6, 0
    )


def test_quiet_until_when_inside_after_midnight_is_the_same_morning():
    assert quiet_until(at=utc(2026, 1, 15, 2, 0), tz="Europe/Berlin", **NIGHT) == utc(
        2026, 1, 15, 6, 0
    )


@pytest.mark.parametrize("hour", [6, 12, 20])
def test_quiet_until_when_outside_is_none(hour):
    assert quiet_until(at=utc(2026, 1, 15, hour, 0), tz="Europe/Berlin", **NIGHT) is None


def test_quiet_until_across_a_spring_forward_night_ends_at_local_seven():
    # New York springs forward on 2026-03-08: 07:00 local is then EDT, UTC-4.
    assert quiet_until(at=utc(2026, 3, 8, 4, 0), tz="America/New_York", **NIGHT) == utc(
        2026, 3, 8, 11, 0
    )


def test_quiet_until_when_daytime_window_holds_only_inside():
    lunch = {"start": dt.time(12, 0), "end": dt.time(13, 0), "tz": "UTC"}
    assert quiet_until(at=utc(2026, 1, 15, 12, 30), **lunch) == utc(2026, 1, 15, 13, 0)
    assert quiet_until(at=utc(2026, 1, 15, 13, 0), **lunch) is None


def test_quiet_until_when_unset_is_none():
    assert quiet_until(at=utc(2026, 1, 15, 2), start=None, end=None, tz="UTC") is None


def test_digest_due_when_hourly_is_the_next_full_local_hour():
    due = digest_due(
        at=utc(2026, 1, 15, 10, 15), daily=False, tz="Asia/Kolkata", daily_at=dt.time(9)
    )
    # Kolkata is UTC+5:30: its full hours fall on the half hour in UTC.
    assert due == utc(2026, 1, 15, 10, 30)


def test_digest_due_when_daily_is_the_next_start_of_day():
    at = utc(2026, 1, 15, 10, 0)  # 11:00 in Berlin: today's 09:00 has passed
    due = digest_due(at=at, daily=True, tz="Europe/Berlin", daily_at=dt.time(9))
    assert due == utc(2026, 1, 16, 8, 0)


def test_backoff_doubles_up_to_an_hour():
    waits = [backoff(attempts=n).total_seconds() for n in range(1, 10)]
    assert waits[:4] == [60, 120, 240, 480]
    assert waits[-1] == 3600 and waits == sorted(waits)
