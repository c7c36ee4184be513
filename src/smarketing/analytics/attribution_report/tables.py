"""A stored attribution result as plain tables (the funnel's Table, Cell and CSV writer): channel
by model, in conversions and in revenue. The page, the CSV download and the CLI read the same
numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from smarketing.analytics.attribution import MODELS
from smarketing.analytics.funnel.tables import Cell, Column, Table

CENT = Decimal("0.01")
MODEL_LABELS = {
    "first_touch": "First touch",
    "last_touch": "Last touch",
    "last_non_direct": "Last non-direct",
    "linear": "Linear",
    "u_shaped": "U-shaped",
    "w_shaped": "W-shaped",
    "time_decay": "Time decay",
    "markov": "Markov chain",
    "shapley": "Shapley value",
}
# One line each, in plain words; the whole story is in docs/analytics.md, "The models, in plain
# words".
MODEL_SUMMARIES = {
    "first_touch": "all the credit to the channel that first brought the buyer in.",
    "last_touch": "all the credit to the last channel before the deal was won.",
    "last_non_direct": "like last touch, skipping direct visits, which follow other work.",
    "linear": "every touch an equal share.",
    "u_shaped": "40% to the first touch, 40% to the last, 20% to those between.",
    "w_shaped": "30% each to the first touch and the touches that created the lead and the "
    "opportunity, 10% to the rest.",
    "time_decay": "recent touches count more: a touch's weight halves every half-life.",
    "markov": "data-driven: the conversions lost if the channel disappeared from every "
    "journey, converting or not.",
    "shapley": "data-driven: each channel's average contribution to the conversions of the "
    "channels it is touched with.",
}


def first_column(result: dict[str, Any]) -> str:
    return "Campaign" if result.get("params", {}).get("by") == "campaign" else "Channel"


def _number(value: float | None) -> Cell:
    return Cell(None if value is None else Decimal(str(value)).quantize(CENT))


def _measure(result: dict[str, Any], model: str, measure: str) -> dict[str, float]:
    return result["models"][model].get(measure) or {}


def _credit_table(result: dict[str, Any], *, measure: str, key: str, title: str) -> Table:
    models = [m for m in MODELS if m in result.get("models", {})]
    columns = [Column(first_column(result), "text")] + [Column(MODEL_LABELS[m]) for m in models]
    rows = []
    for channel in result.get("channels", []):
        cells = [Cell(channel["label"])]
        cells += [_number(_measure(result, m, measure).get(channel["key"], 0.0)) for m in models]
        rows.append(cells)
    total = [Cell("Total")] + [_number(sum(_measure(result, m, measure).values())) for m in models]
    return Table(key=key, title=title, columns=columns, rows=rows, total=total if rows else None)


def conversions_table(result: dict[str, Any]) -> Table:
    return _credit_table(
        result, measure="conversions", key="conversions", title="Conversions credited"
    )


def revenue_table(result: dict[str, Any]) -> Table:
    currency = result.get("currency") or ""
    return _credit_table(
        result, measure="value", key="revenue", title=f"Revenue credited ({currency})".strip()
    )


def attribution_table(result: dict[str, Any]) -> Table:
    """Both measures in one table, for the CSV: a conversions and a revenue column per model."""
    conversions, revenue = conversions_table(result), revenue_table(result)
    currency = result.get("currency") or ""
    columns = [Column(first_column(result), "text")]
    columns += [Column(f"{c.label} conversions") for c in conversions.columns[1:]]
    columns += [Column(f"{c.label} revenue {currency}".strip()) for c in revenue.columns[1:]]
    rows = [
        conversion_row + revenue_row[1:]
        for conversion_row, revenue_row in zip(conversions.rows, revenue.rows, strict=True)
    ]
    total = None
    if conversions.total and revenue.total:
        total = conversions.total + revenue.total[1:]
    return Table(
        key="attribution",
        title="Credit by channel and model",
        columns=columns,
        rows=rows,
        total=total,
    )
