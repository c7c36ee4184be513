"""Request and response bodies of /api/content."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from smarketing.content.models import AssetType, FunnelStage
from smarketing.org.schemas import InSchema


class AssetOut(Schema):
    id: int
    title: str
    asset_type: str
    funnel_stage: str
    url: str | None
    created_at: dt.datetime


class AssetIn(InSchema):
    title: str = Field(min_length=1, max_length=300)
    asset_type: AssetType = AssetType.OTHER
    funnel_stage: FunnelStage
    url: str | None = Field(None, max_length=500)


class AssetPatch(InSchema):
    title: str = Field(None, min_length=1, max_length=300)
    asset_type: AssetType = Field(None)
    funnel_stage: FunnelStage = Field(None)
    url: str | None = Field(None, max_length=500)


class AssetFilters(Schema):
    funnel_stage: FunnelStage | None = None
    asset_type: AssetType | None = None
