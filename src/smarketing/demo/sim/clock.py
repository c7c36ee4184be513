"""Adding business hours to an instant, in a team's time zone (for when reps act)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Calendar:
    tz: ZoneInfo
    workdays: frozenset[int]  # ISO weekdays
    day_start: dt.time
    day_end: dt.time

    @classmethod
    def of(cls, *, timezone: str, workdays: str, day_start: dt.time, day_end: dt.time) -> Calendar:
        return cls(ZoneInfo(timezone), frozenset(int(d) for d in workdays), day_start, day_end)


def add_business_hours(start: dt.datetime, hours: float, calendar: Calendar) -> dt.datetime:
    """The instant `hours` working hours after `start` (an aware datetime), in UTC."""
    left = dt.timedelta(hours=hours)
    local = start.astimezone(calendar.tz)
    for _ in range(3660):  # ten years of days: far beyond any delay the demo draws
        day = local.date()
        opens = dt.datetime.combine(day, calendar.day_start, calendar.tz)
        closes = dt.datetime.combine(day, calendar.day_end, calendar.tz)
        if day.isoweekday() in calendar.workdays and local < closes:
            begin = max(local, opens)
            if begin + left <= closes:
                return (begin + left).astimezone(dt.UTC)
            left -= closes - begin
        local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), calendar.tz)
    raise ValueError(f"{hours} business hours do not fit in ten years of this calendar")
