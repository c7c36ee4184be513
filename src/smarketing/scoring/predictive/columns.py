"""Typing the columns of a table (numeric, categorical, dates as day numbers) and finding the
ones a model must not learn from: identifiers and columns with a single value."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

import numpy as np

from smarketing.scoring.predictive.table import is_missing

ColumnKind = Literal["numeric", "categorical"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The last word of names such as "Prospect ID", "Lead Number", "opportunity_id".
_ID_LAST_WORDS = frozenset({"id", "ids", "uuid", "guid", "key", "number", "no", "nr", "num"})
# Words that mark personal contact data anywhere in the name ("Email", "Mobile Phone").
_ID_ANY_WORDS = frozenset({"uuid", "guid", "email", "mail", "phone", "mobile", "telephone", "fax"})
# A text column with a different value in this share of rows identifies the row.
UNIQUE_SHARE = 0.95
# With an identifying name, a slightly lower share is enough.
NAMED_UNIQUE_SHARE = 0.9
MIN_ROWS_FOR_UNIQUENESS = 20


@dataclass(frozen=True)
class Column:
    """One feature. Numeric values are float64 with NaN for missing; categorical values are an
    object array of str, None for missing."""

    name: str
    kind: ColumnKind
    values: np.ndarray
    from_dates: bool = False  # numeric day numbers (days since 1970-01-01 UTC)


@dataclass(frozen=True)
class LeftOut:
    """A column the model does not use, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Features:
    """The feature columns of a set of rows, all of the same length."""

    columns: tuple[Column, ...]

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def take(self, rows: np.ndarray) -> Features:
        return Features(
            tuple(
                Column(c.name, c.kind, c.values[rows], from_dates=c.from_dates)
                for c in self.columns
            )
        )


def _as_number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else math.nan


def _as_day_number(cell: str) -> float | None:
    if not _DATE.match(cell):
        return None
    try:
        moment = datetime.fromisoformat(cell)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).total_seconds() / 86400


def _forced(name: str, cells: Sequence[str], kind: ColumnKind) -> Column:
    if kind == "categorical":
        text = np.array([None if is_missing(c) else c.strip() for c in cells], dtype=object)
        return Column(name, "categorical", text)
    values = []
    for cell in cells:
        number = None if is_missing(cell) else _as_number(cell.strip())
        if number is None and not is_missing(cell):
            number = _as_day_number(cell.strip())
        values.append(math.nan if number is None else number)
    return Column(name, "numeric", np.array(values, dtype=np.float64))


def column_type(name: str, cells: Sequence[str], *, kind: ColumnKind | None = None) -> Column:
    """Numeric when every present value is a number, day numbers when every present value is an
    ISO date, otherwise categorical (trimmed text). A given `kind` is applied instead (values
    that are not numbers become missing in a numeric column)."""
    if kind is not None:
        return _forced(name, cells, kind)
    present = [c.strip() for c in cells if not is_missing(c)]
    for parse, from_dates in ((_as_number, False), (_as_day_number, True)):
        parsed = [parse(c) for c in present]
        if present and all(p is not None for p in parsed):
            values = np.array(
                [math.nan if is_missing(c) else parse(c.strip()) for c in cells], dtype=np.float64
            )
            return Column(name, "numeric", values, from_dates=from_dates)
    return _forced(name, cells, "categorical")


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-z0-9]+", spaced.casefold()) if w]


def _looks_named_like_identifier(name: str) -> bool:
    words = _name_words(name)
    return bool(words) and (words[-1] in _ID_LAST_WORDS or bool(_ID_ANY_WORDS & set(words)))


def _is_row_counter(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    if len(present) < MIN_ROWS_FOR_UNIQUENESS or not np.all(present == np.round(present)):
        return False
    span = int(present.max() - present.min()) + 1
    return len(np.unique(present)) == len(present) == span


def left_out_reason(column: Column) -> str | None:
    """Why a column cannot be a feature (an identifier, a single value), or None."""
    if column.kind == "numeric":
        present_values = [v for v in column.values.tolist() if not math.isnan(v)]
    else:
        present_values = [v for v in column.values.tolist() if v is not None]
    distinct = len(set(present_values))
    if distinct == 0:
        return "empty"
    if distinct == 1:
        return f"one value only ({present_values[0]!r})"
    share = distinct / len(present_values)
    if _looks_named_like_identifier(column.name) and share >= NAMED_UNIQUE_SHARE:
        return f"identifier-like (name, and {share:.0%} of values distinct)"
    if len(present_values) < MIN_ROWS_FOR_UNIQUENESS or column.from_dates:
        return None
    if column.kind == "categorical" and share >= UNIQUE_SHARE:
        return f"identifier-like ({share:.0%} of values distinct)"
    if column.kind == "numeric" and _is_row_counter(column.values):
        return "identifier-like (a row counter)"
    return None


def features_from_cells(
    columns: Mapping[str, Sequence[str]], *, keep: Sequence[str] = ()
) -> tuple[Features, list[LeftOut]]:
    """Type each column and leave out identifiers and single-valued columns (except the names
    in `keep`, which are left out only when they have a single value)."""
    features: list[Column] = []
    left_out: list[LeftOut] = []
    for name, cells in columns.items():
        column = column_type(name, cells)
        reason = left_out_reason(column)
        if reason and (name not in keep or not reason.startswith("identifier")):
            left_out.append(LeftOut(name, reason))
        else:
            features.append(column)
    return Features(tuple(features)), left_out


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def features_from_values(
    columns: Mapping[str, Sequence[object]], *, kinds: Mapping[str, ColumnKind] | None = None
) -> Features:
    """Features from Python values (numbers, text, booleans, dates, None for missing), typed
    like a CSV's columns unless `kinds` says (pass a trained model's `kinds` when predicting, so
    a few rows are read the way the training rows were). Nothing is left out."""
    kinds = kinds or {}
    return Features(
        tuple(
            column_type(name, [_cell(v) for v in values], kind=kinds.get(name))
            for name, values in columns.items()
        )
    )


def category_counts(column: Column) -> Counter[str]:
    return Counter(v for v in column.values.tolist() if v is not None)
