"""/api/content: parse, check the role, call content.services, render."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.content import services
from smarketing.content.models import ContentAsset
from smarketing.content.queries import assets_filter, assets_visible_to
from smarketing.content.schemas import AssetFilters, AssetIn, AssetOut, AssetPatch
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination

router = Router(tags=["content"])


@router.get("", response={200: list[AssetOut], **ERRORS}, summary="List content assets")
@paginate(Pagination)
def asset_list(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[ContentAsset]:
    require(request.user, "content.view")
    qs = assets_filter(
        assets_visible_to(request.user),
        funnel_stage=filters.funnel_stage or "",
        asset_type=filters.asset_type or "",
    )
    return qs.order_by("title", "id")


@router.get("/{asset_id}", response={200: AssetOut, **ERRORS}, summary="One content asset")
def asset_get(request: HttpRequest, asset_id: int) -> ContentAsset:
    require(request.user, "content.view")
    return get_or_404(assets_visible_to(request.user), asset_id, "content asset")


@router.post("", response={201: AssetOut, **WRITE_ERRORS}, summary="Create a content asset")
def asset_create(request: HttpRequest, payload: AssetIn) -> Status[ContentAsset]:
    require(request.user, "content.change")
    asset = services.asset_create(**payload.model_dump())
    return Status(201, get_or_404(assets_visible_to(request.user), asset.pk, "content asset"))


@router.patch(
    "/{asset_id}", response={200: AssetOut, **WRITE_ERRORS}, summary="Change a content asset"
)
def asset_update(request: HttpRequest, asset_id: int, payload: AssetPatch) -> ContentAsset:
    require(request.user, "content.change")
    asset = get_or_404(assets_visible_to(request.user), asset_id, "content asset")
    services.asset_update(asset=asset, **payload.model_dump(exclude_unset=True))
    return get_or_404(assets_visible_to(request.user), asset.pk, "content asset")
