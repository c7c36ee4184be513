"""/api/content: list by funnel stage and type with pages, get, create, partial update, errors."""

from __future__ import annotations

from tests.api.conftest import error_fields
from tests.factories import ContentAssetFactory


def test_asset_create_when_valid_returns_201(as_marketer):
    response = as_marketer.create(
        "/api/content",
        {"title": "Pricing guide", "asset_type": "ebook", "funnel_stage": "bofu"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["asset_type"], body["funnel_stage"], body["url"]) == (
        "Pricing guide",
        "ebook",
        "bofu",
        None,
    )


def test_asset_create_when_funnel_stage_missing_names_it(as_marketer):
    response = as_marketer.create("/api/content", {"title": "Guide"})
    assert error_fields(response) == {"funnel_stage"}


def test_asset_create_when_url_bad_names_url(as_marketer):
    response = as_marketer.create(
        "/api/content", {"title": "Guide", "funnel_stage": "tofu", "url": "nowhere"}
    )
    assert error_fields(response) == {"url"}


def test_asset_update_when_partial_keeps_other_fields(as_marketer):
    asset = ContentAssetFactory(title="Guide", funnel_stage="tofu")
    response = as_marketer.change(f"/api/content/{asset.pk}", {"funnel_stage": "mofu"})
    assert response.status_code == 200, response.content
    asset.refresh_from_db()
    assert (asset.title, asset.funnel_stage) == ("Guide", "mofu")


def test_asset_update_when_url_emptied_clears_it(as_marketer):
    asset = ContentAssetFactory()
    response = as_marketer.change(f"/api/content/{asset.pk}", {"url": ""})
    assert response.json()["url"] is None


def test_asset_get_when_missing_is_404(as_rep):
    response = as_rep.get("/api/content/777")
    assert response.status_code == 404
    assert response.json()["detail"] == "content asset 777 not found"


def test_asset_list_when_filtered_and_paged(as_rep):
    ContentAssetFactory.create_batch(3, funnel_stage="bofu", asset_type="case_study")
    ContentAssetFactory(funnel_stage="bofu", asset_type="datasheet")
    ContentAssetFactory(funnel_stage="tofu", asset_type="case_study")
    page = as_rep.get("/api/content", {"funnel_stage": "bofu", "limit": 2}).json()
    assert (page["count"], len(page["items"])) == (4, 2)
    both = as_rep.get("/api/content", {"funnel_stage": "bofu", "asset_type": "case_study"}).json()
    assert both["count"] == 3
