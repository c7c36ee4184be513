"""Geometry of the attribution page's grouped bar chart: per channel a group of horizontal bars,
one per model, as long as the credit against the largest. Plain Python, no Django; drawn by
analytics/_funnel_chart.html like the funnel's charts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from smarketing.analytics.funnel.charts import Bar, Chart, Line, Text

LABEL_WIDTH = 210  # channel names left of the bars
BAR_AREA = 400
BAR = 7
BAR_STEP = 8  # a bar and the hairline between two
GROUP_GAP = 12
RIGHT = 30
LEGEND_COLUMN = 150
LEGEND_ROW = 16
LEGEND_SWATCH = 10
AXIS_TEXT = 16
LABEL_CHARS = 30
# One colour per model, in MODELS order; the heuristics blues and greens, the data-driven ones
# warm, so the two families read apart.
COLOURS = (
    "#84adff",
    "#2e6ae6",
    "#1d3f8f",
    "#12b76a",
    "#6ce9a6",
    "#027a48",
    "#98a2b3",
    "#f79009",
    "#d92d20",
)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _legend(series: Sequence[str], *, width: float) -> tuple[list[Bar], list[Text], float]:
    """Swatches and names in rows across the chart; returns the height they take."""
    per_row = max(int(width // LEGEND_COLUMN), 1)
    swatches, texts = [], []
    for i, name in enumerate(series):
        x = (i % per_row) * LEGEND_COLUMN
        y = (i // per_row) * LEGEND_ROW
        colour = COLOURS[i % len(COLOURS)]
        swatches.append(Bar(x, y, LEGEND_SWATCH, LEGEND_SWATCH, colour, name))
        texts.append(Text(x + LEGEND_SWATCH + 4, y + LEGEND_SWATCH - 1, name))
    rows = -(-len(series) // per_row)
    return swatches, texts, rows * LEGEND_ROW + LEGEND_ROW / 2


def _axis(
    *, top: float, bottom: float, largest: float, fmt: Callable[[float], str]
) -> tuple[list[Line], list[Text]]:
    lines, texts = [], []
    for share in (0.0, 0.5, 1.0):
        x = LABEL_WIDTH + BAR_AREA * share
        lines.append(Line(x, top, x, bottom))
        texts.append(Text(x, bottom + AXIS_TEXT - 4, fmt(largest * share), "middle"))
    return lines, texts


def grouped_bars(
    groups: Sequence[tuple[str, Sequence[float]]],
    *,
    series: Sequence[str],
    fmt: Callable[[float], str] = lambda v: f"{v:,.1f}",
) -> Chart:
    """`groups`: (label, one value per series), drawn top to bottom in the order given; `fmt`
    writes a value for the tooltips and the axis."""
    width = LABEL_WIDTH + BAR_AREA + RIGHT
    swatches, texts, legend_height = _legend(series, width=width)
    largest = max((v for _, values in groups for v in values), default=0.0) or 1.0
    group_height = len(series) * BAR_STEP
    bars = list(swatches)
    for g, (label, values) in enumerate(groups):
        top = legend_height + g * (group_height + GROUP_GAP)
        texts.append(Text(LABEL_WIDTH - 8, top + group_height / 2 + 4, _short(label), "end"))
        for s, value in enumerate(values):
            length = max(BAR_AREA * value / largest, 1.0 if value else 0.0)
            title = f"{label}, {series[s]}: {fmt(value)}"
            colour = COLOURS[s % len(COLOURS)]
            bars.append(Bar(LABEL_WIDTH, top + s * BAR_STEP, length, BAR, colour, title))
    bottom = legend_height + len(groups) * (group_height + GROUP_GAP)
    lines, axis_texts = _axis(top=legend_height, bottom=bottom, largest=largest, fmt=fmt)
    return Chart(width, bottom + AXIS_TEXT, bars, texts + axis_texts, lines)
