"""Response bodies and filters of /api/events/rejected, /api/sources and a contact's timeline."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from smarketing.events.models import RejectedEvent, WriteKey
from smarketing.org.schemas import MAX_PAGE

TIMELINE_DEFAULT = 200


class RejectedFilters(Schema):
    source_id: int | None = Field(None, description="Only events sent with this source's key.")


class RejectedOut(Schema):
    id: int
    source_id: int
    source_name: str
    received_at: dt.datetime
    message_id: str = Field(description="The event's messageId; empty when it had none.")
    field: str = Field(description="The field that was wrong; empty when the whole event was.")
    reason: str
    payload: str = Field(description="The event as received, cut to 32 KB.")

    @staticmethod
    def resolve_source_name(obj: RejectedEvent) -> str:
        return obj.source.name


class SourceOut(Schema):
    """A write key's source. The key itself is shown once, when created, and never again."""

    id: int
    name: str
    key_hint: str = Field(description="The key's first characters, to tell keys apart.")
    rate_limit: int = Field(description="Events per second before the source gets 429.")
    created_at: dt.datetime
    rotated_at: dt.datetime | None
    disabled: bool
    disabled_at: dt.datetime | None
    accepted: int = Field(description="Events accepted, in all.")
    rejected: int = Field(description="Events rejected, in all.")
    accepted_last_day: int
    rejected_last_day: int
    last_event_at: dt.datetime | None = Field(description="When the newest event was received.")

    @staticmethod
    def resolve_disabled(obj: WriteKey) -> bool:
        return obj.disabled_at is not None

    @staticmethod
    def resolve_accepted(obj: WriteKey) -> int:
        return int(getattr(obj, "accepted_total", 0))

    @staticmethod
    def resolve_rejected(obj: WriteKey) -> int:
        return int(getattr(obj, "rejected_total", 0))


class TimelineFilters(Schema):
    limit: int = Field(TIMELINE_DEFAULT, ge=1, le=MAX_PAGE, description="How many newest items.")


class TouchpointOut(Schema):
    kind: str = Field(description="page_view, form, email_click, download, ...")
    channel: str
    campaign_id: int | None
    campaign: str = Field(description="The campaign's name; empty when none.")
    path: str
    url: str
    form: str
    event: str
    high_intent: bool


class TimelineItemOut(Schema):
    at: dt.datetime
    kind: str = Field(description="stage, call, email, meeting, note, deal or touchpoint.")
    title: str
    detail: str
    actor: str = Field(description="The person or rule behind it; empty when unknown.")
    touchpoint: TouchpointOut | None = Field(description="Set on touchpoint items.")
