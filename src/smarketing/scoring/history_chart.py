"""A contact's score over time as an inline SVG line: plain geometry, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320.0, 90.0, 6.0


@dataclass(frozen=True)
class HistoryChart:
    points: str  # the polyline's "x,y x,y …"
    zero_y: float  # where the zero line is
    low: float
    high: float
    first: dt.datetime
    last: dt.datetime
    width: float = WIDTH
    height: float = HEIGHT


def history_chart(
    points: Sequence[tuple[dt.datetime, float]], *, now: dt.datetime
) -> HistoryChart | None:
    """Scale (time, total) points into the chart box, holding the last value until `now`.
    None with fewer than two points: nothing to draw a line through."""
    if len(points) < 2:
        return None
    series = [*points, (max(now, points[-1][0]), points[-1][1])]
    first, last = series[0][0], series[-1][0]
    span = (last - first).total_seconds() or 1.0
    low = min(0.0, *(total for _, total in series))
    high = max(0.0, *(total for _, total in series))
    rise = (high - low) or 1.0

    def y(total: float) -> float:
        return round(PAD + (high - total) / rise * (HEIGHT - 2 * PAD), 1)

    coords = " ".join(
        f"{round(PAD + (at - first).total_seconds() / span * (WIDTH - 2 * PAD), 1)},{y(total)}"
        for at, total in series
    )
    return HistoryChart(coords, y(0.0), low, high, first, last)
