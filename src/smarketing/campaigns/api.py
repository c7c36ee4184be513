"""/api/campaigns: parse, check the role, call campaigns.services, render."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.campaigns import services
from smarketing.campaigns.models import Campaign
from smarketing.campaigns.queries import campaigns_filter, campaigns_visible_to
from smarketing.campaigns.schemas import CampaignFilters, CampaignIn, CampaignOut, CampaignPatch
from smarketing.org.api import get_or_404
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination

router = Router(tags=["campaigns"])


@router.get("", response={200: list[CampaignOut], **ERRORS}, summary="List campaigns")
@paginate(Pagination)
def campaign_list(request: HttpRequest, filters: Query[CampaignFilters]) -> QuerySet[Campaign]:
    require(request.user, "campaign.view")
    qs = campaigns_filter(campaigns_visible_to(request.user), channel=filters.channel or "")
    return qs.order_by("-start_date", "name", "id")


@router.get("/{campaign_id}", response={200: CampaignOut, **ERRORS}, summary="One campaign")
def campaign_get(request: HttpRequest, campaign_id: int) -> Campaign:
    require(request.user, "campaign.view")
    return get_or_404(campaigns_visible_to(request.user), campaign_id, "campaign")


@router.post("", response={201: CampaignOut, **WRITE_ERRORS}, summary="Create a campaign")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[Campaign]:
    require(request.user, "campaign.change")
    fields = payload.model_dump()
    if fields["utm_campaign"] is None:
        # Absent means "derive from the name", which the service does when the key is missing.
        del fields["utm_campaign"]
    campaign = services.campaign_create(**fields)
    return Status(201, get_or_404(campaigns_visible_to(request.user), campaign.pk, "campaign"))


@router.patch(
    "/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS}, summary="Change a campaign"
)
def campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignPatch) -> Campaign:
    require(request.user, "campaign.change")
    campaign = get_or_404(campaigns_visible_to(request.user), campaign_id, "campaign")
    fields = payload.model_dump(exclude_unset=True)
    if "utm_campaign" in fields:
        fields["utm_campaign"] = fields["utm_campaign"] or None  # "" clears it, as null does
    services.campaign_update(campaign=campaign, **fields)
    return get_or_404(campaigns_visible_to(request.user), campaign.pk, "campaign")
