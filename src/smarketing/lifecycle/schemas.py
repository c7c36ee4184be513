"""Request and response bodies of the lifecycle endpoints."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.stages import ReasonKind, Stage
from smarketing.org.schemas import InSchema


class TransitionIn(InSchema):
    to_stage: Stage
    reason: str | None = Field(
        None,
        description="Code from GET /api/lifecycle/reasons; needed to recycle or disqualify.",
    )
    note: str = Field("", max_length=5000)


class TransitionOut(Schema):
    id: int
    contact_id: int
    from_stage: str
    to_stage: str
    at: dt.datetime
    by_user_id: int | None
    by_user_email: str | None
    by_rule: str
    reason_code: str | None
    reason_label: str | None
    note: str

    @staticmethod
    def resolve_by_user_email(obj: StageTransition) -> str | None:
        return obj.by_user.email if obj.by_user_id else None

    @staticmethod
    def resolve_reason_code(obj: StageTransition) -> str | None:
        return obj.reason.code if obj.reason_id else None

    @staticmethod
    def resolve_reason_label(obj: StageTransition) -> str | None:
        return obj.reason.label if obj.reason_id else None


class ReasonOut(Schema):
    id: int
    kind: str
    code: str
    label: str


class ReasonFilters(Schema):
    kind: ReasonKind | None = None


class StageOut(Schema):
    value: str
    label: str
    funnel_position: int | None = Field(description="0-based place in the funnel; null off it.")
    next_stages: list[str] = Field(description="Stages a contact here may move to.")
    reason_kinds: list[str] = Field(description="Kinds of reason a move here needs; [] if none.")


class StagesOut(Schema):
    initial_stages: list[str] = Field(description="Stages a contact with no stage may enter.")
    stages: list[StageOut]
