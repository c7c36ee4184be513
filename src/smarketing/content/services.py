"""Content asset writes."""

from __future__ import annotations

from typing import Any

from smarketing.content.models import ContentAsset
from smarketing.errors import fields_check, full_clean

ASSET_FIELDS = frozenset({"title", "asset_type", "funnel_stage", "url", "created_at"})


def _check(fields: dict[str, Any]) -> None:
    fields_check(fields, ASSET_FIELDS)
    if "url" in fields:
        fields["url"] = fields["url"] or None


def asset_create(**fields: Any) -> ContentAsset:
    _check(fields)
    asset = ContentAsset(**fields)
    full_clean(asset)
    asset.save()
    return asset


def asset_update(*, asset: ContentAsset, **fields: Any) -> ContentAsset:
    _check(fields)
    for name, value in fields.items():
        setattr(asset, name, value)
    full_clean(asset)
    asset.save()
    return asset
