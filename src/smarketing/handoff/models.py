"""Sales activities on contacts: calls, emails, meetings and notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ActivityKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"


class CallOutcome(models.TextChoices):
    CONNECTED = "connected", "Connected"
    VOICEMAIL = "voicemail", "Left voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class Activity(models.Model):
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="activities"
    )
    account = models.ForeignKey(
        "people.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text="Who did it.",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=CallOutcome.choices, blank=True)
    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["contact", "occurred_at"], name="activity_contact_at"),
            models.Index(fields=["user", "occurred_at"], name="activity_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.contact} at {self.occurred_at:%Y-%m-%d}"
