"""Each health metric's small chart: a column per month, as tall as its rate (0-100%), months
still running (or not settled yet) lighter. Plain Python, no Django; drawn by
analytics/_funnel_chart.html."""

from __future__ import annotations

from collections.abc import Sequence

from smarketing.analytics.funnel.charts import Bar, Chart, Line, Text
from smarketing.analytics.health.trend import Month, percent

COLUMN = 26
GAP = 8
PLOT = 60
TOP = 14
BOTTOM = 16
DONE = "#2e6ae6"
RUNNING = "#9db8f4"


def sparkline(months: Sequence[Month]) -> Chart:
    bars, texts = [], []
    base = TOP + PLOT
    for i, month in enumerate(months):
        x = GAP + i * (COLUMN + GAP)
        rate = month.rate
        height = PLOT * rate if rate is not None else 0.0
        colour = DONE if month.complete else RUNNING
        title = f"{month.label}: {percent(rate)} ({month.numerator} of {month.denominator})"
        if not month.complete:
            title += ", not settled yet"
        bars.append(Bar(x, base - height, COLUMN, height, colour, title))
        texts.append(Text(x + COLUMN / 2, base - height - 3, percent(rate), "middle"))
        texts.append(Text(x + COLUMN / 2, base + 12, month.label[5:], "middle"))
    width = GAP + len(months) * (COLUMN + GAP)
    return Chart(width, base + BOTTOM, bars, texts, [Line(0, base, width, base)])
