"""/api/models: the predictive model's trainings (refusals too), the current one, and training
on demand."""
# Annotations stay evaluated (no __future__ import), as Ninja reads them.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, InSchema
from smarketing.scoring import modelling, training
from smarketing.scoring.cli_model import model_summary
from smarketing.scoring.models import PredictiveModel

router = Router(tags=["models"])


class ScoresOut(Schema):
    auc: float | None = Field(description="Hold-out ROC AUC (0.5 guessing, 1 perfect).")
    brier: float | None = Field(None, description="Hold-out Brier score (lower is better).")


class RuleScoreOut(Schema):
    auc: float | None = Field(description="Hold-out ROC AUC of the rule score's total.")
    version: int = Field(description="The definition version whose rule score was compared.")


class SplitOut(Schema):
    rows: int
    positives: int
    first_lead: dt.datetime = Field(description="When the oldest of these became a lead.")
    last_lead: dt.datetime = Field(description="When the newest of these became a lead.")


class FactorOut(Schema):
    name: str
    label: str
    importance: float = Field(description="Drop in hold-out ROC AUC when shuffled.")
    spread: float


class ModelOut(Schema):
    id: int
    status: str = Field(description="trained, or refused (too few outcomes; see reason).")
    reason: str
    trained_at: dt.datetime
    window_days: int
    observe_days: int
    rows: int = Field(description="Leads with a known outcome learned from and judged on.")
    positives: int = Field(description="Of those, leads that reached SQL within the window.")
    data_from: dt.datetime | None
    data_until: dt.datetime | None
    censored: int = Field(description="Leads left out: their window is still open.")
    converted_early: int = Field(description="Leads left out: converted before observation.")
    duration_seconds: float
    model: ScoresOut | None = None
    baseline: ScoresOut | None = None
    rule_score: RuleScoreOut | None = None
    train: SplitOut | None = Field(None, description="The older leads learned from.")
    test: SplitOut | None = Field(None, description="The newer leads held out.")
    factors: list[FactorOut] | None = Field(None, description="Top factors, largest first.")


class TrainIn(InSchema):
    window_days: int = Field(
        training.DEFAULT_WINDOW_DAYS,
        description="A lead is positive when it reaches SQL or later within this many days.",
    )
    observe_days: int = Field(
        training.DEFAULT_OBSERVE_DAYS,
        description="Features as of this many days after becoming a lead.",
    )


def _out(model: PredictiveModel) -> dict[str, Any]:
    out = model_summary(model)
    for key in ("train", "test"):
        split = out[key]
        if split is not None:
            out[key] = {
                "rows": split["rows"],
                "positives": split["positives"],
                "first_lead": split["from"],
                "last_lead": split["until"],
            }
    return out


@router.get("", response={200: list[ModelOut], **ERRORS}, summary="List trainings")
def model_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Newest first, refusals with their reason; at most 50."""
    require(request.user, "definition.view")
    return [_out(m) for m in modelling.models_history()]


@router.get(
    "/current",
    response={200: ModelOut, **ERRORS},
    summary="The current model",
    description="The newest training when it succeeded; 404 when there is none (never trained, "
    "or the newest training was refused: the rule score stands alone).",
)
def model_current(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "definition.view")
    current = modelling.model_current()
    if current is None:
        raise HttpError(404, "there is no current predictive model")
    return _out(current)


@router.post(
    "/train",
    response={201: ModelOut, **WRITE_ERRORS},
    summary="Train now",
    description="Trains and evaluates on this installation's leads, then refreshes the open "
    "leads' predictions; runs within the request. A refusal (too few outcomes) is recorded "
    "and returned with status `refused` and its reason. Leaders and admins only.",
)
def model_train(request: HttpRequest, payload: TrainIn) -> Status[dict[str, Any]]:
    require(request.user, "model.train")
    model = modelling.model_train_run(
        window_days=payload.window_days, observe_days=payload.observe_days, by_user=request.user
    )
    return Status(201, _out(model))
