"""The performance page's chart: one horizontal bar per row, as long as its value against the
largest. Plain Python, no Django; drawn by analytics/_funnel_chart.html like the funnel's charts."""

from __future__ import annotations

from collections.abc import Sequence

from smarketing.analytics.funnel.charts import Bar, Chart, Text

LABEL_WIDTH = 200
BAR_AREA = 420
BAR = 16
GAP = 6
TOP = 6
TEXT_WIDTH = 150
COLOUR = "#2e6ae6"
LABEL_CHARS = 27


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bars(items: Sequence[tuple[str, float, str]]) -> Chart:
    """`items`: (label, value, the value as text), drawn in the order given."""
    widest = max((value for _, value, _ in items), default=0.0) or 1.0
    shapes, texts = [], []
    for i, (label, value, text) in enumerate(items):
        y = TOP + i * (BAR + GAP)
        width = max(BAR_AREA * value / widest, 1.0 if value else 0.0)
        middle = y + BAR / 2 + 4
        shapes.append(Bar(LABEL_WIDTH, y, width, BAR, COLOUR, f"{label}: {text}"))
        texts.append(Text(LABEL_WIDTH - 8, middle, _short(label), "end"))
        texts.append(Text(LABEL_WIDTH + width + 6, middle, text))
    height = TOP * 2 + len(items) * (BAR + GAP)
    return Chart(LABEL_WIDTH + BAR_AREA + TEXT_WIDTH, height, shapes, texts, [])
