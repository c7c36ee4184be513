"""Request and response bodies of /api/accounts and /api/contacts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from smarketing.campaigns.models import Channel
from smarketing.lifecycle.stages import Stage
from smarketing.org.schemas import InSchema, blank_or
from smarketing.people.models import Account, Contact, Seniority
from smarketing.scoring.queries import GRADE_PATTERN, SORTS

SORT_PATTERN = "^(" + "|".join(re.escape(name) for name in SORTS) + ")$"


class AccountOut(Schema):
    id: int
    name: str
    domain: str | None
    employees: int | None
    annual_revenue: Decimal | None
    industry: str
    country: str
    owner_id: int | None
    contact_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_contact_count(obj: Account) -> int:
        return getattr(obj, "contact_count", 0)


class AccountIn(InSchema):
    name: str = Field(min_length=1, max_length=200)
    domain: str | None = Field(None, max_length=253, description="www. and scheme are stripped.")
    employees: int | None = Field(None, ge=0)
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    industry: str = Field("", max_length=100)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2 code.")
    owner_id: int | None = None


class AccountPatch(InSchema):
    name: str = Field(None, min_length=1, max_length=200)
    domain: str | None = Field(None, max_length=253)
    employees: int | None = Field(None, ge=0)
    annual_revenue: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    industry: str = Field(None, max_length=100)
    country: str = Field(None, max_length=2)
    owner_id: int | None = None


class AccountFilters(Schema):
    q: str = Field("", description="Part of the name or domain.")
    domain: str = ""
    industry: str = ""
    country: str = ""
    owner_id: int | None = None
    min_employees: int | None = Field(None, ge=0)
    max_employees: int | None = Field(None, ge=0)


class ContactOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    full_name: str
    title: str
    seniority: str
    phone: str
    country: str
    account_id: int | None
    account_name: str | None
    owner_id: int | None
    source_channel: str
    source_campaign_id: int | None
    lifecycle_stage: str
    lifecycle_stage_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    score: StoredScoreOut | None = Field(
        None,
        description="The stored score in the listed score group (the default group unless "
        "`score_group` is given); null before the contact's first scoring. The full "
        "explanation is at /api/contacts/{id}/score.",
    )

    @staticmethod
    def resolve_account_name(obj: Contact) -> str | None:
        return obj.account.name if obj.account_id else None

    @staticmethod
    def resolve_score(obj: Contact) -> dict[str, Any] | None:
        if hasattr(obj, "score_total"):  # annotated by the list's query
            if obj.score_total is None:
                return None
            group = getattr(obj, "score_group_id", "default")
            return dict(
                zip(
                    SCORE_FIELDS,
                    (group, *(getattr(obj, f"score_{f}") for f in SCORE_FIELDS[1:])),
                    strict=True,
                )
            )
        row = obj.current_scores.filter(group="default").first()
        if row is None:
            return None
        return {name: getattr(row, name) for name in SCORE_FIELDS}


# StoredScoreOut's fields, as the stored row and the list's annotations (score_<name>) call them.
SCORE_FIELDS = ("group", "total", "fit", "engagement", "grade", "is_mql", "predicted")


class StoredScoreOut(Schema):
    group: str
    total: float
    fit: float
    engagement: float
    grade: str
    is_mql: bool
    predicted: float | None


SourceChannel = blank_or(Channel)
SeniorityChoice = blank_or(Seniority)


class ContactIn(InSchema):
    email: str = Field(min_length=1, max_length=254)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    title: str = Field("", max_length=200)
    seniority: SeniorityChoice = ""
    phone: str = Field("", max_length=40)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2 code.")
    account_id: int | None = None
    owner_id: int | None = None
    source_channel: SourceChannel = ""
    source_campaign_id: int | None = None
    stage: Stage | None = Field(None, description="First lifecycle stage, recorded in history.")


class ContactPatch(InSchema):
    """Every field optional; the stage moves only through POST /contacts/{id}/transitions."""

    email: str = Field(None, min_length=1, max_length=254)
    first_name: str = Field(None, max_length=100)
    last_name: str = Field(None, max_length=100)
    title: str = Field(None, max_length=200)
    seniority: SeniorityChoice = Field(None)
    phone: str = Field(None, max_length=40)
    country: str = Field(None, max_length=2)
    account_id: int | None = None
    owner_id: int | None = None
    source_channel: SourceChannel = Field(None)
    source_campaign_id: int | None = None


class ContactFilters(Schema):
    q: str = Field("", description="Part of the email, name or account name.")
    email: str = ""
    stage: Stage | None = None
    owner_id: int | None = None
    account_id: int | None = None
    source_channel: str = ""
    campaign_id: int | None = None
    score_group: str = Field("default", description="The score group the score fields use.")
    min_score: float | None = Field(None, description="Total score at least this.")
    max_score: float | None = Field(None, description="Total score at most this.")
    grade: str = Field(
        "",
        pattern=GRADE_PATTERN,
        description="A fit letter (every grade with it) or a full grade such as A1.",
    )
    mql: bool | None = Field(None, description="Whether the scores meet the MQL criteria.")
    sort: str = Field(
        "-created",
        pattern=SORT_PATTERN,
        description=f"The order, one of {', '.join(SORTS)}; scores not computed yet come last.",
    )
