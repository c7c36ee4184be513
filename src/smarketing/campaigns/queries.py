"""Reads of campaigns. `campaigns_visible_to` is the one scoping helper."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smarketing.campaigns.models import Campaign
from smarketing.org import permissions


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    if not permissions.can(user, "campaign.view"):
        return Campaign.objects.none()
    return Campaign.objects.all()


def campaigns_filter(qs: QuerySet[Campaign], *, channel: str = "") -> QuerySet[Campaign]:
    if channel:
        qs = qs.filter(channel=channel)
    return qs
