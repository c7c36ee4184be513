"""When an outside delivery may go: quiet hours, digest times and retry backoff. Plain Python
(no Django) so the clock arithmetic, daylight-saving changes included, is tested alone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = dt.UTC

# Retries wait 1, 2, 4, 8 … minutes, never more than an hour.
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)


def quiet_until(
    *, at: dt.datetime, start: dt.time | None, end: dt.time | None, tz: str
) -> dt.datetime | None:
    """The end of the quiet hours `at` falls in (UTC), or None when it falls outside them.

    Quiet hours are a local wall-clock window in `tz`; one that starts after it ends spans
    midnight (22:00-07:00). No start or end, or start == end, means no quiet hours."""
    if start is None or end is None or start == end:
        return None
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        if not start <= now < end:
            return None
        end_day = day
    elif now >= start:
        end_day = day + dt.timedelta(days=1)
    elif now < end:
        end_day = day
    else:
        return None
    return _local(end_day, end, zone)


def digest_due(*, at: dt.datetime, daily: bool, tz: str, daily_at: dt.time) -> dt.datetime:
    """When the digest holding an alert recorded at `at` goes out (UTC): the next full local
    hour, or for a daily digest the next `daily_at` local time."""
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    if not daily:
        hour = local.replace(minute=0, second=0, microsecond=0)
        return (hour.astimezone(UTC) + dt.timedelta(hours=1)).astimezone(UTC)
    due = _local(local.date(), daily_at, zone)
    if due <= at:
        due = _local(local.date() + dt.timedelta(days=1), daily_at, zone)
    return due


def backoff(*, attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try."""
    if attempts < 1:
        return dt.timedelta(0)
    # 2**20 minutes is far past the cap; bounding the exponent keeps the number small.
    factor: int = 2 ** min(attempts - 1, 20)
    return min(BACKOFF_BASE * factor, BACKOFF_CAP)


def _local(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A local wall-clock time as UTC. A time skipped by a spring-forward change is read with
    the offset before the change (so 02:30 becomes 03:30 local); a repeated one takes the
    first of the two."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(UTC)
