"""Stored event rows for the read-side tests (stream page, API, timeline), made directly so each
test controls exactly what is stored; the write path has its own tests through the HTTP API."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.test import Client
from django.utils import timezone

from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint, WriteKey
from smarketing.events.services import writekey_create
from smarketing.org.models import User
from smarketing.org.services import token_create

_ids = itertools.count(1)


def write_key(name: str) -> WriteKey:
    return writekey_create(name=name, by_user=None)[0]


def api_client(user: User) -> Client:
    """A test client using a personal API token of `user`, as scripts do."""
    _, raw = token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def raw_event(
    source: WriteKey,
    *,
    type: str = "page",
    event: str = "",
    anonymous_id: str = "",
    user_id: str = "",
    received_at: dt.datetime | None = None,
    payload: dict[str, Any] | None = None,
    processed: bool = False,
) -> RawEvent:
    at = received_at or timezone.now()
    message_id = f"msg-{next(_ids)}"
    body = {"type": type, "messageId": message_id, **(payload or {})}
    return RawEvent.objects.create(
        source=source,
        message_id=message_id,
        type=type,
        event=event,
        anonymous_id=anonymous_id,
        user_id=user_id,
        timestamp=at,
        received_at=at,
        payload=body,
        processed_at=at if processed else None,
    )


def rejected_event(
    source: WriteKey, *, reason: str, field: str = "", received_at: dt.datetime | None = None
) -> RejectedEvent:
    return RejectedEvent.objects.create(
        source=source,
        reason=reason,
        field=field,
        message_id=f"bad-{next(_ids)}",
        received_at=received_at or timezone.now(),
        payload='{"type": "page"}',
    )


def touchpoint(raw: RawEvent, **fields: Any) -> Touchpoint:
    values: dict[str, Any] = {
        "anonymous_id": raw.anonymous_id,
        "occurred_at": raw.timestamp,
        "kind": "page_view",
        "channel": "direct",
    }
    values.update(fields)
    return Touchpoint.objects.create(raw_event=raw, **values)
