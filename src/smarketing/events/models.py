"""Write keys, raw events (append-only), rejected events, identities and touchpoints."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from smarketing.campaigns.models import Channel
from smarketing.org.models import secret_hash


class WriteKeyQuerySet(models.QuerySet["WriteKey"]):
    def by_raw(self, raw: str) -> WriteKey | None:
        return self.filter(key_hash=secret_hash(raw)).first()


class WriteKey(models.Model):
    """A source of events (website, app, email tool). The key can only send, never read."""

    PREFIX = "wk_"

    name = models.CharField(max_length=100, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(max_length=12)
    rate_limit = models.PositiveIntegerField(
        default=2000, help_text="Events per second this source may send before it gets 429."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rotated_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    objects = WriteKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(24)
        return raw, secret_hash(raw)


class EventType(models.TextChoices):
    IDENTIFY = "identify", "Identify"
    TRACK = "track", "Track"
    PAGE = "page", "Page"
    SCREEN = "screen", "Screen"
    GROUP = "group", "Group"
    ALIAS = "alias", "Alias"


class RawEvent(models.Model):
    """An accepted event exactly as sent (plus server stamps). Never updated but for the
    processing claim; deduplicated by (source, message_id)."""

    source = models.ForeignKey(WriteKey, on_delete=models.PROTECT, related_name="events")
    message_id = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=EventType.choices)
    event = models.CharField(max_length=200, blank=True, help_text="Track event name.")
    anonymous_id = models.CharField(max_length=200, blank=True)
    user_id = models.CharField(max_length=200, blank=True)
    timestamp = models.DateTimeField(help_text="When it happened, corrected for client clock skew.")
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "message_id"], name="event_source_message_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="event_unprocessed",
                condition=models.Q(processed_at__isnull=True),
            ),
            models.Index(fields=["anonymous_id"], name="event_anonymous_id"),
            models.Index(fields=["user_id"], name="event_user_id"),
            models.Index(fields=["received_at"], name="event_received_at"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"


class RejectedEvent(models.Model):
    """An event that could not be accepted, kept with why, so nothing is silently dropped."""

    source = models.ForeignKey(WriteKey, on_delete=models.CASCADE, related_name="rejected")
    received_at = models.DateTimeField(default=timezone.now)
    message_id = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500)
    payload = models.TextField(help_text="The event as received (cut to 32 KB).")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["source", "received_at"], name="rejected_source_at")]

    def __str__(self) -> str:
        return f"{self.reason} ({self.message_id or 'no messageId'})"


class IdentityKind(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous id"
    USER = "user", "User id"


class Identity(models.Model):
    """An anonymous id or user id known to belong to a contact."""

    kind = models.CharField(max_length=10, choices=IdentityKind.choices)
    value = models.CharField(max_length=200)
    contact = models.ForeignKey(
        "people.Contact", on_delete=models.CASCADE, related_name="identities"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_kind_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value} → {self.contact_id}"


class TouchpointKind(models.TextChoices):
    PAGE_VIEW = "page_view", "Page view"
    FORM = "form", "Form submitted"
    EMAIL_OPEN = "email_open", "Email opened"
    EMAIL_CLICK = "email_click", "Email link clicked"
    DOWNLOAD = "download", "Content downloaded"
    WEBINAR_REGISTERED = "webinar_registered", "Webinar registration"
    WEBINAR_ATTENDED = "webinar_attended", "Webinar attended"
    UNSUBSCRIBE = "unsubscribe", "Unsubscribed"
    OTHER = "other", "Other event"


class Touchpoint(models.Model):
    """A marketing interaction of a (possibly still anonymous) person, classified."""

    raw_event = models.OneToOneField(RawEvent, on_delete=models.CASCADE, related_name="touchpoint")
    contact = models.ForeignKey(
        "people.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touchpoints",
    )
    account = models.ForeignKey(
        "people.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymous_id = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=TouchpointKind.choices)
    event = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
    )
    content = models.ForeignKey(
        "content.ContentAsset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
    )
    url = models.CharField(max_length=2000, blank=True)
    path = models.CharField(max_length=1000, blank=True)
    referrer = models.CharField(max_length=2000, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    high_intent = models.BooleanField(default=False)
    form = models.CharField(max_length=200, blank=True)
    properties = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["contact", "occurred_at"], name="touchpoint_contact_at"),
            models.Index(fields=["anonymous_id"], name="touchpoint_anonymous_id"),
            models.Index(fields=["account", "occurred_at"], name="touchpoint_account_at"),
            models.Index(fields=["campaign", "occurred_at"], name="touchpoint_campaign_at"),
            # Content performance: each contact's first read of each asset in a window, read
            # from the index alone in (asset, contact) order.
            models.Index(
                fields=["content", "contact", "occurred_at"],
                name="touchpoint_content_reads",
                condition=models.Q(content__isnull=False, contact__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.path or self.event}"


class ChannelRule(models.Model):
    """An override of the default channel grouping; the first matching rule by position wins.
    Each non-empty pattern is a case-insensitive regular expression that must match."""

    position = models.PositiveIntegerField(default=100)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    source_pattern = models.CharField(max_length=200, blank=True, help_text="utm_source")
    medium_pattern = models.CharField(max_length=200, blank=True, help_text="utm_medium")
    campaign_pattern = models.CharField(max_length=200, blank=True, help_text="utm_campaign")
    referrer_pattern = models.CharField(max_length=200, blank=True, help_text="referrer host")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"#{self.position} → {self.channel}"


class PagePattern(models.Model):
    """Which page paths are high-intent (pricing, demo request, contact sales)."""

    pattern = models.CharField(
        max_length=200, unique=True, help_text="Path glob, e.g. /pricing* or */demo-request*"
    )
    label = models.CharField(max_length=100)
    high_intent = models.BooleanField(default=True)

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern
