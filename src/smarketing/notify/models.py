"""Notifications: what a person is told, kept as rows first (in-app, and the source of every
email and webhook delivery), so none is lost when a channel is down."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AlertKind(models.TextChoices):
    MQL_ASSIGNED = "mql_assigned", "New MQL assigned to you"
    PROSPECT_VISIT = "prospect_visit", "A prospect of yours is on the website"
    SLA_DUE = "sla_due", "SLA due soon"
    SLA_BREACHED = "sla_breached", "SLA breached"
    LEAD_RECYCLED = "lead_recycled", "Lead recycled back to marketing"


class Notification(models.Model):
    """One alert for one person. `dedupe_key` makes a repeated alert (a retried task, two
    workers) a no-op: the unique index keeps the first."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Where it points in the app.")
    contact = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox"),
            models.Index(fields=["contact", "kind", "created_at"], name="notification_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack-compatible webhook"
    WEBHOOK = "webhook", "Signed JSON webhook"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "One email per alert"
    HOURLY = "hourly", "An hourly digest"
    DAILY = "daily", "A daily digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One notification on one outside channel (in-app needs none: the Notification is it).

    A worker claims a pending row by moving `due_at` past now (a lease): a second worker no
    longer sees it, and a worker that dies mid-send leaves it to be tried again when the lease
    ends. A failed send moves `due_at` by the backoff; too many make the row failed."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    digest = models.BooleanField(default=False, help_text="Sent in a digest email.")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.channel} of {self.notification_id}: {self.status}"


class NotificationPreference(models.Model):
    """How one person wants to be told. In-app is always on; a missing row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    # Muted rather than chosen kinds, so an alert kind added later is on for everyone.
    muted_kinds = models.JSONField(
        default=list, blank=True, help_text="Alert kinds kept in the app only, marked read."
    )
    email = models.BooleanField(default=True)
    email_mode = models.CharField(
        max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    slack_url = models.URLField(max_length=500, blank=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=100, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
