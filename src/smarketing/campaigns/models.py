"""Campaigns and the channel taxonomy every touchpoint and source is classified into."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    """A default channel grouping in the spirit of the common web-analytics default."""

    ORGANIC_SEARCH = "organic_search", "Organic search"
    PAID_SEARCH = "paid_search", "Paid search"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Organic social"
    PAID_SOCIAL = "paid_social", "Paid social"
    REFERRAL = "referral", "Referral"
    DISPLAY = "display", "Display"
    DIRECT = "direct", "Direct"
    EVENTS = "events", "Events & webinars"
    PARTNER = "partner", "Partner"
    SALES = "sales", "Sales prospecting"
    OTHER = "other", "Other"


class Campaign(models.Model):
    name = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=30, choices=Channel.choices, default=Channel.OTHER)
    utm_campaign = models.SlugField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="The utm_campaign value that links web traffic to this campaign.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns_owned",
        help_text="The marketer who runs it: told when a lead it sourced comes back from sales.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost__gte=0), name="campaign_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name
