"""Request and response bodies of /api/definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from smarketing.org.schemas import InSchema


class DefinitionIn(InSchema):
    text: str | None = Field(
        None,
        description="The definition as YAML (the format of `smarketing definition export`); "
        "left out, the draft starts as a copy of the live version.",
    )


class DefinitionTextIn(InSchema):
    text: str = Field(description="The definition as YAML.")


class ApprovalOut(Schema):
    user_id: int
    user_email: str
    team_kind: str
    revision: int
    at: dt.datetime
    counts: bool = Field(description="Given on the current revision (an edit voids earlier ones).")


class VersionOut(Schema):
    number: int
    status: str
    revision: int
    created_by_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    proposed_at: dt.datetime | None
    went_live_at: dt.datetime | None = Field(description="The effective date, once live.")
    retired_at: dt.datetime | None
    sign_off: str = Field(description='Where it stands, e.g. "waiting for the sales leader".')
    approvals: list[ApprovalOut]


class ChangeOut(Schema):
    action: str
    section: str
    item_id: str | None
    group: str | None
    label: str
    description: str


class VersionDetailOut(VersionOut):
    text: str
    changes: list[ChangeOut] = Field(description="What it changes against the live version.")


class ExplanationRowOut(Schema):
    rule: str = Field(description="The rule's id in the definition.")
    label: str
    points: float = Field(description="Points it gave, after decay and its cap.")
    occurrences: int = Field(description="Touchpoints it counted (1 for a fit rule).")
    kind: str = Field(description="fit or engagement")


class GroupScoreOut(Schema):
    group: str = Field(description="Score group id (the default group first).")
    label: str
    fit: float
    engagement: float
    total: float
    grade: str = Field(description="A–D from fit, 1–4 from engagement, e.g. B2.")
    is_mql: bool
    mql_reason: str | None = Field(description="The MQL criterion met, in words.")
    mql_criterion: dict[str, float] | None = Field(description="The MQL criterion met.")
    predicted: float | None = Field(
        description="Predicted probability of reaching SQL within the model's window (null "
        "without a current model or for a contact past the lead stages)."
    )
    explanation: list[ExplanationRowOut] = Field(description="The rows sum to the total.")


class PredictionFactorOut(Schema):
    name: str
    label: str
    value: Any = Field(description="The contact's value of it, as of the prediction.")


class PredictionOut(Schema):
    probability: float
    model: int = Field(description="The predictive model's id (GET /api/models).")
    window_days: int
    factors: list[PredictionFactorOut] = Field(
        description="The model's top factors, with this contact's values."
    )


class ContactScoreOut(Schema):
    contact: int
    definition_version: int = Field(description="The live definition version scored with.")
    computed_at: dt.datetime
    groups: list[GroupScoreOut]
    prediction: PredictionOut | None = Field(
        None, description="The predicted score explained; null without a prediction."
    )
