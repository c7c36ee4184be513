"""How good predicted probabilities are: ROC AUC, Brier score, lift by decile, calibration."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score


@dataclass(frozen=True)
class Scores:
    """ROC AUC (0.5 = guessing, 1 = perfect ranking) and Brier score (mean squared error of
    the probabilities; lower is better)."""

    auc: float
    brier: float


@dataclass(frozen=True)
class LiftBin:
    """One tenth of the rows, best-scored first."""

    decile: int  # 1 = the highest predicted probabilities
    rows: int
    positives: int
    rate: float  # share of positives in this tenth
    lift: float  # rate over the overall rate
    captured: float  # share of all positives in this and the better tenths


@dataclass(frozen=True)
class CalibrationBin:
    """Rows whose predicted probability falls in [low, high): predicted vs observed."""

    low: float
    high: float
    rows: int
    predicted: float  # mean predicted probability
    observed: float  # share of positives


def scores_of(y: np.ndarray, probabilities: np.ndarray) -> Scores:
    return Scores(
        auc=float(roc_auc_score(y, probabilities)),
        brier=float(brier_score_loss(y, probabilities)),
    )


def auc_of(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC of any score that ranks rows (a rule score's points, say), not only of
    probabilities: the comparison the model page makes on the same hold-out."""
    return float(roc_auc_score(y, scores))


def lift_by_decile(y: np.ndarray, probabilities: np.ndarray) -> tuple[LiftBin, ...]:
    # A stable sort on the negated probabilities keeps tied rows in their original order.
    order = np.argsort(-probabilities, kind="stable")
    total_positives = int(y.sum())
    overall = total_positives / len(y)
    bins = []
    captured = 0
    for decile, rows in enumerate(np.array_split(order, 10), start=1):
        if len(rows) == 0:
            continue
        positives = int(y[rows].sum())
        captured += positives
        rate = positives / len(rows)
        bins.append(
            LiftBin(
                decile=decile,
                rows=len(rows),
                positives=positives,
                rate=rate,
                lift=rate / overall if overall else 0.0,
                captured=captured / total_positives if total_positives else 0.0,
            )
        )
    return tuple(bins)


def calibration_bins(
    y: np.ndarray, probabilities: np.ndarray, *, bins: int = 10
) -> tuple[CalibrationBin, ...]:
    """Equal-width bins over [0, 1]; empty bins are left out."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        inside = index == b
        if not inside.any():
            continue
        out.append(
            CalibrationBin(
                low=float(edges[b]),
                high=float(edges[b + 1]),
                rows=int(inside.sum()),
                predicted=float(probabilities[inside].mean()),
                observed=float(y[inside].mean()),
            )
        )
    return tuple(out)
