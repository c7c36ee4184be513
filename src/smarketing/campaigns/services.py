"""Campaign writes."""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from smarketing.campaigns.models import Campaign
from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.org.models import Role, User

CAMPAIGN_FIELDS = frozenset(
    {
        "name",
        "channel",
        "utm_campaign",
        "start_date",
        "end_date",
        "cost",
        "currency",
        "owner",
        "owner_id",
        "created_at",
    }
)
# Who may own a campaign: the people who run marketing's work.
OWNER_ROLES = (Role.MARKETING, Role.LEADER, Role.ADMIN)


def _check(fields: dict[str, Any]) -> None:
    fields_check(fields, CAMPAIGN_FIELDS)
    if fields.get("utm_campaign"):
        fields["utm_campaign"] = slugify(fields["utm_campaign"])


def _owner_check(campaign: Campaign) -> None:
    if campaign.owner_id is None:
        return
    owner = User.objects.filter(pk=campaign.owner_id).first()
    if owner is None:
        raise InvalidInput(f"no user with id {campaign.owner_id}", field="owner_id")
    if not owner.is_active or owner.role not in OWNER_ROLES:
        raise InvalidInput(
            f"{owner.email} cannot own a campaign: an owner is an active marketer, leader or admin",
            field="owner_id",
        )


def _clean(campaign: Campaign) -> None:
    # Before full_clean, whose check of the same constraint names no field.
    start, end = campaign.start_date, campaign.end_date
    if start and end and end < start:
        raise InvalidInput("the campaign ends before it starts", field="end_date")
    _owner_check(campaign)
    full_clean(campaign)


def campaign_create(**fields: Any) -> Campaign:
    _check(fields)
    fields.setdefault("utm_campaign", slugify(fields.get("name", "")) or None)
    campaign = Campaign(**fields)
    _clean(campaign)
    campaign.save()
    return campaign


def campaign_update(*, campaign: Campaign, **fields: Any) -> Campaign:
    _check(fields)
    for name, value in fields.items():
        setattr(campaign, name, value)
    _clean(campaign)
    campaign.save()
    return campaign
