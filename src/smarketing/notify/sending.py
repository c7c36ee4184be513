"""Sending pending deliveries: claim the due rows, send outside any transaction, record.

Claiming moves a row's `due_at` a lease ahead in one short transaction (rows locked with SKIP
LOCKED on PostgreSQL; SQLite's IMMEDIATE transaction is the one writer), so two workers never
send the same row, and a worker that dies mid-send only delays it until the lease ends."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from smarketing.notify import channels, schedule
from smarketing.notify.channels import DeliveryError
from smarketing.notify.models import Channel, Delivery, DeliveryStatus
from smarketing.notify.preferences import preference_get

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
# Tries before a delivery is failed: a webhook after about a quarter of an hour of retries;
# email, whose server is ours, for about half a day.
MAX_ATTEMPTS = {Channel.EMAIL: 16, Channel.SLACK: 5, Channel.WEBHOOK: 5}
BATCH = 100


@dataclass
class SendOutcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliveries_send(*, limit: int = 1000) -> SendOutcome:
    """Send what is due, in batches, until nothing due is left or `limit` rows were tried."""
    outcome = SendOutcome()
    tried = 0
    while tried < limit:
        claimed = deliveries_claim(now=timezone.now(), size=min(BATCH, limit - tried))
        if not claimed:
            break
        tried += len(claimed)
        for group in _groups(claimed):
            _send_group(group, outcome)
    return outcome


def deliveries_claim(*, now: dt.datetime, size: int) -> list[Delivery]:
    """Take up to `size` due pending deliveries for this worker (see the module docstring)."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, due_at__lte=now)
            .order_by("due_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:size]
        )
        if not ids:
            return []
        # Conditional: a row another worker claimed meanwhile no longer matches.
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING, due_at__lte=now).update(
            due_at=now + LEASE, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=ids, due_at=now + LEASE)
        .select_related("notification__user", "notification__contact")
        .order_by("notification__created_at", "id")
    )


def _groups(claimed: list[Delivery]) -> list[list[Delivery]]:
    """Each delivery alone, except digest emails: one group (one email) per user."""
    digests: dict[int, list[Delivery]] = defaultdict(list)
    groups = []
    for delivery in claimed:
        if delivery.digest:
            digests[delivery.notification.user_id].append(delivery)
        else:
            groups.append([delivery])
    return groups + list(digests.values())


def _send_group(group: list[Delivery], outcome: SendOutcome) -> None:
    first = group[0]
    try:
        _send(group)
    except DeliveryError as exc:
        _failure_record(group, exc, outcome)
    except Exception as exc:  # a bug must not stop the other deliveries
        logger.exception("delivery %s raised", first.pk)
        _failure_record(group, DeliveryError(f"{type(exc).__name__}: {exc}", retry=True), outcome)
    else:
        Delivery.objects.filter(pk__in=[d.pk for d in group]).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
        )
        outcome.sent += len(group)


def _send(group: list[Delivery]) -> None:
    first = group[0]
    notification = first.notification
    user = notification.user
    if first.channel == Channel.EMAIL:
        channels.email_send(to=user.email, notifications=[d.notification for d in group])
        return
    # Read now, not when the alert was recorded: a URL fixed after a failure is used on retry.
    pref = preference_get(user=user)
    if first.channel == Channel.SLACK:
        if not pref.slack_url:
            raise DeliveryError("no Slack webhook URL is set any more", retry=False)
        channels.http_post(url=pref.slack_url, payload=channels.slack_payload(notification))
    else:
        if not pref.webhook_url:
            raise DeliveryError("no webhook URL is set any more", retry=False)
        channels.http_post(
            url=pref.webhook_url,
            payload=channels.webhook_payload(notification),
            secret=pref.webhook_secret,
            delivery_id=first.pk,
        )


def _failure_record(group: list[Delivery], exc: DeliveryError, outcome: SendOutcome) -> None:
    now = timezone.now()
    message = str(exc)[:500]
    outcome.errors.append(message)
    for delivery in group:
        final = not exc.retry or delivery.attempts >= MAX_ATTEMPTS[Channel(delivery.channel)]
        if final:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, last_error=message
            )
            outcome.failed += 1
            logger.warning("delivery %s failed for good: %s", delivery.pk, message)
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                due_at=now + schedule.backoff(attempts=delivery.attempts), last_error=message
            )
            outcome.retrying += 1
