"""Routing rules, regions, reps' capacity and away periods, and the round-robin pointers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RuleKind(models.TextChoices):
    OWNER = "owner", "Existing owner"
    TERRITORY = "territory", "Territory"
    ROUND_ROBIN = "round_robin", "Round robin"


class Region(models.Model):
    """A named list of countries a territory rule can point at ("DACH": DE, AT, CH)."""

    name = models.CharField(max_length=100, unique=True)
    countries = models.JSONField(default=list, help_text="ISO 3166 alpha-2 codes.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """One step of the routing order. Rules are tried by `position`; the first that yields an
    available owner wins. Conditions left empty match every lead."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    countries = models.JSONField(default=list, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    industries = models.JSONField(default=list, blank=True)
    employees_min = models.PositiveIntegerField(null=True, blank=True)
    employees_max = models.PositiveIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A territory's owner (or give a team for round robin within it).",
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.get_kind_display()})"


class RoutingSettings(models.Model):
    """The one row of routing-wide settings (pk 1)."""

    fallback_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Takes a lead when no rule finds anyone; empty: the sales team's leader.",
    )
    default_capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most open MQLs and SALs a rep holds; empty: no limit."
    )

    class Meta:
        verbose_name_plural = "routing settings"

    def __str__(self) -> str:
        return "Routing settings"


class RepCapacity(models.Model):
    """A rep's own limit of open MQLs and SALs, overriding the default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_capacity"
    )
    capacity = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "rep capacities"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.capacity} open leads"


class AwayPeriod(models.Model):
    """Days (inclusive, in the rep's team time zone) a rep takes no new leads."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="away_periods"
    )
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day", "id"]
        indexes = [models.Index(fields=["user", "last_day"], name="away_user_last_day")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="away_last_day_not_before_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} away {self.first_day}–{self.last_day}"


class RoundRobinPointer(models.Model):
    """Whose turn it was last in a team. Locked (SELECT ... FOR UPDATE) while the next owner is
    chosen, so two workers routing at once never hand out the same turn."""

    team = models.OneToOneField("org.Team", on_delete=models.CASCADE, related_name="+")
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    turns = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"team {self.team_id}: last {self.last_user_id}"
