"""Accounts (companies) and contacts (people): the one lead database both teams share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from smarketing.lifecycle.stages import STAGE_CHOICES


class Seniority(models.TextChoices):
    ENTRY = "entry", "Entry level"
    SENIOR = "senior", "Senior individual contributor"
    MANAGER = "manager", "Manager"
    DIRECTOR = "director", "Director"
    VP = "vp", "Vice president"
    CXO = "cxo", "C-level / owner"


class Account(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=253, unique=True, null=True, blank=True, help_text="Lower-case, no www."
    )
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed: report snapshots read its newest value as part of the data version.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(Lower("name"), name="account_name_ci")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person. `lifecycle_stage` is a cache of the newest StageTransition row."""

    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    seniority = models.CharField(max_length=20, choices=Seniority.choices, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2 code.")
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
    )
    source_channel = models.CharField(max_length=30, blank=True)
    source_campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sourced_contacts",
    )
    lifecycle_stage = models.CharField(max_length=20, choices=STAGE_CHOICES, blank=True)
    lifecycle_stage_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed: report snapshots read its newest value as part of the data version.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(Lower("email"), name="contact_email_ci_unique")]
        indexes = [
            models.Index(fields=["lifecycle_stage", "owner"], name="contact_stage_owner"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
