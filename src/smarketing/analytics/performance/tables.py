"""Performance as plain tables (the funnel's Table, Cell and CSV writer): the page, the CSV
downloads and `smarketing performance` print the same numbers.

Money columns come one per currency ("Revenue (USD)", "Revenue (EUR)"), since amounts in two
currencies are never added; cost per stage and ROI are given for a row whose cost is in a single
currency (and, for ROI, whose revenue is in that currency too)."""

from __future__ import annotations

from decimal import Decimal

from smarketing.analytics.funnel.tables import Cell, Column, Table
from smarketing.analytics.performance.report import (
    STAGES,
    Dimension,
    Money,
    Performance,
    Row,
)
from smarketing.content.models import FunnelStage
from smarketing.deals.models import Deal
from smarketing.lifecycle.stages import Stage

TITLES = {
    Dimension.CHANNEL: "By original source channel",
    Dimension.CAMPAIGN: "By first-touch campaign",
    Dimension.CONTENT: "By content asset",
}
FIRST_COLUMN = {Dimension.CHANNEL: "Channel", Dimension.CAMPAIGN: "Campaign"}
COST_PER = (Stage.LEAD, Stage.MQL, Stage.CUSTOMER)
FUNNEL_LABELS = dict(FunnelStage.choices)
DEFAULT_CURRENCY = str(Deal._meta.get_field("currency").default)


def _currencies(rows: list[Row], name: str) -> list[str]:
    found = sorted({c for row in rows for c in getattr(row, name)})
    return found or [DEFAULT_CURRENCY]


def _money(money: Money, currency: str) -> Cell:
    return Cell(money.get(currency, Decimal(0)).quantize(Decimal("0.01")))


def _money_columns(label: str, currencies: list[str]) -> list[Column]:
    return [Column(f"{label} ({c})") for c in currencies]


def _sourced_cells(row: Row, money: dict[str, list[str]]) -> list[Cell]:
    cells = [Cell(row.label)]
    cells += [Cell(row.stages[s.value]) for s in STAGES]
    cells.append(Cell(row.won))
    for name in ("revenue", "pipeline", "cost"):
        cells += [_money(getattr(row, name), c) for c in money[name]]
    for stage in COST_PER:
        per = row.cost_per(stage.value)
        cells.append(Cell(f"{per[1]} {per[0]}" if per else None))
    roi = row.roi
    cells.append(Cell(None if roi is None else f"{roi:.0%}"))
    return cells


def sourced_table(result: Performance) -> Table:
    rows = result.rows
    money = {name: _currencies(rows, name) for name in ("revenue", "pipeline", "cost")}
    columns = [Column(FIRST_COLUMN[result.dimension], "text")]
    columns += [Column(s.label) for s in STAGES]
    columns.append(Column("Deals won"))
    columns += _money_columns("Revenue", money["revenue"])
    columns += _money_columns("Pipeline", money["pipeline"])
    columns += _money_columns("Cost", money["cost"])
    columns += [Column(f"Cost per {s.label.lower()}", "text") for s in COST_PER]
    columns.append(Column("ROI", "text"))
    return Table(
        key=result.dimension.value,
        title=TITLES[result.dimension],
        columns=columns,
        rows=[_sourced_cells(r, money) for r in rows],
        total=_sourced_cells(result.total, money) if result.total else None,
    )


def content_table(result: Performance) -> Table:
    currencies = _currencies(result.rows, "revenue")
    columns = [Column("Content", "text"), Column("Funnel stage", "text"), Column("Read by")]
    columns += [Column(f"Then {s.label}", with_share=True) for s in STAGES]
    columns.append(Column("Won deals influenced"))
    columns += _money_columns("Revenue influenced", currencies)
    columns += [Column("Sent by sales"), Column("Contacts sales sent it to")]
    rows = []
    for row in result.rows:
        cells = [
            Cell(row.label),
            Cell(FUNNEL_LABELS.get(row.funnel_stage, "")),
            Cell(row.consumers),
        ]
        cells += [
            Cell(
                row.stages[s.value], row.stages[s.value] / row.consumers if row.consumers else None
            )
            for s in STAGES
        ]
        cells.append(Cell(row.won))
        cells += [_money(row.revenue, c) for c in currencies]
        cells += [Cell(row.sales_sent), Cell(row.sales_contacts)]
        rows.append(cells)
    return Table(key="content", title=TITLES[Dimension.CONTENT], columns=columns, rows=rows)


def performance_table(result: Performance) -> Table:
    if result.dimension == Dimension.CONTENT:
        return content_table(result)
    return sourced_table(result)
