"""Reads of sales activities. `activities_visible_to` is the one scoping helper."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from smarketing.handoff.models import Activity
from smarketing.org import permissions


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    if not permissions.can(user, "activity.view"):
        return Activity.objects.none()
    return Activity.objects.select_related("contact", "user")


def activities_filter(
    qs: QuerySet[Activity],
    *,
    contact_id: int | None = None,
    user_id: int | None = None,
    kind: str = "",
) -> QuerySet[Activity]:
    if contact_id:
        qs = qs.filter(contact_id=contact_id)
    if user_id:
        qs = qs.filter(user_id=user_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
