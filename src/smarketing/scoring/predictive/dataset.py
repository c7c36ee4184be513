"""From a table to what a model learns from: feature columns and outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from smarketing.scoring.predictive.columns import Features, LeftOut, features_from_cells
from smarketing.scoring.predictive.errors import TableError
from smarketing.scoring.predictive.table import RawTable
from smarketing.scoring.predictive.target import target_read


@dataclass(frozen=True)
class Dataset:
    """Feature columns and outcomes (1 positive, 0 negative) of the rows with a known outcome."""

    features: Features
    y: np.ndarray
    target: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    left_out: tuple[LeftOut, ...]  # identifiers and single-valued columns, not the dropped ones
    dropped: tuple[str, ...]  # columns the caller asked to leave out
    rows_read: int
    rows_without_outcome: int  # target missing, or neither positive nor a named negative

    @property
    def rows(self) -> int:
        return len(self.y)

    @property
    def positives(self) -> int:
        return int(self.y.sum())


def dataset_from_table(
    table: RawTable,
    *,
    target: str,
    drop: Sequence[str] = (),
    keep: Sequence[str] = (),
    positive: str | None = None,
    negative: Sequence[str] = (),
) -> Dataset:
    """The rows of `table` with a known outcome in `target`. Columns in `drop` are left out;
    identifier-like and single-valued columns are left out too (identifiers named in `keep`
    stay)."""
    target_at = table.column_index(target, role="target column")
    target_name = table.header[target_at]
    drop_at = {table.column_index(name, role="column to drop") for name in drop}
    keep_names = {table.header[table.column_index(name, role="column to keep")] for name in keep}
    if target_at in drop_at:
        raise TableError(f"the target column {target_name!r} cannot also be dropped")
    outcome = target_read(
        table.cells(target_at), column=target_name, positive=positive, negative=negative
    )
    kept_rows = [row for row, kept in zip(table.rows, outcome.keep, strict=True) if kept]
    columns = {
        name: [row[i] for row in kept_rows]
        for i, name in enumerate(table.header)
        if i != target_at and i not in drop_at
    }
    features, left_out = features_from_cells(columns, keep=tuple(keep_names))
    if not features.columns:
        raise TableError(
            f"{table.source}: no column is left to learn from "
            f"(left out: {', '.join(c.name for c in left_out) or 'none'}; "
            f"dropped: {', '.join(table.header[i] for i in sorted(drop_at)) or 'none'})"
        )
    return Dataset(
        features=features,
        y=outcome.y,
        target=target_name,
        positive=outcome.positive,
        negative=outcome.negative,
        left_out=tuple(left_out),
        dropped=tuple(table.header[i] for i in sorted(drop_at)),
        rows_read=len(table.rows),
        rows_without_outcome=outcome.dropped_missing + outcome.dropped_other,
    )
