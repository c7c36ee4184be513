"""Users, teams, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"
    LEADER = "leader", "Team leader"
    ADMIN = "admin", "Admin"


class TeamKind(models.TextChoices):
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin)")


def validate_workdays(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError("workdays are ISO weekday digits 1 (Mon) to 7 (Sun), e.g. 12345")


class Team(models.Model):
    """A marketing or sales team with the business hours its SLA clocks count in."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    workdays = models.CharField(
        max_length=7,
        default="12345",
        validators=[validate_workdays],
        help_text="ISO weekdays the team works, 1 = Monday … 7 = Sunday.",
    )
    day_start = models.TimeField(default=dt.time(9, 0))
    day_end = models.TimeField(default=dt.time(17, 0))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.day_start >= self.day_end:
            raise ValidationError({"day_end": "the working day must end after it starts"})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("a user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with email and password; what they may do follows from `role`."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MARKETING)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Only admins reach the Django admin."""
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


def secret_hash(raw: str) -> str:
    """How API tokens and write keys are stored: only this digest of the raw key."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def by_raw(self, raw: str) -> ApiToken | None:
        return self.active().select_related("user").filter(key_hash=secret_hash(raw)).first()


class ApiToken(models.Model):
    """A personal REST API token. Only its hash is stored; the key is shown once."""

    PREFIX = "smk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="")
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(
        max_length=12, help_text="The first characters, to tell keys apart."
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_hint}… ({self.user})"

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        """A fresh raw key and its hash."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, secret_hash(raw)
