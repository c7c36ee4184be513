"""Ninja schemas of /api/notifications: one per direction and endpoint."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class DeliveryOut(Schema):
    id: int
    notification_id: int
    user: str = Field(..., alias="notification.user.email")
    channel: str
    digest: bool
    status: str
    attempts: int
    last_error: str
    due_at: dt.datetime
    sent_at: dt.datetime | None


class ChannelState(Schema):
    channel: str
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    contact_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deliveries: list[ChannelState]

    @staticmethod
    def resolve_deliveries(obj: object) -> list[object]:
        return list(obj.deliveries.all())  # type: ignore[attr-defined]


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only unread notifications.")


class ReadIn(Schema):
    ids: list[int] | None = Field(
        None, description="The notifications to mark read; leave out to mark all read."
    )


class ReadOut(Schema):
    marked: int


class UnreadOut(Schema):
    unread: int


class PreferenceOut(Schema):
    muted_kinds: list[str]
    email: bool
    email_mode: str
    slack_url: str
    webhook_url: str
    webhook_secret: str
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    timezone: str
    email_available: bool


class PreferencePatch(Schema):
    muted_kinds: list[str] | None = Field(None, description="Kinds kept in the app only.")
    email: bool | None = None
    email_mode: str | None = Field(None, description="immediate, hourly or daily")
    slack_url: str | None = Field(None, description="Slack-compatible incoming-webhook URL")
    webhook_url: str | None = Field(None, description="Signed JSON webhook URL")
    quiet_start: dt.time | None = Field(None, description="Local time in your team's zone")
    quiet_end: dt.time | None = None


class DeliveryFilters(Schema):
    status: str = Field("", description="pending, sent or failed")
    everyone: bool = Field(False, description="Admins: every user's deliveries.")


class RetryIn(Schema):
    ids: list[int]


class RetryOut(Schema):
    retried: int
