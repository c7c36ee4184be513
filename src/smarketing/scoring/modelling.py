"""Training the predictive model on the company's own leads, recording every attempt (refusals
too), and refreshing the open leads' predictions with the current model.

Training: the leads whose window has closed, oldest first; the newest quarter is held out, the
model and the logistic baseline learn from the older ones, and the hold-out shows how both (and
the live rule score, as of the same observation points) rank leads they never saw. The stored
model is then fitted on all of them with the same settings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.errors import InvalidInput
from smarketing.scoring import training
from smarketing.scoring.models import ContactPrediction, ModelStatus, PredictiveModel
from smarketing.scoring.predictive import (
    Features,
    HoldOut,
    ModelSettings,
    NotEnoughOutcomes,
    TrainedModel,
    auc_of,
    model_train,
    outcomes_check,
    time_split_evaluate,
)
from smarketing.scoring.predictive.columns import left_out_reason
from smarketing.scoring.predictive.leads import feature_label, lead_feature_values, lead_features
from smarketing.scoring.scores import definition_in_force

MAX_WINDOW_DAYS = 730
TOP_FACTORS = 15
# Factors kept with each contact's prediction, for its explanation.
CONTACT_FACTORS = 5
BATCH = 2000


def _check(*, window_days: int, observe_days: int) -> None:
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"the window must be between 1 and {MAX_WINDOW_DAYS} days, not {window_days}",
            field="window_days",
        )
    if not 0 <= observe_days < window_days:
        raise InvalidInput(
            f"the observation point ({observe_days} days) must lie inside the "
            f"{window_days}-day window",
            field="observe_days",
        )


def _useful(features: Features) -> tuple[Features, list[dict[str, str]]]:
    """Leave out columns with no value or one value only among the training leads."""
    kept, left_out = [], []
    for column in features.columns:
        reason = left_out_reason(column)
        if reason in ("empty",) or (reason or "").startswith("one value only"):
            left_out.append(
                {"name": column.name, "label": feature_label(column.name), "reason": reason or ""}
            )
        else:
            kept.append(column)
    return Features(tuple(kept)), left_out


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _round(value: float, places: int = 4) -> float | None:
    return None if math.isnan(value) else round(value, places)


def _metrics(
    data: training.TrainingSet, holdout: HoldOut, rule_auc: float, version: int
) -> dict[str, Any]:
    test_dates = [data.records[i].history.lead_at for i in holdout.test_index]
    return {
        "model": {"auc": _round(holdout.model.auc), "brier": _round(holdout.model.brier)},
        "baseline": {"auc": _round(holdout.baseline.auc), "brier": _round(holdout.baseline.brier)},
        "rule_score": {"auc": _round(rule_auc), "version": version},
        "cutoff": _iso(holdout.cutoff),
        "train": {
            "rows": holdout.train_rows,
            "positives": holdout.train_positives,
            "from": _iso(holdout.train_from),
            "until": _iso(max(d for d in data.lead_dates if d < holdout.cutoff)),
        },
        "test": {
            "rows": holdout.test_rows,
            "positives": holdout.test_positives,
            "from": _iso(min(test_dates)),
            "until": _iso(holdout.test_until),
        },
        "calibration": [dataclasses.asdict(b) for b in holdout.calibration],
        "lift": [dataclasses.asdict(b) for b in holdout.lift],
        "factors": [
            {
                "name": f.name,
                "label": feature_label(f.name),
                "importance": round(f.importance, 5),
                "spread": round(f.spread, 5),
            }
            for f in holdout.factors[:TOP_FACTORS]
        ],
    }


def _refuse(row: dict[str, Any], reason: str) -> PredictiveModel:
    with transaction.atomic():
        model = PredictiveModel.objects.create(status=ModelStatus.REFUSED, reason=reason, **row)
        # No current model any more: the rule score stands alone.
        ContactPrediction.objects.all().delete()
    return model


def model_train_run(
    *,
    now: dt.datetime | None = None,
    window_days: int = training.DEFAULT_WINDOW_DAYS,
    observe_days: int = training.DEFAULT_OBSERVE_DAYS,
    settings: ModelSettings | None = None,
    by_user: Any = None,
) -> PredictiveModel:
    """Train, evaluate on the newest leads, store the model (or the refusal and its reason)
    and refresh the open leads' predictions. The caller checks the permission."""
    _check(window_days=window_days, observe_days=observe_days)
    now = now or timezone.now()
    settings = settings or ModelSettings()
    started = time.perf_counter()
    data = training.training_set(now=now, window_days=window_days, observe_days=observe_days)
    lead_dates = data.lead_dates
    row: dict[str, Any] = {
        "trained_at": now,
        "window_days": window_days,
        "observe_days": observe_days,
        "model_settings": dataclasses.asdict(settings),
        "rows": len(data.y),
        "positives": int(data.y.sum()),
        "data_from": lead_dates[0] if lead_dates else None,
        "data_until": lead_dates[-1] if lead_dates else None,
        "trained_by": by_user if getattr(by_user, "pk", None) else None,
        "metrics": {"censored": data.censored, "converted_early": data.converted_early},
    }
    try:
        outcomes_check(data.y, minimum=settings.min_outcomes, what="leads with a known outcome")
        features, left_out = _useful(
            lead_features([r.history for r in data.records], at=data.observed_at)
        )
        holdout = time_split_evaluate(features, data.y, dates=lead_dates, settings=settings)
    except NotEnoughOutcomes as exc:
        row["duration_seconds"] = time.perf_counter() - started
        return _refuse(row, f"Not enough history to train on: {exc.reason}.")
    version, definition = definition_in_force()
    test_records = [data.records[i] for i in holdout.test_index]
    test_at = [data.observed_at[i] for i in holdout.test_index]
    totals = training.rule_totals(records=test_records, at=test_at, definition=definition)
    rule_auc = auc_of(data.y[holdout.test_index], totals)
    final = model_train(features, data.y, settings=settings)
    row["metrics"] |= _metrics(data, holdout, rule_auc, version.number) | {"left_out": left_out}
    row["duration_seconds"] = time.perf_counter() - started
    with transaction.atomic():
        model = PredictiveModel.objects.create(
            status=ModelStatus.TRAINED, fitted=pickle.dumps(final, protocol=5), **row
        )
    predictions_refresh(now=now)
    return model


def model_current() -> PredictiveModel | None:
    """The newest training when it succeeded; None before any or after a refusal."""
    newest = PredictiveModel.objects.order_by("-trained_at", "-id").first()
    if newest is None or newest.status != ModelStatus.TRAINED:
        return None
    return newest


def model_loaded(model: PredictiveModel) -> TrainedModel:
    # Written by model_train_run from our own TrainedModel: never from outside input.
    loaded: TrainedModel = pickle.loads(bytes(model.fitted))
    return loaded


def _display(value: object) -> object:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 2)
    return value


def predictions_refresh(*, now: dt.datetime | None = None) -> int:
    """Replace every prediction with the current model's, for the open leads as of `now`
    (their features from everything known now). Returns how many were written."""
    now = now or timezone.now()
    current = model_current()
    if current is None:
        ContactPrediction.objects.all().delete()
        return 0
    trained = model_loaded(current)
    top = [f["name"] for f in current.metrics.get("factors", []) if f["importance"] > 0]
    top = top[:CONTACT_FACTORS]
    written = 0
    with transaction.atomic():
        ContactPrediction.objects.all().delete()
        batch: list[Any] = []
        for record in training.lead_records(training.open_lead_contacts()):
            batch.append(record.history)
            if len(batch) >= BATCH:
                written += _predict(batch, trained=trained, model=current, top=top, now=now)
                batch = []
        if batch:
            written += _predict(batch, trained=trained, model=current, top=top, now=now)
    return written


def _predict(
    leads: list[Any],
    *,
    trained: TrainedModel,
    model: PredictiveModel,
    top: list[str],
    now: dt.datetime,
) -> int:
    probabilities = trained.predict(lead_features(leads, at=[now] * len(leads)))
    rows = []
    for lead, probability in zip(leads, probabilities.tolist(), strict=True):
        values = lead_feature_values(lead, at=now)
        factors = [
            {"name": n, "label": feature_label(n), "value": _display(values[n])} for n in top
        ]
        rows.append(
            ContactPrediction(
                contact_id=lead.contact_id,
                model=model,
                probability=float(probability),
                factors=factors,
                computed_at=now,
            )
        )
    ContactPrediction.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def models_history(*, limit: int = 50) -> list[PredictiveModel]:
    return list(
        PredictiveModel.objects.select_related("trained_by")
        .defer("fitted")
        .order_by("-trained_at", "-id")[:limit]
    )
