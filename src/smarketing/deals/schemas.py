"""Request and response bodies of /api/deals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from smarketing.deals.models import Deal, DealStage, LossReason
from smarketing.org.schemas import InSchema, blank_or


class DealOut(Schema):
    id: int
    external_id: str | None
    name: str
    account_id: int
    account_name: str
    primary_contact_id: int | None
    owner_id: int | None
    amount: Decimal
    currency: str
    stage: str
    close_date: dt.date | None
    closed_at: dt.datetime | None
    loss_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_account_name(obj: Deal) -> str:
        return obj.account.name


LossReasonChoice = blank_or(LossReason)


class DealIn(InSchema):
    name: str = Field(min_length=1, max_length=200)
    account_id: int
    primary_contact_id: int | None = Field(None, description="A contact of the same account.")
    owner_id: int | None = Field(None, description="Defaults to the user creating the deal.")
    amount: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("USD", min_length=3, max_length=3)
    stage: DealStage = DealStage.DISCOVERY
    close_date: dt.date | None = None
    loss_reason: LossReasonChoice = Field("", description="Required when stage is lost.")
    external_id: str | None = Field(None, max_length=100)


class DealPatch(InSchema):
    """Moving to `won` makes every contact of the account a customer."""

    name: str = Field(None, min_length=1, max_length=200)
    account_id: int = Field(None)
    primary_contact_id: int | None = None
    owner_id: int | None = None
    amount: Decimal = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str = Field(None, min_length=3, max_length=3)
    stage: DealStage = Field(None)
    close_date: dt.date | None = None
    loss_reason: LossReasonChoice = Field(None)
    external_id: str | None = Field(None, max_length=100)


class DealFilters(Schema):
    stage: DealStage | None = None
    account_id: int | None = None
    owner_id: int | None = None
    closed_after: dt.date | None = Field(None, description="Closed on or after this day (UTC).")
    closed_before: dt.date | None = Field(None, description="Closed on or before this day (UTC).")
