"""Request and response bodies of /api/activities, /api/leads and /api/feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from smarketing.handoff.models import (
    Activity,
    ActivityKind,
    CallOutcome,
    LeadFeedback,
    SqlQualification,
)
from smarketing.org.schemas import InSchema, blank_or


class ActivityOut(Schema):
    id: int
    kind: str
    contact_id: int
    contact_email: str
    account_id: int | None
    deal_id: int | None
    user_id: int | None
    occurred_at: dt.datetime
    subject: str
    body: str
    outcome: str
    external_id: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_contact_email(obj: Activity) -> str:
        return obj.contact.email


OutcomeChoice = blank_or(CallOutcome)


class ActivityIn(InSchema):
    kind: ActivityKind
    contact_id: int
    deal_id: int | None = None
    user_id: int | None = Field(None, description="Who did it; defaults to the caller.")
    occurred_at: dt.datetime | None = Field(None, description="Defaults to now.")
    subject: str = Field("", max_length=300)
    body: str = ""
    outcome: OutcomeChoice = Field("", description="Calls only.")
    external_id: str | None = Field(None, max_length=100)


class ActivityPatch(InSchema):
    kind: ActivityKind = Field(None)
    contact_id: int = Field(None)
    deal_id: int | None = None
    user_id: int | None = None
    occurred_at: dt.datetime = Field(None)
    subject: str = Field(None, max_length=300)
    body: str = Field(None)
    outcome: OutcomeChoice = Field(None)
    external_id: str | None = Field(None, max_length=100)


class ActivityFilters(Schema):
    contact_id: int | None = None
    user_id: int | None = None
    kind: ActivityKind | None = None


# Leads handed over to sales: decisions, feedback, the rep's list and the monthly review.


class FeedbackOut(Schema):
    id: int
    contact_id: int
    user_id: int
    user_email: str
    kind: str
    reason: str | None = Field(None, description="The reason's code.")
    reason_label: str | None
    rating: int | None
    comment: str
    at: dt.datetime

    @staticmethod
    def resolve_user_email(obj: LeadFeedback) -> str:
        return obj.user.email

    @staticmethod
    def resolve_reason(obj: LeadFeedback) -> str | None:
        return obj.reason.code if obj.reason else None

    @staticmethod
    def resolve_reason_label(obj: LeadFeedback) -> str | None:
        return obj.reason.label if obj.reason else None


class SqlItemOut(Schema):
    id: str
    label: str


class SqlQualificationOut(Schema):
    """The SQL checklist confirmed when the lead became an SQL."""

    transition_id: int
    definition_version: int = Field(description="The number of the definition version.")
    items: list[SqlItemOut] = Field(description="Every item of that version's checklist.")
    user_email: str
    at: dt.datetime

    @staticmethod
    def resolve_definition_version(obj: SqlQualification) -> int:
        return obj.definition_version.number

    @staticmethod
    def resolve_user_email(obj: SqlQualification) -> str:
        return obj.user.email


class DecisionOut(Schema):
    contact_id: int
    stage: str = Field(description="The lead's lifecycle stage after the decision.")
    transition_id: int | None
    feedback: FeedbackOut | None
    deal_id: int | None = None
    sql_checklist: SqlQualificationOut | None = Field(
        None, description="On a conversion to SQL: the checklist confirmed."
    )


Rating = Field(None, ge=1, le=5, description="Lead quality, 1 (poor) to 5 (excellent).")


class AcceptIn(InSchema):
    rating: int | None = Rating
    comment: str = Field("", max_length=5000)


class ReasonedIn(InSchema):
    reason: str = Field(
        description="A reason code of the fitting kind (GET /api/lifecycle/reasons)."
    )
    comment: str = Field("", max_length=5000)


class ConvertIn(InSchema):
    checklist: list[str] = Field(
        description="The ids of the live definition's SQL checklist items, every one confirmed."
    )
    rating: int | None = Rating
    comment: str = Field("", max_length=5000)


class DealIn(InSchema):
    name: str = Field(max_length=200)
    amount: Decimal | None = Field(None, ge=0)
    currency: str = Field("", max_length=3, description="Defaults to USD.")
    close_date: dt.date | None = None


class RatingIn(InSchema):
    rating: int = Field(ge=1, le=5, description="Lead quality, 1 (poor) to 5 (excellent).")
    comment: str = Field("", max_length=5000)


class LeadOut(Schema):
    id: int
    email: str
    name: str
    account: str | None
    stage: str
    stage_at: dt.datetime | None
    owner_id: int | None
    score: float | None
    grade: str | None
    urgent_clock: str | None = Field(
        None, description="The most urgent SLA clock, e.g. 'accept: due soon'."
    )
    urgent_due_at: dt.datetime | None = None


class LeadFilters(Schema):
    team: bool = Field(False, description="A leader's whole team instead of their own leads.")


class ReviewRowOut(Schema):
    key: str
    feedback: int
    accepted: int
    rejected: int
    disqualified: int
    recycled: int
    ratings: int
    rating_average: float | None
    acceptance_rate: float | None
    top_reasons: list[tuple[str, int]]


class ReviewReasonOut(Schema):
    kind: str
    reason: str
    count: int


class ReviewOut(Schema):
    month: str
    total: ReviewRowOut
    by_channel: list[ReviewRowOut]
    by_campaign: list[ReviewRowOut]
    by_content: list[ReviewRowOut]
    by_size: list[ReviewRowOut]
    by_industry: list[ReviewRowOut]
    reasons: list[ReviewReasonOut]


class ReviewQuery(Schema):
    month: str = Field(description="YYYY-MM, in UTC.")
