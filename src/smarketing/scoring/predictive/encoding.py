"""Feature columns as one numeric matrix: categories become codes learned on the training
rows, with rare ones pooled, so unseen values at prediction time have a place to go."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from smarketing.scoring.predictive.columns import ColumnKind, Features, category_counts
from smarketing.scoring.predictive.errors import PredictiveError


@dataclass(frozen=True)
class EncodedColumn:
    name: str
    kind: ColumnKind
    # Categorical only: the categories with their own code (their position). Every other value,
    # rare in training or never seen, gets the pooled code len(categories); missing is NaN.
    categories: tuple[str, ...] = ()

    @property
    def pooled_code(self) -> int:
        return len(self.categories)


@dataclass(frozen=True)
class Encoder:
    columns: tuple[EncodedColumn, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def categorical(self) -> np.ndarray:
        return np.array([c.kind == "categorical" for c in self.columns], dtype=bool)

    def matrix(self, features: Features) -> np.ndarray:
        """The rows of `features` as float64, one column per encoded column, in its order."""
        by_name = {c.name: c for c in features.columns}
        missing = [c.name for c in self.columns if c.name not in by_name]
        if missing:
            raise PredictiveError(f"the rows lack the model's columns: {', '.join(missing)}")
        out = np.empty((features.n_rows, len(self.columns)), dtype=np.float64)
        for j, spec in enumerate(self.columns):
            column = by_name[spec.name]
            if spec.kind != column.kind:
                raise PredictiveError(
                    f"column {spec.name!r} is {column.kind} here but was {spec.kind} in training"
                )
            if spec.kind == "numeric":
                out[:, j] = column.values
            else:
                codes = {category: float(i) for i, category in enumerate(spec.categories)}
                pooled = float(spec.pooled_code)
                out[:, j] = [
                    math.nan if v is None else codes.get(v, pooled) for v in column.values.tolist()
                ]
        return out


def encoder_fit(
    features: Features, *, rare_share: float, rare_min: int, max_categories: int
) -> Encoder:
    """Learn the codes: a category keeps its own code when it occurs in at least
    max(rare_min, rare_share * rows) training rows, for at most `max_categories` categories."""
    threshold = max(rare_min, math.ceil(rare_share * features.n_rows))
    columns = []
    for column in features.columns:
        if column.kind == "numeric":
            columns.append(EncodedColumn(column.name, "numeric"))
            continue
        frequent = [
            value
            for value, count in category_counts(column).most_common(max_categories)
            if count >= threshold
        ]
        columns.append(EncodedColumn(column.name, "categorical", tuple(sorted(frequent))))
    return Encoder(tuple(columns))
