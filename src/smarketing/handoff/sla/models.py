"""SLA policy versions and their sign-off, business-hours settings per team and rep, and the
escalations sent for due and breached obligations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from smarketing.org.models import TeamKind, validate_timezone, validate_workdays


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class PolicyVersion(models.Model):
    """One version of the SLA both teams agreed on. A draft is edited (each edit a new
    revision), proposed, approved by a marketing and a sales leader, and then goes live; the
    live one retires at that moment. Versions are never deleted: the clocks of an assignment
    follow the version that was live when it started."""

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField()
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped by every edit of the draft; approvals count for one revision."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField(null=True, blank=True)
    went_live_at = models.DateTimeField(
        null=True, blank=True, help_text="The effective date: assignments from here on use it."
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="live"), name="sla_policy_one_live"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", went_live_at__isnull=True, retired_at__isnull=True)
                | Q(status="live", went_live_at__isnull=False, retired_at__isnull=True)
                | Q(status="retired", went_live_at__isnull=False, retired_at__isnull=False),
                name="sla_policy_status_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"SLA policy v{self.number} ({self.status})"


class PolicyApproval(models.Model):
    """A leader's approval of one revision of a version. Never updated."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="approvals")
    revision = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team_kind = models.CharField(max_length=20, choices=TeamKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "revision", "user"], name="sla_policy_approval_once"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version_id} r{self.revision} approved by {self.user_id}"


class TeamCalendar(models.Model):
    """What the clocks of a team skip besides its weekdays: a country's public holidays."""

    team = models.OneToOneField("org.Team", on_delete=models.CASCADE, related_name="sla_calendar")
    holiday_country = models.CharField(
        max_length=10,
        blank=True,
        help_text='ISO country code, optionally with a subdivision: "DE", "DE-BY", "US-NY".',
    )

    def __str__(self) -> str:
        return f"{self.team_id}: {self.holiday_country or 'no public holidays'}"


class DayOff(models.Model):
    """A team-specific day off (company outing, local bridge day)."""

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="sla_days_off")
    date = models.DateField()
    label = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="sla_day_off_once")]

    def __str__(self) -> str:
        return f"{self.team_id} off on {self.date}"


class RepHours(models.Model):
    """A rep's own business hours, when they differ from their team's."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_hours"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    workdays = models.CharField(max_length=7, default="12345", validators=[validate_workdays])
    day_start = models.TimeField(default=dt.time(9, 0))
    day_end = models.TimeField(default=dt.time(17, 0))

    class Meta:
        verbose_name_plural = "rep hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(day_start__lt=models.F("day_end")), name="sla_rep_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.workdays} {self.day_start}-{self.day_end} {self.timezone}"


class Obligation(models.TextChoices):
    ACCEPT = "accept", "Accept or reject"
    FIRST_TOUCH = "first_touch", "First touch"
    CADENCE = "cadence", "Cadence"
    RECYCLE = "recycle", "Recycle or progress"


class EscalationLevel(models.IntegerChoices):
    DUE_SOON = 0, "Due soon (to the rep)"
    BREACHED = 1, "Breached (to the rep)"
    LEADER = 2, "Breached (to the sales leader)"


class Escalation(models.Model):
    """One alert sent for one obligation of one assignment at one level. The unique constraint
    is what keeps two workers checking at the same moment from alerting twice."""

    assignment = models.ForeignKey(
        "handoff.Assignment", on_delete=models.CASCADE, related_name="sla_escalations"
    )
    obligation = models.CharField(max_length=20, choices=Obligation.choices)
    level = models.PositiveSmallIntegerField(choices=EscalationLevel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notification = models.ForeignKey(
        "notify.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "obligation", "level"], name="sla_escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.obligation} level {self.level}"
