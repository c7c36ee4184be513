"""Telling people: every alert becomes a Notification row first, then a Delivery row per outside
channel the person chose. Sending happens later, in notify.sending, so no channel being down
can make notify() fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from smarketing.notify import schedule
from smarketing.notify.models import (
    AlertKind,
    Channel,
    Delivery,
    DeliveryStatus,
    EmailMode,
    Notification,
    NotificationPreference,
)
from smarketing.notify.preferences import preference_get

# An alert recorded this long after it happened (a replayed history, the demo's past year) is
# news to nobody: it goes in-app only, never by email or webhook.
STALE_AFTER = dt.timedelta(hours=1)
HISTORY_AFTER = dt.timedelta(days=1)
# A daily digest goes out at the start of the team's working day; without a team, at this hour.
DIGEST_HOUR = dt.time(8, 0)


@dataclass(frozen=True)
class Alert:
    """What `notify` records, for `notify_many`."""

    user: Any
    kind: AlertKind | str
    title: str
    body: str = ""
    url: str = ""
    contact: Any = None
    dedupe_key: str | None = None
    at: dt.datetime | None = None


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
    try:
        return _recorded([Alert(user, kind, title, body, url, contact, dedupe_key, at)])[0]
    except IntegrityError:
        if dedupe_key is not None and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def notify_many(alerts: Sequence[Alert]) -> list[Notification | None]:
    """`notify` for each alert, written together (the new MQLs of an event batch). When a
    dedupe key is taken already, they are recorded one by one, as `notify` does."""
    if not alerts:
        return []
    try:
        return list(_recorded(alerts))
    except IntegrityError:
        return [notify(**vars(alert)) for alert in alerts]


def _recorded(alerts: Sequence[Alert]) -> list[Notification]:
    """The alerts' notifications and deliveries, each user's preferences read once, in one
    insert each and one transaction (a taken dedupe key leaves nothing written)."""
    now = timezone.now()
    prefs: dict[int, NotificationPreference] = {}
    made = []
    for alert in alerts:
        pref = prefs.get(alert.user.pk)
        if pref is None:
            pref = prefs[alert.user.pk] = preference_get(user=alert.user)
        made.append((_notification(alert, pref, now), pref))
    with transaction.atomic():
        Notification.objects.bulk_create([n for n, _ in made])
        _deliveries_write(made, now)
    return [n for n, _ in made]


def _notification(alert: Alert, pref: NotificationPreference, now: dt.datetime) -> Notification:
    kind = AlertKind(alert.kind)
    created_at = alert.at or now
    return Notification(
        user=alert.user,
        kind=kind,
        title=alert.title[:300],
        body=alert.body,
        url=alert.url,
        contact=alert.contact,
        dedupe_key=alert.dedupe_key,
        created_at=created_at,
        # A muted kind stays on the notifications page but does not ring the bell, and neither
        # does history recorded long after it happened (an import, the demo's past year): it
        # is on the page, not news.
        read_at=created_at
        if kind.value in pref.muted_kinds or now - created_at > HISTORY_AFTER
        else None,
    )


def _deliveries_write(
    made: Sequence[tuple[Notification, NotificationPreference]], now: dt.datetime
) -> None:
    """The deliveries of alerts just recorded, in one insert; a send is queued for when the
    transaction commits if one of them is due now."""
    rows = []
    for notification, pref in made:
        muted = notification.kind in pref.muted_kinds
        if not muted and now - notification.created_at <= STALE_AFTER:
            rows += _deliveries(notification=notification, pref=pref, now=now)
    Delivery.objects.bulk_create(rows)
    if any(d.due_at <= now for d in rows):
        # Told at once, not at the next minute's sweep; the sweep still catches it if this
        # enqueue is lost.
        transaction.on_commit(_send_soon)


def _send_soon() -> None:
    from smarketing.notify.tasks import deliveries_send_soon

    deliveries_send_soon()


def _deliveries(
    *, notification: Notification, pref: NotificationPreference, now: dt.datetime
) -> list[Delivery]:
    user = notification.user
    team = user.team
    tz = team.timezone if team else "UTC"
    quiet = {"start": pref.quiet_start, "end": pref.quiet_end, "tz": tz}
    rows = []
    if pref.email and email_configured() and user.email:
        digest = pref.email_mode != EmailMode.IMMEDIATE
        due = now
        if digest:
            daily_at = team.day_start if team else DIGEST_HOUR
            due = schedule.digest_due(
                at=now, daily=pref.email_mode == EmailMode.DAILY, tz=tz, daily_at=daily_at
            )
        rows.append(Delivery(channel=Channel.EMAIL, digest=digest, due_at=_after_quiet(due, quiet)))
    if pref.slack_url:
        rows.append(Delivery(channel=Channel.SLACK, due_at=_after_quiet(now, quiet)))
    if pref.webhook_url:
        rows.append(Delivery(channel=Channel.WEBHOOK, due_at=_after_quiet(now, quiet)))
    for row in rows:
        row.notification = notification
        row.created_at = now
    return rows


def email_configured() -> bool:
    """Email is set up when an SMTP host is (or a non-SMTP backend, e.g. in development)."""
    backend = settings.EMAIL_BACKEND
    return bool(settings.EMAIL_HOST) or not backend.endswith("smtp.EmailBackend")


def _after_quiet(due: dt.datetime, quiet: dict[str, Any]) -> dt.datetime:
    return schedule.quiet_until(at=due, **quiet) or due


def notifications_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (these ids, or all) read; returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def deliveries_retry(*, ids: list[int], user: Any | None) -> int:
    """Send failed deliveries again from the first try: the user's own, or with no user (an
    admin, an operator) anyone's. Returns how many were set pending."""
    qs = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED)
    if user is not None:
        qs = qs.filter(notification__user=user)
    return qs.update(status=DeliveryStatus.PENDING, attempts=0, due_at=timezone.now())
