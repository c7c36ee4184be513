"""Geometry of the compliance page's inline-SVG bar charts. Plain Python, no Django: shares
(0..1, or None when nothing was assigned) in, rectangles and labels out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The three shares the report charts, in this order, with their colours.
SERIES = (
    ("accepted", "Accepted in time", "#2e6ae6"),
    ("first_touch", "First touch in time", "#12b76a"),
    ("cadence", "Cadence completed", "#f79009"),
)

LABEL_WIDTH = 190  # the names left of a horizontal chart
BAR_AREA = 380
BAR = 9
BAR_GAP = 2
ROW_GAP = 12
TOP = 4

COLUMN_BAR = 12
GROUP_GAP = 18
PLOT_HEIGHT = 140
AXIS_LEFT = 34


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # the tooltip: what and how many
    text: str  # the share written beside or above the bar
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    labels: list[Label]
    gridlines: Sequence[tuple[float, float, float, float, str]]  # x1, y1, x2, y2, label


@dataclass(frozen=True)
class Group:
    """One rep, team or month: its label and its shares with their counts."""

    label: str
    shares: tuple[float | None, ...]  # one per SERIES
    counts: tuple[str, ...]  # "3 of 4", for the tooltips


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def horizontal(groups: list[Group]) -> Chart:
    """A row per group, one bar per series, bars as long as the share."""
    row_height = len(SERIES) * (BAR + BAR_GAP) - BAR_GAP
    bars, labels = [], []
    for i, group in enumerate(groups):
        top = TOP + i * (row_height + ROW_GAP)
        labels.append(Label(x=LABEL_WIDTH - 8, y=top + row_height / 2 + 4, text=group.label))
        for j, ((_, name, colour), share, count) in enumerate(
            zip(SERIES, group.shares, group.counts, strict=True)
        ):
            y = top + j * (BAR + BAR_GAP)
            width = BAR_AREA * (share or 0)
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR,
                    colour=colour,
                    title=f"{group.label}: {name.lower()} {_percent(share)} ({count})",
                    text=_percent(share),
                    text_x=LABEL_WIDTH + width + 4,
                    text_y=y + BAR - 1,
                )
            )
    height = TOP * 2 + len(groups) * (row_height + ROW_GAP)
    grid = [
        (LABEL_WIDTH + BAR_AREA * f, 0, LABEL_WIDTH + BAR_AREA * f, height - ROW_GAP, f"{f:.0%}")
        for f in (0, 0.5, 1)
    ]
    return Chart(
        width=LABEL_WIDTH + BAR_AREA + 40, height=height, bars=bars, labels=labels, gridlines=grid
    )


def columns(groups: list[Group]) -> Chart:
    """Months left to right, a column per series, as tall as the share."""
    group_width = len(SERIES) * COLUMN_BAR
    bars, labels = [], []
    base = TOP + 12 + PLOT_HEIGHT
    for i, group in enumerate(groups):
        left = AXIS_LEFT + GROUP_GAP / 2 + i * (group_width + GROUP_GAP)
        labels.append(Label(x=left + group_width / 2, y=base + 16, text=group.label))
        for j, ((_, name, colour), share, count) in enumerate(
            zip(SERIES, group.shares, group.counts, strict=True)
        ):
            height = PLOT_HEIGHT * (share or 0)
            x = left + j * COLUMN_BAR
            bars.append(
                Bar(
                    x=x,
                    y=base - height,
                    width=COLUMN_BAR - 1,
                    height=height,
                    colour=colour,
                    title=f"{group.label}: {name.lower()} {_percent(share)} ({count})",
                    text="",
                    text_x=x,
                    text_y=base - height,
                )
            )
    width = AXIS_LEFT + len(groups) * (group_width + GROUP_GAP) + 8
    grid = [
        (AXIS_LEFT, base - PLOT_HEIGHT * f, width, base - PLOT_HEIGHT * f, f"{f:.0%}")
        for f in (0, 0.5, 1)
    ]
    return Chart(width=width, height=base + 22, bars=bars, labels=labels, gridlines=grid)
