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


class Assignment(models.Model):
    """Who owns a contact from when, and what chose them: one row per (re)assignment, never
    updated (Contact.owner caches the newest). SLA clocks start at the assignment of an MQL."""

    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="assignments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    rule = models.CharField(
        max_length=200,
        help_text='What chose the owner: a routing rule ("territory: DACH") or "by hand".',
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who reassigned it by hand; empty when routing did.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["contact", "at"], name="assignment_contact_at"),
            models.Index(fields=["owner", "at"], name="assignment_owner_at"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.owner_id} at {self.at:%Y-%m-%d %H:%M} ({self.rule})"


class FeedbackKind(models.TextChoices):
    ACCEPT = "accept", "Accepted"
    REJECT = "reject", "Rejected"
    DISQUALIFY = "disqualify", "Disqualified"
    RECYCLE = "recycle", "Recycled"
    RATING = "rating", "Rating"


class LeadFeedback(models.Model):
    """Sales' word on a lead marketing handed over: the decision (with its reason where one is
    required) and/or a 1-5 quality rating with a comment. Never updated."""

    contact = models.ForeignKey("people.Contact", on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=FeedbackKind.choices)
    reason = models.ForeignKey(
        "lifecycle.TransitionReason",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["contact", "at"], name="feedback_contact_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.contact_id} by {self.user_id}"


class SqlQualification(models.Model):
    """The SQL checklist sales confirmed when a lead became an SQL: the items of the definition
    version in force, every one ticked, by whom and when. One row per SQL move, never updated;
    the move's note keeps a readable copy for the timeline."""

    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="sql_qualifications"
    )
    transition = models.OneToOneField(
        "lifecycle.StageTransition", on_delete=models.CASCADE, related_name="sql_qualification"
    )
    definition_version = models.ForeignKey(
        "scoring.DefinitionVersion", on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(help_text='The confirmed items: [{"id": ..., "label": ...}].')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["contact", "at"], name="sqlqual_contact_at")]

    def __str__(self) -> str:
        return f"SQL checklist of {self.contact_id} (v{self.definition_version_id})"
