"""Turning a target column's values into outcomes (1 positive, 0 negative)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from smarketing.scoring.predictive.errors import NotEnoughOutcomes, TableError
from smarketing.scoring.predictive.table import is_missing

POSITIVE_WORDS = frozenset({"1", "true", "yes", "y", "t", "won", "win", "converted", "positive"})
NEGATIVE_WORDS = frozenset({"0", "false", "no", "n", "f", "lost", "lose", "negative"})


@dataclass(frozen=True)
class Target:
    """Outcomes of the rows kept (`keep` marks them among all rows), and how they were read."""

    y: np.ndarray
    keep: np.ndarray
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    dropped_missing: int
    dropped_other: int


def _key(cell: str) -> str:
    text = cell.strip()
    try:
        return format(float(text), "g")  # "1.0" and "1" are the same outcome
    except ValueError:
        return text.casefold()


def _sort_key(key: str) -> tuple[int, float, str]:
    try:
        return (0, float(key), key)
    except ValueError:
        return (1, 0.0, key)


def _listing(spelling: dict[str, str], counts: Counter[str], limit: int = 12) -> str:
    shown = [f"{spelling[k]!r} ({n})" for k, n in counts.most_common(limit)]
    more = len(counts) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _guess_positive(keys: list[str]) -> str:
    """Which of two values is the positive outcome when the caller did not say."""
    known = [k for k in keys if k in POSITIVE_WORDS]
    if len(known) == 1:
        return known[0]
    named_negative = [k for k in keys if k in NEGATIVE_WORDS]
    if len(named_negative) == 1:
        return next(k for k in keys if k != named_negative[0])
    return sorted(keys, key=_sort_key)[-1]


def target_read(
    cells: Sequence[str],
    *,
    column: str,
    positive: str | None = None,
    negative: Sequence[str] = (),
) -> Target:
    """Outcomes from a column: `positive` names the positive value; `negative` names the
    negative ones (other values are then dropped, e.g. open deals). Without them the column
    must have two values: 1/0, true/false, yes/no, won/lost, or any two (the one that sorts
    last is positive). Rows with a missing target are dropped."""
    keys = [None if is_missing(c) else _key(c) for c in cells]
    spelling: dict[str, str] = {}
    for cell, key in zip(cells, keys, strict=True):
        if key is not None:
            spelling.setdefault(key, cell.strip())
    counts = Counter(k for k in keys if k is not None)
    if not counts:
        raise TableError(f"target column {column!r} has no values")
    for value in [positive] if positive is not None else []:
        if _key(value) not in counts:
            raise TableError(
                f"positive value {value!r} does not occur in target column {column!r} "
                f"(values: {_listing(spelling, counts)})"
            )
    for value in negative:
        if _key(value) not in counts:
            raise TableError(
                f"negative value {value!r} does not occur in target column {column!r} "
                f"(values: {_listing(spelling, counts)})"
            )
    negative_keys = {_key(v) for v in negative}
    if positive is not None:
        positive_keys = {_key(positive)}
        if positive_keys & negative_keys:
            raise TableError(f"{positive!r} is named both the positive and a negative value")
    elif negative_keys:
        positive_keys = set(counts) - negative_keys
    elif len(counts) == 1:
        only = next(iter(counts))
        raise NotEnoughOutcomes(
            f"target column {column!r} has one value only ({spelling[only]!r} in "
            f"{counts[only]} rows): a model needs both positive and negative outcomes",
            positives=counts[only] if only in POSITIVE_WORDS else 0,
            negatives=0 if only in POSITIVE_WORDS else counts[only],
        )
    elif len(counts) == 2:
        positive_keys = {_guess_positive(list(counts))}
    else:
        raise TableError(
            f"target column {column!r} has {len(counts)} values "
            f"({_listing(spelling, counts)}): name the positive one with --positive VALUE "
            "(and the negative ones with --negative VALUE to drop the rest)"
        )
    if not negative_keys:
        negative_keys = set(counts) - positive_keys
    keep = np.array([k in positive_keys or k in negative_keys for k in keys], dtype=bool)
    y = np.array([k in positive_keys for k in keys], dtype=np.int8)[keep]
    return Target(
        y=y,
        keep=keep,
        positive=tuple(sorted(spelling[k] for k in positive_keys)),
        negative=tuple(sorted(spelling[k] for k in negative_keys)),
        dropped_missing=sum(k is None for k in keys),
        dropped_other=len(keys) - int(keep.sum()) - sum(k is None for k in keys),
    )
