"""Reads of content assets. `assets_visible_to` is the one scoping helper."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smarketing.content.models import ContentAsset
from smarketing.org import permissions


def assets_visible_to(user: Any) -> QuerySet[ContentAsset]:
    if not permissions.can(user, "content.view"):
        return ContentAsset.objects.none()
    return ContentAsset.objects.all()


def assets_filter(
    qs: QuerySet[ContentAsset], *, funnel_stage: str = "", asset_type: str = ""
) -> QuerySet[ContentAsset]:
    if funnel_stage:
        qs = qs.filter(funnel_stage=funnel_stage)
    if asset_type:
        qs = qs.filter(asset_type=asset_type)
    return qs
