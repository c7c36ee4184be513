"""Reads shared by the notifications pages, the bell and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from smarketing.notify.models import Delivery, DeliveryStatus, Notification
from smarketing.org.permissions import can


def notifications_of(*, user: Any, unread: bool = False) -> QuerySet[Notification]:
    """A user's own notifications, newest first, each with its deliveries."""
    qs = Notification.objects.filter(user=user).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("channel"))
    )
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def sees_all_deliveries(user: Any) -> bool:
    """Admins see (and retry) everyone's deliveries: they run the SMTP server and the hooks."""
    return can(user, "user.manage")


def deliveries_visible_to(
    user: Any, *, status: str = "", everyone: bool = False
) -> QuerySet[Delivery]:
    qs = Delivery.objects.select_related("notification__user").order_by("-created_at", "-id")
    if not (everyone and sees_all_deliveries(user)):
        qs = qs.filter(notification__user=user)
    return qs.filter(status=status) if status else qs


def failed_count(user: Any) -> int:
    return deliveries_visible_to(user, status=DeliveryStatus.FAILED).count()
