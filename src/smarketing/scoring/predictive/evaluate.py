"""Honest quality figures: stratified k-fold cross-validation, and a time split (train on
older rows, evaluate on newer ones), each for the model and the baseline side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sklearn.inspection import permutation_importance
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from smarketing.scoring.predictive.columns import Features
from smarketing.scoring.predictive.errors import NotEnoughOutcomes, PredictiveError
from smarketing.scoring.predictive.metrics import (
    CalibrationBin,
    LiftBin,
    Scores,
    calibration_bins,
    lift_by_decile,
    scores_of,
)
from smarketing.scoring.predictive.model import (
    ModelSettings,
    TrainedModel,
    model_fit,
    outcomes_check,
)


@dataclass(frozen=True)
class Factor:
    """How much the hold-out ROC AUC drops when a column's values are shuffled among rows."""

    name: str
    importance: float
    spread: float  # standard deviation over the repeats (and folds)


@dataclass(frozen=True)
class CrossValidation:
    """Means over the folds of each fold's hold-out scores; lift and calibration from the
    out-of-fold predictions of all rows."""

    model: Scores
    baseline: Scores
    rows: int
    positives: int
    folds: int
    seed: int
    lift: tuple[LiftBin, ...]
    calibration: tuple[CalibrationBin, ...]
    factors: tuple[Factor, ...]  # empty unless asked for
    model_folds: tuple[Scores, ...]  # each fold's hold-out scores, to see the spread
    baseline_folds: tuple[Scores, ...]


@dataclass(frozen=True)
class HoldOut:
    """Trained on the rows before `cutoff`, scored on the rows from it on."""

    model: Scores
    baseline: Scores
    cutoff: datetime
    train_rows: int
    train_positives: int
    train_from: datetime
    test_rows: int
    test_positives: int
    test_until: datetime
    lift: tuple[LiftBin, ...]
    calibration: tuple[CalibrationBin, ...]
    factors: tuple[Factor, ...]
    trained: TrainedModel  # the model trained on the older rows
    test_probabilities: np.ndarray  # in the order of the newer rows (test_index)
    test_index: np.ndarray  # positions of the newer rows among the rows given


def factors_of(
    trained: TrainedModel,
    features: Features,
    y: np.ndarray,
    *,
    seed: int = 0,
    repeats: int = 5,
) -> tuple[Factor, ...]:
    """Permutation importance on rows the model did not learn from, largest first."""
    matrix = trained.encoder.matrix(features)
    with threadpool_limits(limits=trained.settings.threads):
        result = permutation_importance(
            trained.estimator,
            matrix,
            y,
            scoring="roc_auc",
            n_repeats=repeats,
            random_state=seed,
            n_jobs=1,
        )
    factors = [
        Factor(name, float(mean), float(std))
        for name, mean, std in zip(
            trained.encoder.names, result.importances_mean, result.importances_std, strict=True
        )
    ]
    return tuple(sorted(factors, key=lambda f: -f.importance))


def _mean_factors(per_fold: list[tuple[Factor, ...]]) -> tuple[Factor, ...]:
    names = [f.name for f in per_fold[0]]
    merged = []
    for name in names:
        values = [f for fold in per_fold for f in fold if f.name == name]
        merged.append(
            Factor(
                name,
                float(np.mean([f.importance for f in values])),
                float(np.sqrt(np.mean([f.spread**2 for f in values]))),
            )
        )
    return tuple(sorted(merged, key=lambda f: -f.importance))


def cross_validate(
    features: Features,
    y: np.ndarray,
    *,
    folds: int = 5,
    seed: int = 0,
    settings: ModelSettings | None = None,
    factors: bool = False,
) -> CrossValidation:
    """Stratified k-fold cross-validation of the model and the baseline on the same folds."""
    settings = settings or ModelSettings()
    if folds < 2:
        raise PredictiveError(f"cross-validation needs at least 2 folds, not {folds}")
    outcomes_check(y, minimum=max(settings.min_outcomes, folds), what="rows")
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    out_of_fold = np.empty(len(y), dtype=np.float64)
    model_scores: list[Scores] = []
    baseline_scores: list[Scores] = []
    fold_factors: list[tuple[Factor, ...]] = []
    for train, test in splitter.split(np.zeros(len(y)), y):
        train_features, test_features = features.take(train), features.take(test)
        model = model_fit("model", train_features, y[train], settings, seed)
        baseline = model_fit("baseline", train_features, y[train], settings, seed)
        out_of_fold[test] = model.predict(test_features)
        model_scores.append(scores_of(y[test], out_of_fold[test]))
        baseline_scores.append(scores_of(y[test], baseline.predict(test_features)))
        if factors:
            fold_factors.append(factors_of(model, test_features, y[test], seed=seed))
    return CrossValidation(
        model=_mean(model_scores),
        baseline=_mean(baseline_scores),
        rows=len(y),
        positives=int(y.sum()),
        folds=folds,
        seed=seed,
        lift=lift_by_decile(y, out_of_fold),
        calibration=calibration_bins(y, out_of_fold),
        factors=_mean_factors(fold_factors) if fold_factors else (),
        model_folds=tuple(model_scores),
        baseline_folds=tuple(baseline_scores),
    )


def _mean(scores: list[Scores]) -> Scores:
    return Scores(
        auc=float(np.mean([s.auc for s in scores])),
        brier=float(np.mean([s.brier for s in scores])),
    )


def _moment(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def time_split_evaluate(
    features: Features,
    y: np.ndarray,
    *,
    dates: Sequence[date | datetime],
    cutoff: date | datetime | None = None,
    test_share: float = 0.25,
    min_test_outcomes: int = 10,
    seed: int = 0,
    settings: ModelSettings | None = None,
    factors: bool = True,
) -> HoldOut:
    """Train on the rows dated before `cutoff` and evaluate on the rest. Without a cutoff, the
    newest `test_share` of the rows (by date) are the hold-out; rows of the same instant stay
    on the same side."""
    settings = settings or ModelSettings()
    if len(dates) != len(y) or features.n_rows != len(y):
        raise PredictiveError(
            f"{len(dates)} dates and {features.n_rows} feature rows for {len(y)} outcomes"
        )
    moments = [_moment(d) for d in dates]
    if cutoff is None:
        if not 0 < test_share < 1:
            raise PredictiveError(f"test_share must be between 0 and 1, not {test_share}")
        ordered = sorted(moments)
        cut = _moment(ordered[min(len(ordered) - 1, int(len(ordered) * (1 - test_share)))])
    else:
        cut = _moment(cutoff)
    newer = np.array([m >= cut for m in moments], dtype=bool)
    train, test = np.flatnonzero(~newer), np.flatnonzero(newer)
    outcomes_check(y[train], minimum=settings.min_outcomes, what=f"rows before {cut:%Y-%m-%d}")
    try:
        outcomes_check(y[test], minimum=min_test_outcomes, what=f"rows from {cut:%Y-%m-%d} on")
    except NotEnoughOutcomes as exc:
        raise NotEnoughOutcomes(
            f"too few newer rows to evaluate on: {exc.reason}",
            positives=exc.positives,
            negatives=exc.negatives,
        ) from None
    train_features, test_features = features.take(train), features.take(test)
    model = model_fit("model", train_features, y[train], settings, seed)
    baseline = model_fit("baseline", train_features, y[train], settings, seed)
    probabilities = model.predict(test_features)
    return HoldOut(
        model=scores_of(y[test], probabilities),
        baseline=scores_of(y[test], baseline.predict(test_features)),
        cutoff=cut,
        train_rows=len(train),
        train_positives=int(y[train].sum()),
        train_from=min(moments[i] for i in train),
        test_rows=len(test),
        test_positives=int(y[test].sum()),
        test_until=max(moments[i] for i in test),
        lift=lift_by_decile(y[test], probabilities),
        calibration=calibration_bins(y[test], probabilities),
        factors=factors_of(model, test_features, y[test], seed=seed) if factors else (),
        trained=model,
        test_probabilities=probabilities,
        test_index=test,
    )
