"""Reads of the stored predictions, for the scoring code and the score's explanation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from smarketing.scoring.facts import rows_for_ids
from smarketing.scoring.models import ContactPrediction


def predictions_for(*, contact_ids: Iterable[int]) -> dict[int, float]:
    """Contact id → predicted probability of reaching SQL within the current model's window,
    for the contacts that have one (open leads, while a model is current). One query."""
    ids = list(contact_ids)
    if not ids:
        return {}
    # A plain cursor: Django's IN lookup prepares each of thousands of ids on its own.
    table = ContactPrediction._meta.db_table
    sql = f"SELECT contact_id, probability FROM {table} WHERE contact_id IN ({{}})"
    return dict(rows_for_ids(sql, ids))


@dataclass(frozen=True)
class PredictionFactor:
    name: str
    label: str
    value: object  # the contact's value, as of the prediction


@dataclass(frozen=True)
class PredictionExplained:
    """A contact's probability and the current model's top factors with the contact's values
    (the model's global factors: what drives its predictions for every lead)."""

    probability: float
    model_id: int
    window_days: int
    factors: tuple[PredictionFactor, ...]


def prediction_explained(*, contact_id: int) -> PredictionExplained | None:
    """One query; None when the contact has no prediction."""
    row = (
        ContactPrediction.objects.filter(contact_id=contact_id)
        .select_related("model")
        .only("probability", "factors", "model__id", "model__window_days")
        .first()
    )
    if row is None:
        return None
    return PredictionExplained(
        probability=row.probability,
        model_id=row.model_id,
        window_days=row.model.window_days,
        factors=tuple(PredictionFactor(f["name"], f["label"], f["value"]) for f in row.factors),
    )
