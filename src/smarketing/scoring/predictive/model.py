"""The predictive model (gradient-boosted trees with native categories; their log-loss output
is already well calibrated, see docs/scoring.md) and the logistic-regression baseline it is
compared with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from smarketing.scoring.predictive.columns import ColumnKind, Features
from smarketing.scoring.predictive.encoding import Encoder, encoder_fit
from smarketing.scoring.predictive.errors import NotEnoughOutcomes

ModelKind = Literal["model", "baseline"]


@dataclass(frozen=True)
class ModelSettings:
    """Fixed defaults, chosen on the X Education leads table and checked on the others
    (docs/scoring.md); none of them is tuned per run."""

    learning_rate: float = 0.05
    max_iter: int = 400
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 50
    l2_regularization: float = 5.0
    # Boosting rounds are chosen on a held-out share of the training rows (see _rounds).
    early_stopping: bool = True
    validation_fraction: float = 0.2
    n_iter_no_change: int = 30
    # A calibration wrapper measured worse than the trees' own probabilities (docs/scoring.md).
    calibration: Literal["none", "isotonic", "sigmoid"] = "none"
    calibration_folds: int = 3
    rare_share: float = 0.005
    rare_min: int = 10
    max_categories: int = 60
    baseline_c: float = 1.0
    min_outcomes: int = 30  # of each class, to train at all
    clip: float = 0.001  # probabilities stay within [clip, 1 - clip]: never certain
    threads: int = 1  # OpenMP threads for the trees; the worker shares its machine


@dataclass(frozen=True)
class TrainedModel:
    """A fitted model and the encoding of its columns; `predict` gives P(positive)."""

    kind: ModelKind
    encoder: Encoder
    estimator: Any
    settings: ModelSettings

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        return {c.name: c.kind for c in self.encoder.columns}

    def predict(self, features: Features) -> np.ndarray:
        return self.predict_matrix(self.encoder.matrix(features))

    def predict_matrix(self, matrix: np.ndarray) -> np.ndarray:
        with threadpool_limits(limits=self.settings.threads):
            probabilities = self.estimator.predict_proba(matrix)[:, 1]
        clipped: np.ndarray = np.clip(probabilities, self.settings.clip, 1 - self.settings.clip)
        return clipped


def outcomes_check(y: np.ndarray, *, minimum: int, what: str = "training rows") -> None:
    """Refuse to learn from a single class or from fewer than `minimum` of either class."""
    positives = int(np.sum(y == 1))
    negatives = int(np.sum(y == 0))
    if len(y) == 0:
        raise NotEnoughOutcomes(f"there are no {what}", positives=0, negatives=0)
    if positives == 0 or negatives == 0:
        outcome = "negative" if positives == 0 else "positive"
        raise NotEnoughOutcomes(
            f"all {len(y)} {what} have the same outcome ({outcome}): "
            "a model needs both positive and negative outcomes",
            positives=positives,
            negatives=negatives,
        )
    for count, name in ((positives, "positive"), (negatives, "negative")):
        if count < minimum:
            raise NotEnoughOutcomes(
                f"only {count} {name} outcomes among the {len(y)} {what} "
                f"(at least {minimum} of each are needed)",
                positives=positives,
                negatives=negatives,
            )


def _boosting(settings: ModelSettings, mask: np.ndarray, seed: int, **overrides: Any) -> Any:
    params: dict[str, Any] = {
        "learning_rate": settings.learning_rate,
        "max_iter": settings.max_iter,
        "max_leaf_nodes": settings.max_leaf_nodes,
        "min_samples_leaf": settings.min_samples_leaf,
        "l2_regularization": settings.l2_regularization,
        "categorical_features": mask if mask.any() else None,
        "random_state": seed,
    }
    return HistGradientBoostingClassifier(**(params | overrides))


def _rounds(
    settings: ModelSettings, mask: np.ndarray, matrix: np.ndarray, y: np.ndarray, seed: int
) -> int:
    """How many boosting rounds help: the best round on a held-out share of the training rows.
    scikit-learn's early stopping keeps the rounds after the best one, which on a table with
    little signal is pure noise; 0 means no round beats predicting the base rate."""
    probe = _boosting(
        settings,
        mask,
        seed,
        early_stopping=True,
        validation_fraction=settings.validation_fraction,
        n_iter_no_change=settings.n_iter_no_change,
    )
    probe.fit(matrix, y)
    return int(np.argmax(probe.validation_score_))


def _trees(
    encoder: Encoder, settings: ModelSettings, seed: int, matrix: np.ndarray, y: np.ndarray
) -> Any:
    mask = encoder.categorical
    rounds = settings.max_iter
    if settings.early_stopping:
        rounds = _rounds(settings, mask, matrix, y, seed)
    if rounds == 0:
        return DummyClassifier(strategy="prior")
    trees = _boosting(settings, mask, seed, max_iter=rounds, early_stopping=False)
    if settings.calibration == "none":
        return trees
    return CalibratedClassifierCV(
        trees, method=settings.calibration, cv=settings.calibration_folds, n_jobs=1
    )


def _logistic(
    encoder: Encoder, settings: ModelSettings, seed: int, matrix: np.ndarray, y: np.ndarray
) -> Any:
    numeric = [j for j, c in enumerate(encoder.columns) if c.kind == "numeric"]
    categorical = [j for j, c in enumerate(encoder.columns) if c.kind == "categorical"]
    parts: list[tuple[str, Any, list[int]]] = []
    if numeric:
        scaled = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                ("scale", StandardScaler()),
            ]
        )
        parts.append(("numeric", scaled, numeric))
    if categorical:
        # Missing (NaN) is a category of its own, like any other value.
        one_hot = Pipeline(
            [
                ("missing", SimpleImputer(strategy="constant", fill_value=-1)),
                ("one_hot", OneHotEncoder(handle_unknown="ignore")),
            ]
        )
        parts.append(("categorical", one_hot, categorical))
    return Pipeline(
        [
            ("columns", ColumnTransformer(parts)),
            (
                "logistic",
                LogisticRegression(C=settings.baseline_c, max_iter=5000, random_state=seed),
            ),
        ]
    )


def model_fit(
    kind: ModelKind, features: Features, y: np.ndarray, settings: ModelSettings, seed: int
) -> TrainedModel:
    """Fit without checking the outcomes: for the folds of a set checked as a whole."""
    encoder = encoder_fit(
        features,
        rare_share=settings.rare_share,
        rare_min=settings.rare_min,
        max_categories=settings.max_categories,
    )
    matrix = encoder.matrix(features)
    build = _trees if kind == "model" else _logistic
    with threadpool_limits(limits=settings.threads):
        estimator = build(encoder, settings, seed, matrix, y)
        estimator.fit(matrix, y)
    return TrainedModel(kind=kind, encoder=encoder, estimator=estimator, settings=settings)


def model_train(
    features: Features, y: np.ndarray, *, settings: ModelSettings | None = None, seed: int = 0
) -> TrainedModel:
    """Train the predictive model; NotEnoughOutcomes when the outcomes are too few."""
    settings = settings or ModelSettings()
    outcomes_check(y, minimum=settings.min_outcomes)
    return model_fit("model", features, y, settings, seed)


def baseline_train(
    features: Features, y: np.ndarray, *, settings: ModelSettings | None = None, seed: int = 0
) -> TrainedModel:
    """Train the plain logistic-regression baseline on the same columns."""
    settings = settings or ModelSettings()
    outcomes_check(y, minimum=settings.min_outcomes)
    return model_fit("baseline", features, y, settings, seed)
