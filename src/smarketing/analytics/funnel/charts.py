"""Geometry of the funnel page's inline-SVG charts. Plain Python, no Django: counts in,
rectangles and labels out, which the template draws as they are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LABEL_WIDTH = 110  # stage names left of the funnel
FUNNEL_WIDTH = 420
FUNNEL_BAR = 22
FUNNEL_GAP = 6
TEXT_WIDTH = 150  # counts and conversion right of the funnel

AXIS_LEFT = 40
PLOT_HEIGHT = 150
COLUMN = 10
PERIOD_GAP = 14
TOP = 8
BOTTOM = 22

# The three groups' colours, in TOFU, MOFU, BOFU order.
GROUP_COLOURS = ("#84adff", "#2e6ae6", "#12b76a")
FUNNEL_COLOUR = "#2e6ae6"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # the tooltip


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start | middle | end


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    texts: list[Text]
    lines: list[Line]


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    rate: float | None  # conversion from the step above, None for the first or without base


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def funnel(steps: Sequence[FunnelStep]) -> Chart:
    """One centred bar per stage, as wide as its count against the widest."""
    widest = max((s.count for s in steps), default=0) or 1
    bars, texts = [], []
    for i, step in enumerate(steps):
        y = TOP + i * (FUNNEL_BAR + FUNNEL_GAP)
        width = max(FUNNEL_WIDTH * step.count / widest, 1.0 if step.count else 0.0)
        x = LABEL_WIDTH + (FUNNEL_WIDTH - width) / 2
        middle = y + FUNNEL_BAR / 2 + 4
        bars.append(Bar(x, y, width, FUNNEL_BAR, FUNNEL_COLOUR, f"{step.label}: {step.count}"))
        texts.append(Text(LABEL_WIDTH - 8, middle, step.label, "end"))
        note = f"{step.count:,}"
        if i:
            note += f"  ({_percent(step.rate)} of the step above)"
        texts.append(Text(LABEL_WIDTH + FUNNEL_WIDTH + 8, middle, note))
    height = TOP * 2 + len(steps) * (FUNNEL_BAR + FUNNEL_GAP)
    return Chart(LABEL_WIDTH + FUNNEL_WIDTH + TEXT_WIDTH + 40, height, bars, texts, [])


def _ticks(top: int) -> list[int]:
    """0, a middle and the top value of the axis."""
    return [0, top // 2, top] if top > 1 else [0, top]


def groups_over_time(periods: Sequence[tuple[str, Sequence[int]]]) -> Chart:
    """Per period, a column for each group (TOFU, MOFU, BOFU), as tall as its count."""
    top = max((n for _, counts in periods for n in counts), default=0)
    scale = PLOT_HEIGHT / (top or 1)
    base = TOP + PLOT_HEIGHT
    group_width = len(GROUP_COLOURS) * COLUMN
    bars, texts = [], []
    names = ("TOFU", "MOFU", "BOFU")
    for i, (label, counts) in enumerate(periods):
        left = AXIS_LEFT + PERIOD_GAP / 2 + i * (group_width + PERIOD_GAP)
        texts.append(Text(left + group_width / 2, base + 16, label, "middle"))
        for j, (count, colour) in enumerate(zip(counts, GROUP_COLOURS, strict=True)):
            height = count * scale
            title = f"{label}: {count} entered {names[j]}"
            bars.append(Bar(left + j * COLUMN, base - height, COLUMN - 1, height, colour, title))
    width = AXIS_LEFT + len(periods) * (group_width + PERIOD_GAP) + 8
    lines = []
    for tick in _ticks(top):
        y = base - tick * scale
        lines.append(Line(AXIS_LEFT, y, width, y))
        texts.append(Text(AXIS_LEFT - 4, y + 3, f"{tick:,}", "end"))
    return Chart(width, base + BOTTOM, bars, texts, lines)
