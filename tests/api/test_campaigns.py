"""/api/campaigns: list by channel with pages, get, create, partial update, errors."""

from __future__ import annotations

from smarketing.campaigns.models import Campaign
from tests.api.conftest import error_fields
from tests.factories import CampaignFactory


def test_campaign_create_when_valid_derives_utm_from_name(as_marketer):
    response = as_marketer.create(
        "/api/campaigns",
        {"name": "Spring Webinar", "channel": "events", "cost": "1500.50", "currency": "EUR"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["utm_campaign"] == "spring-webinar"
    assert body["channel"] == "events"
    assert body["cost"] == "1500.50"


def test_campaign_owner_when_a_marketer_is_set_and_shown(as_marketer, marketer):
    response = as_marketer.create("/api/campaigns", {"name": "Launch", "owner_id": marketer.pk})
    assert response.status_code == 201, response.content
    assert response.json()["owner_id"] == marketer.pk
    assert Campaign.objects.get().owner == marketer


def test_campaign_owner_when_a_sales_rep_or_unknown_names_owner_id(as_marketer, rep):
    response = as_marketer.create("/api/campaigns", {"name": "Launch", "owner_id": rep.pk})
    assert error_fields(response) == {"owner_id"}
    assert "cannot own a campaign" in response.json()["detail"]
    response = as_marketer.create("/api/campaigns", {"name": "Launch", "owner_id": 99999})
    assert error_fields(response) == {"owner_id"}
    assert not Campaign.objects.exists()


def test_campaign_create_when_cost_negative_names_cost(as_marketer):
    response = as_marketer.create("/api/campaigns", {"name": "X", "cost": -1})
    assert error_fields(response) == {"cost"}
    assert not Campaign.objects.exists()


def test_campaign_create_when_channel_unknown_names_channel(as_marketer):
    response = as_marketer.create("/api/campaigns", {"name": "X", "channel": "telepathy"})
    assert error_fields(response) == {"channel"}


def test_campaign_create_when_name_taken_names_name(as_marketer):
    CampaignFactory(name="Launch")
    response = as_marketer.create("/api/campaigns", {"name": "Launch", "utm_campaign": "other"})
    assert error_fields(response) == {"name"}


def test_campaign_update_when_partial_keeps_other_fields(as_marketer):
    campaign = CampaignFactory(name="Launch", channel="email")
    response = as_marketer.change(f"/api/campaigns/{campaign.pk}", {"cost": "99.00"})
    assert response.status_code == 200, response.content
    campaign.refresh_from_db()
    assert (campaign.name, campaign.channel, str(campaign.cost)) == ("Launch", "email", "99.00")


def test_campaign_update_when_missing_is_404(as_marketer):
    assert as_marketer.change("/api/campaigns/5150", {"cost": 1}).status_code == 404


def test_campaign_get_when_exists_returns_it(as_rep):
    campaign = CampaignFactory(name="Launch")
    body = as_rep.get(f"/api/campaigns/{campaign.pk}").json()
    assert (body["id"], body["name"]) == (campaign.pk, "Launch")


def test_campaign_list_when_filtered_by_channel_and_paged(as_rep):
    CampaignFactory.create_batch(3, channel="email")
    CampaignFactory(channel="social")
    page = as_rep.get("/api/campaigns", {"channel": "email", "limit": 2}).json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    assert {c["channel"] for c in page["items"]} == {"email"}


def test_campaign_create_when_ends_before_start_names_end_date(as_marketer):
    response = as_marketer.create(
        "/api/campaigns", {"name": "X", "start_date": "2025-02-01", "end_date": "2025-01-31"}
    )
    assert error_fields(response) == {"end_date"}
