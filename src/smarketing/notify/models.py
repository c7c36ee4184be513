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
