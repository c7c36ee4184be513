"""Business-hours arithmetic: plain Python over zoneinfo and the `holidays` package, no Django.

A calendar is a time zone, the ISO weekdays worked, the working day's start and end in local
time, and the days off (public holidays of a country and a team's own). Working intervals are
built per local date and converted to UTC, so a daylight-saving change moves the hours with
the wall clock: 9-17 in Berlin is 8-16 UTC in winter and 7-15 UTC in summer.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

import holidays as holidays_lib

UTC = dt.UTC

# Scanning stops after this many local days without finding an hour to count in.
MAX_DAYS_SCANNED = 3 * 366


class CalendarError(ValueError):
    """The calendar cannot be used: an unknown zone or country, no workday, a day that ends
    before it starts, or no working hour within years."""


@dataclass(frozen=True)
class BusinessHours:
    timezone: str = "UTC"
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(17, 0)
    holiday_country: str = ""
    days_off: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"{self.timezone!r} is not a known time zone") from None
        if not self.workdays or not self.workdays <= set(range(1, 8)):
            raise CalendarError("workdays are ISO weekdays 1 (Mon) to 7 (Sun), at least one")
        if self.day_start >= self.day_end:
            raise CalendarError("the working day must end after it starts")
        if self.holiday_country:
            _public_holidays(self.holiday_country, 2000)  # fails early on an unknown code

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def is_working_day(self, day: dt.date) -> bool:
        if day.isoweekday() not in self.workdays or day in self.days_off:
            return False
        return not (
            self.holiday_country and day in _public_holidays(self.holiday_country, day.year)
        )


# The documented fallback for a rep with no hours and no team: Monday to Friday, 9-17 UTC.
DEFAULT_HOURS = BusinessHours()


@functools.lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[dt.date]:
    """Public holidays of `country` ("DE", or with a subdivision "DE-BY") in `year`."""
    code, _, subdivision = country.upper().partition("-")
    try:
        days = holidays_lib.country_holidays(code, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        raise CalendarError(f"{country!r} is not a country the holidays package knows") from None
    return frozenset(days.keys())


def public_holidays(country: str, year: int) -> dict[dt.date, str]:
    """The named public holidays of a year, for showing on the settings page."""
    code, _, subdivision = country.upper().partition("-")
    try:
        days = holidays_lib.country_holidays(code, subdiv=subdivision or None, years=year)
    except NotImplementedError:
        raise CalendarError(f"{country!r} is not a country the holidays package knows") from None
    return dict(sorted(days.items()))


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise CalendarError("business-hours arithmetic needs aware datetimes")
    return moment.astimezone(UTC)


def intervals(
    hours: BusinessHours, start_day: dt.date
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals in UTC from the local date `start_day` on, in order, without end."""
    zone = hours.zone
    day = start_day
    idle = 0
    while True:
        if hours.is_working_day(day):
            idle = 0
            opens = dt.datetime.combine(day, hours.day_start, tzinfo=zone).astimezone(UTC)
            closes = dt.datetime.combine(day, hours.day_end, tzinfo=zone).astimezone(UTC)
            if closes > opens:  # a day shortened to nothing by a DST jump is skipped
                yield opens, closes
        else:
            idle += 1
            if idle > MAX_DAYS_SCANNED:
                raise CalendarError("no working hour within three years: check the days off")
        day += dt.timedelta(days=1)


def _local_day(hours: BusinessHours, moment: dt.datetime) -> dt.date:
    # One day back: an interval that started on the previous local date may still be open.
    return moment.astimezone(hours.zone).date() - dt.timedelta(days=1)


def business_add(hours: BusinessHours, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """The instant `duration` of business time after `start` (a start outside business hours
    counts from the next opening). A zero duration is `start` itself."""
    start = _aware(start)
    if duration < dt.timedelta(0):
        raise CalendarError("a business duration cannot be negative")
    if duration == dt.timedelta(0):
        return start
    left = duration
    for opens, closes in intervals(hours, _local_day(hours, start)):
        if closes <= start:
            continue
        begin = max(opens, start)
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    raise AssertionError("unreachable: intervals() never ends")  # pragma: no cover


def business_between(hours: BusinessHours, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Business time from `start` to `end`; negative when `end` is before `start`."""
    start, end = _aware(start), _aware(end)
    if end < start:
        return -business_between(hours, end, start)
    total = dt.timedelta(0)
    for opens, closes in intervals(hours, _local_day(hours, start)):
        if opens >= end:
            break
        if closes <= start:
            continue
        total += min(closes, end) - max(opens, start)
    return total


def business_hours_add(hours: BusinessHours, start: dt.datetime, count: float) -> dt.datetime:
    return business_add(hours, start, dt.timedelta(hours=count))


def business_hours_between(hours: BusinessHours, start: dt.datetime, end: dt.datetime) -> float:
    return business_between(hours, start, end) / dt.timedelta(hours=1)


def business_days_end(hours: BusinessHours, start: dt.datetime, days: int) -> dt.datetime:
    """The close of the `days`-th working day counted from `start`: day 1 is the working day
    `start` falls in (or the next one, when it falls after hours or on a day off)."""
    start = _aware(start)
    if days < 1:
        raise CalendarError("a number of business days is at least 1")
    seen = 0
    for _opens, closes in intervals(hours, _local_day(hours, start)):
        if closes <= start:
            continue
        seen += 1
        if seen == days:
            return closes
    raise AssertionError("unreachable: intervals() never ends")  # pragma: no cover
