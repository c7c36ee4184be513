"""Running an import over the rows of a CSV: the one code path the CLI, the web UI and the queue
task share.

Every row is written inside its own savepoint, so a row that fails leaves nothing half-written.
Partial imports commit in chunks (a failing row costs only itself); `atomic` and `dry_run` run the
whole file in one transaction and roll it back at the end when any row failed (atomic) or always
(dry run), so their counts say what would have happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction

from smarketing.errors import InvalidInput
from smarketing.imports import writers
from smarketing.imports.csvfile import CsvRow, CsvTable, read_csv
from smarketing.imports.mappings import (
    ColumnMapping,
    FileError,
    Format,
    Kind,
    ParsedRow,
    build_mapping,
    field_value_text,
    overrides_parse,
    parse_row,
)
from smarketing.org import permissions

CHUNK = 200
MAPPING_CHOICES = ("auto", *(f.value for f in Format))

UPSERTS: dict[Kind, Callable[[writers.Context, dict[str, Any]], str]] = {
    Kind.CONTACTS: writers.contact_upsert,
    Kind.ACCOUNTS: writers.account_upsert,
    Kind.DEALS: writers.deal_upsert,
    Kind.ACTIVITIES: writers.activity_upsert,
}


@dataclass(frozen=True)
class Rejected:
    line: int
    errors: list[tuple[str, str]]  # (column, reason); the column is "" for the row as a whole
    cells: list[str]

    @property
    def column(self) -> str:
        return "; ".join(dict.fromkeys(c for c, _ in self.errors if c))

    @property
    def message(self) -> str:
        return "; ".join(f"{c}: {r}" if c else r for c, r in self.errors)

    @property
    def reason(self) -> str:
        """The reason alone when one column is at fault, else each with its column."""
        return self.errors[0][1] if len(self.errors) == 1 else self.message


@dataclass(frozen=True)
class RowOutcome:
    """One row as the preview shows it: parsed values by our field, and what happened."""

    line: int
    outcome: str  # created, updated, unchanged or rejected
    values: dict[str, str]
    errors: list[tuple[str, str]]


@dataclass
class ImportResult:
    kind: Kind
    format_label: str
    dry_run: bool
    atomic: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = False  # whether anything was committed

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        text = (
            f"{self.total} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        if self.accounts_created:
            text += f" (and {self.accounts_created} accounts created for them)"
        if self.dry_run:
            text += ". Dry run: nothing was written"
        elif self.atomic and self.rejected:
            text += ". --atomic: nothing was written because rows were rejected"
        return text


def mapping_load(choice: str) -> tuple[Format | None, dict[str, str | None]]:
    """`auto`, a format name, or a path to a JSON mapping file → (format or None, overrides)."""
    if choice in MAPPING_CHOICES:
        return (None if choice == "auto" else Format(choice)), {}
    path = Path(choice)
    if not path.is_file():
        raise FileError(
            f"--mapping {choice!r} is neither {', '.join(MAPPING_CHOICES)} nor a JSON file"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileError(f"the mapping file {choice} is not valid JSON ({exc})") from None
    return None, overrides_parse(data)


def import_prepare(
    data: bytes,
    *,
    kind: Kind,
    format: Format | None = None,
    overrides: dict[str, str | None] | None = None,
    encoding: str | None = None,
) -> tuple[CsvTable, ColumnMapping]:
    """Read the file and map its columns; a FileError here means no row was looked at."""
    table = read_csv(data, encoding=encoding)
    mapping = build_mapping(kind, table.header, format=format, overrides=overrides)
    return table, mapping


def import_run(
    *,
    table: CsvTable,
    mapping: ColumnMapping,
    source_name: str,
    dry_run: bool = False,
    atomic: bool = False,
    day_first: bool = False,
    by_user: Any = None,
    rows: Sequence[CsvRow] | None = None,
    keep_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    checkpoint: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import `rows` (default: every row of the table). `checkpoint` is called after each commit."""
    todo = list(table.rows if rows is None else rows)
    result = ImportResult(mapping.kind, mapping.label, dry_run=dry_run, atomic=atomic)
    # The history's rule column holds 200 characters; a long file name must not fail every row.
    ctx = writers.Context(
        by_rule=f"import: {source_name}"[:200],
        by_user=by_user,
        own_activities_only=by_user is not None and not permissions.can(by_user, "import.run"),
    )
    one_transaction = dry_run or atomic
    step = len(todo) if one_transaction else CHUNK
    for start in range(0, len(todo), max(step, 1)):
        with transaction.atomic():
            for row in todo[start : start + step]:
                _run_row(ctx, mapping, row, result, day_first=day_first, keep_rows=keep_rows)
                if progress:
                    progress(result.total)
            if dry_run or (atomic and result.rejected):
                transaction.set_rollback(True)
        if checkpoint and not one_transaction:
            checkpoint(result)
    result.written = not dry_run and not (atomic and result.rejected)
    result.accounts_created = ctx.accounts_created
    return result


def _run_row(
    ctx: writers.Context,
    mapping: ColumnMapping,
    row: CsvRow,
    result: ImportResult,
    *,
    day_first: bool,
    keep_rows: bool,
) -> None:
    result.total += 1
    parsed, outcome = ParsedRow(), "rejected"
    if row.error:
        errors = [(row.error_column, row.error)]
    else:
        parsed = parse_row(mapping, row.cells, day_first=day_first)
        errors = parsed.errors
        if not errors:
            outcome, errors = _write(ctx, mapping.kind, parsed)
    if errors:
        result.rejected.append(Rejected(row.line, errors, row.cells))
    else:
        setattr(result, outcome, getattr(result, outcome) + 1)
    if keep_rows:
        values = {name: field_value_text(value) for name, value in parsed.values.items()}
        result.rows.append(RowOutcome(row.line, outcome, values, errors))


def _write(
    ctx: writers.Context, kind: Kind, parsed: ParsedRow
) -> tuple[str, list[tuple[str, str]]]:
    """Write the row in a savepoint: its outcome, or "rejected" and the (column, reason)s."""
    accounts_before = ctx.accounts_created
    try:
        with transaction.atomic():
            return UPSERTS[kind](ctx, parsed.values), []
    except writers.RowRejected as exc:
        errors = [(_column(parsed, exc.field_name), exc.reason)]
    except InvalidInput as exc:
        errors = [
            (_column(parsed, name), reason)
            for name, reasons in exc.errors.items()
            for reason in reasons
        ]
    except DatabaseError as exc:
        # A constraint the services did not foresee (or a concurrent write): the row only.
        errors = [("", f"the database refused the row ({exc})")]
    ctx.accounts_created = accounts_before
    return "rejected", errors


def _column(parsed: ParsedRow, name: str) -> str:
    """The CSV column behind a field a writer or service named."""
    for candidate in (name, *writers.SERVICE_FIELDS.get(name, ())):
        if candidate in parsed.columns:
            return parsed.columns[candidate]
    return "" if name == "__all__" else name
