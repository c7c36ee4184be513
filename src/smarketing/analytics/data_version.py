"""The data version: a few aggregates that move whenever the rows a stored result read change.

Insights, attribution runs and report snapshots each store their result with the data version
they read, and compare it with the version now to tell whether the data has moved on. Each
part is an index-only lookup (the end of a primary key or an indexed column), a count, or an
aggregate over a small table, so the version costs one query of a few milliseconds even at
millions of rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models


@dataclass(frozen=True)
class Part:
    """`aggregate` ("MAX" or "COUNT") of `model`'s `column`, over the rows where the column
    `where[0]` equals `where[1]` when given."""

    name: str
    aggregate: str
    model: type[models.Model]
    column: str
    where: tuple[str, object] | None = None


def data_version(parts: Sequence[Part]) -> dict[str, Any]:
    """The parts' values now, by name, in one query. Datetimes as text (SQLite gives text,
    PostgreSQL datetimes; stored as JSON, both compare as the text)."""
    quote = connection.ops.quote_name
    selects, args = [], []
    for part in parts:
        where = ""
        if part.where is not None:
            where = f" WHERE {quote(part.where[0])} = %s"
            args.append(part.where[1])
        table = quote(part.model._meta.db_table)
        selects.append(f"(SELECT {part.aggregate}({quote(part.column)}) FROM {table}{where})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), args)
        row = cursor.fetchone()
    return {
        part.name: None if value is None else value if isinstance(value, int) else str(value)
        for part, value in zip(parts, row, strict=True)
    }
