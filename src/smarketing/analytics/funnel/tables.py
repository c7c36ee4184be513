"""The funnel's tables as plain rows: the page shows them, the CSV downloads and the CLI print
them, so all three always carry the same numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from smarketing.analytics.funnel import report
from smarketing.analytics.funnel.filters import FunnelFilters
from smarketing.analytics.funnel.maths import Group, rate
from smarketing.analytics.funnel.report import (
    COHORT_STAGES,
    Cohort,
    Conversion,
    Entries,
    Leakage,
    StageEntries,
    Velocity,
)
from smarketing.lifecycle.stages import FUNNEL, Stage


@dataclass(frozen=True)
class Cell:
    """A value, and for counts that are part of a whole, their share of it."""

    value: str | int | float | Decimal | None
    share: float | None = None


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "count"  # text | count | days
    with_share: bool = False  # the CSV adds a "<label> share" column


@dataclass(frozen=True)
class Table:
    key: str  # in the CSV's URL and file name, and `--table` of the CLI
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    total: list[Cell] | None = None  # a last row set apart


def _label(stage: str) -> str:
    return Stage(stage).label


def _entries_cells(row: StageEntries) -> list[Cell]:
    cells = [Cell(row.label)]
    cells += [Cell(row.stages[s.value]) for s in Stage]
    cells += [Cell(row.groups[g.value]) for g in Group]
    return cells


def entries_table(entries: Entries) -> Table:
    columns = [Column("Period", "text")]
    columns += [Column(s.label) for s in Stage]
    columns += [Column(g.value.upper()) for g in Group]
    return Table(
        key="entries",
        title="Contacts entering each stage",
        columns=columns,
        rows=[_entries_cells(p) for p in entries.periods],
        total=_entries_cells(entries.total),
    )


def conversions_table(rows: list[Conversion]) -> Table:
    columns = [Column("From stage", "text"), Column("Entered")]
    columns += [Column(f"Reached {s.label}", with_share=True) for s in FUNNEL[1:]]
    out = []
    for row in rows:
        cells = [Cell(_label(row.stage)), Cell(row.entered)]
        for later in FUNNEL[1:]:
            if later.value in row.reached:
                cells.append(Cell(row.reached[later.value], row.rate(later.value)))
            else:
                cells.append(Cell(None))
        out.append(cells)
    return Table("conversions", "Stage-to-stage conversion", columns, out)


def cohorts_table(rows: list[Cohort]) -> Table:
    columns = [Column("Became a lead in", "text"), Column("Contacts")]
    columns += [Column(f"Reached {s.label}", with_share=True) for s in COHORT_STAGES]
    out = [
        [Cell(c.label), Cell(c.size)]
        + [Cell(c.reached[s.value], c.rate(s.value)) for s in COHORT_STAGES]
        for c in rows
    ]
    return Table("cohorts", "Lead cohorts", columns, out)


def velocity_table(rows: list[Velocity]) -> Table:
    columns = [
        Column("Stage", "text"),
        Column("Stays measured"),
        Column("Median days", "days"),
        Column("p75 days", "days"),
    ]
    out = [
        [
            Cell(_label(v.stage)),
            Cell(v.days.n),
            Cell(None if v.days.median is None else round(v.days.median, 1)),
            Cell(None if v.days.p75 is None else round(v.days.p75, 1)),
        ]
        for v in rows
    ]
    return Table("velocity", "Velocity: days in each stage", columns, out)


def leakage_table(leakage: Leakage) -> Table:
    whole = leakage.population
    columns = [
        Column("Furthest stage", "text"),
        Column("Stopped here", with_share=True),
        Column("Still open"),
        Column("Recycled"),
        Column("Disqualified"),
    ]
    out = [
        [
            Cell(_label(leak.stage)),
            Cell(leak.stopped, rate(leak.stopped, whole)),
            Cell(leak.open),
            Cell(leak.recycled),
            Cell(leak.disqualified),
        ]
        for leak in leakage.leaks
    ]
    total = [
        Cell("Became customers"),
        Cell(leakage.customers, rate(leakage.customers, whole)),
        Cell(None),
        Cell(None),
        Cell(None),
    ]
    return Table("leakage", "Leakage: where contacts stop", columns, out, total)


def reasons_table(leakage: Leakage) -> Table:
    columns = [
        Column("Reason", "text"),
        Column("Kind", "text"),
        Column("Left stage", "text"),
        Column("Moved to", "text"),
        Column("Contacts"),
    ]
    out = [
        [
            Cell(r.label),
            Cell(r.kind),
            Cell(_label(r.from_stage) if r.from_stage else ""),
            Cell(_label(r.to_stage)),
            Cell(r.contacts),
        ]
        for r in leakage.reasons
    ]
    return Table("reasons", "Reasons given", columns, out)


TABLE_KEYS = ("entries", "conversions", "cohorts", "velocity", "leakage", "reasons")


def table_csv(table: Table) -> str:
    """The table as CSV: shares as fractions in their own columns, empty for no value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = []
    for column in table.columns:
        header.append(column.label)
        if column.with_share:
            header.append(f"{column.label} share")
    writer.writerow(header)
    rows = table.rows + ([table.total] if table.total else [])
    for row in rows:
        line: list[object] = []
        for column, cell in zip(table.columns, row, strict=True):
            line.append("" if cell.value is None else cell.value)
            if column.with_share:
                line.append("" if cell.share is None else round(cell.share, 4))
        writer.writerow(line)
    return buffer.getvalue()


def cell_text(cell: Cell) -> str:
    """How a cell reads on the page and in the terminal: "12 (40%)", "—" for no value."""
    if cell.value is None:
        return "—"
    text = f"{cell.value:,}" if isinstance(cell.value, int | Decimal) else str(cell.value)
    if cell.share is not None:
        text += f" ({cell.share:.0%})"
    return text


def table_build(key: str, *, filters: FunnelFilters, now: dt.datetime) -> Table:
    """One table by its key, computing only the section it needs."""
    if key == "entries":
        return entries_table(report.entries(filters=filters, now=now))
    if key == "conversions":
        return conversions_table(report.conversions(filters=filters, now=now))
    if key == "cohorts":
        return cohorts_table(report.cohorts(filters=filters, now=now))
    if key == "velocity":
        return velocity_table(report.velocity(filters=filters, now=now))
    if key == "leakage":
        return leakage_table(report.leakage(filters=filters, now=now))
    if key == "reasons":
        return reasons_table(report.leakage(filters=filters, now=now))
    raise ValueError(f"no funnel table {key!r} (tables: {', '.join(TABLE_KEYS)})")


def tables_build(*, filters: FunnelFilters, now: dt.datetime) -> list[Table]:
    """Every table, leakage computed once for its two tables."""
    leakage = report.leakage(filters=filters, now=now)
    return [
        entries_table(report.entries(filters=filters, now=now)),
        conversions_table(report.conversions(filters=filters, now=now)),
        cohorts_table(report.cohorts(filters=filters, now=now)),
        velocity_table(report.velocity(filters=filters, now=now)),
        leakage_table(leakage),
        reasons_table(leakage),
    ]
