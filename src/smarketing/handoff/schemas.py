"""Request and response bodies of /api/activities."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from smarketing.handoff.models import Activity, ActivityKind, CallOutcome
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
