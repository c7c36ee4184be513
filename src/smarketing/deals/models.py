"""Deals (opportunities): the revenue that closes the loop."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DealStage(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    DEMO = "demo", "Demo"
    PROPOSAL = "proposal", "Proposal"
    NEGOTIATION = "negotiation", "Negotiation"
    WON = "won", "Closed won"
    LOST = "lost", "Closed lost"


CLOSED_STAGES = frozenset({DealStage.WON, DealStage.LOST})


class LossReason(models.TextChoices):
    PRICE = "price", "Price"
    NO_BUDGET = "no_budget", "No budget"
    COMPETITOR = "competitor", "Chose a competitor"
    NO_DECISION = "no_decision", "No decision / went dark"
    TIMING = "timing", "Bad timing"
    PRODUCT_FIT = "product_fit", "Missing features / poor fit"
    OTHER = "other", "Other"


class Deal(models.Model):
    external_id = models.CharField(
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text="Id in the system it came from.",
    )
    name = models.CharField(max_length=200)
    account = models.ForeignKey("people.Account", on_delete=models.PROTECT, related_name="deals")
    primary_contact = models.ForeignKey(
        "people.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=20, choices=DealStage.choices, default=DealStage.DISCOVERY)
    close_date = models.DateField(
        null=True, blank=True, help_text="Expected, or actual once closed."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    loss_reason = models.CharField(max_length=30, choices=LossReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stage", "closed_at"], name="deal_stage_closed")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="deal_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="lost") | ~models.Q(loss_reason=""),
                name="lost_deal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def is_won(self) -> bool:
        return self.stage == DealStage.WON
