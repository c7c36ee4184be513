"""Telling people: every alert becomes a Notification row first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from smarketing.notify.models import AlertKind, Notification


def notify(
    *,
    user: Any,
    kind: AlertKind | str,
    title: str,
    body: str = "",
    url: str = "",
    contact: Any = None,
    dedupe_key: str | None = None,
    at: dt.datetime | None = None,
) -> Notification | None:
    """Record an alert for `user`. With `dedupe_key`, an alert already recorded under that key
    is not recorded again (returns None), whichever worker got there first."""
    kind = AlertKind(kind)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                kind=kind,
                title=title[:300],
                body=body,
                url=url,
                contact=contact,
                dedupe_key=dedupe_key,
                created_at=at or timezone.now(),
            )
    except IntegrityError:
        if dedupe_key is not None and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def notifications_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (these ids, or all) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
