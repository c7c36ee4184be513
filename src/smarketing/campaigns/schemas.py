"""Request and response bodies of /api/campaigns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from smarketing.campaigns.models import Channel
from smarketing.org.schemas import InSchema


class CampaignOut(Schema):
    id: int
    name: str
    channel: str
    utm_campaign: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    cost: Decimal
    currency: str
    owner_id: int | None = Field(description="The marketer who runs it.")
    created_at: dt.datetime


class _Dates(InSchema):
    start_date: dt.date | None = None
    end_date: dt.date | None = None

    @field_validator("end_date")
    @classmethod
    def _ends_after_start(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # Checked here so the error names end_date; the model's constraint names no field.
        start = info.data.get("start_date")
        if start and end and end < start:
            raise ValueError(f"the campaign must end on or after its start date ({start})")
        return end


class CampaignIn(_Dates):
    name: str = Field(min_length=1, max_length=200)
    channel: Channel = Channel.OTHER
    utm_campaign: str | None = Field(
        None, max_length=200, description="Slugified; defaults to the slug of the name."
    )
    cost: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    currency: str = Field("USD", min_length=3, max_length=3)
    owner_id: int | None = Field(
        None, description="A marketer, leader or admin who runs it; hears of leads recycled."
    )


class CampaignPatch(_Dates):
    name: str = Field(None, min_length=1, max_length=200)
    channel: Channel = Field(None)
    utm_campaign: str | None = Field(None, max_length=200)
    cost: Decimal = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str = Field(None, min_length=3, max_length=3)
    owner_id: int | None = None


class CampaignFilters(Schema):
    channel: Channel | None = None
