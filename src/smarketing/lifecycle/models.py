"""Transition history (append-only) and the configurable reason list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from smarketing.lifecycle.stages import STAGE_CHOICES, ReasonKind

REASON_KIND_CHOICES = [(k.value, k.value.capitalize()) for k in ReasonKind]


class TransitionReason(models.Model):
    """An entry of the agreed reason list for recycle, disqualify and reject."""

    kind = models.CharField(max_length=20, choices=REASON_KIND_CHOICES)
    code = models.SlugField(max_length=50)
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="reason_kind_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.kind})"


class StageTransition(models.Model):
    """One lifecycle move. Never updated: reports are computed from these rows."""

    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="transitions"
    )
    # Carried on every large table so it can be distributed by account later.
    account = models.ForeignKey(
        "people.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.CharField(max_length=20, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_rule = models.CharField(
        max_length=200,
        blank=True,
        help_text="What moved it when no person did (import, deal won…).",
    )
    reason = models.ForeignKey(
        TransitionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["contact", "at"], name="transition_contact_at"),
            models.Index(fields=["to_stage", "at"], name="transition_stage_at"),
            # The funnel's per-contact lookups: "did this contact reach these stages after t?"
            models.Index(fields=["contact", "to_stage", "at"], name="transition_contact_stage_at"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.contact_id}: {self.from_stage or '∅'} → {self.to_stage} at {self.at:%Y-%m-%d}"
        )
