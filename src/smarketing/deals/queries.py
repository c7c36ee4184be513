"""Reads of deals. `deals_visible_to` is the one scoping helper."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from smarketing.deals.models import Deal
from smarketing.org import permissions


def deals_visible_to(user: Any) -> QuerySet[Deal]:
    if not permissions.can(user, "deal.view"):
        return Deal.objects.none()
    return Deal.objects.select_related("account", "primary_contact", "owner")


def deals_filter(
    qs: QuerySet[Deal],
    *,
    stage: str = "",
    account_id: int | None = None,
    owner_id: int | None = None,
    closed_after: dt.date | None = None,
    closed_before: dt.date | None = None,
) -> QuerySet[Deal]:
    """`closed_after`/`closed_before` bound the close date, both ends included."""
    if stage:
        qs = qs.filter(stage=stage)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if closed_after is not None:
        qs = qs.filter(closed_at__date__gte=closed_after)
    if closed_before is not None:
        qs = qs.filter(closed_at__date__lte=closed_before)
    return qs
