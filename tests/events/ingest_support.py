"""Helpers for the tracking API tests: messages, auth headers and posting."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import uuid
from typing import Any

RECEIVED = dt.datetime(2025, 3, 14, 12, 0, tzinfo=dt.UTC)


def basic(raw_key: str) -> str:
    """The Authorization header Segment's and RudderStack's libraries send."""
    return "Basic " + base64.b64encode(f"{raw_key}:".encode()).decode()


def message(kind: str = "track", **fields: Any) -> dict[str, Any]:
    """A valid message of `kind`; `fields` override or add (None removes a field)."""
    base: dict[str, Any] = {
        "type": kind,
        "messageId": str(uuid.uuid4()),
        "anonymousId": "anon-1",
        "timestamp": "2025-03-14T11:00:00.000Z",
    }
    if kind == "track":
        base["event"] = "Signed Up"
    if kind == "alias":
        base.update(userId="user-1", previousId="anon-1")
    if kind == "group":
        base["groupId"] = "acme"
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def post(
    client: Any,
    path: str,
    body: Any,
    *,
    key: str | None = None,
    gzipped: bool = False,
    raw: bytes | None = None,
    **headers: str,
) -> Any:
    """POST `body` as JSON (or `raw` bytes) with the key as HTTP Basic username when given."""
    data = raw if raw is not None else json.dumps(body).encode()
    if gzipped:
        data = gzip.compress(data)
        headers["HTTP_CONTENT_ENCODING"] = "gzip"
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = basic(key)
    return client.post(path, data=data, content_type="application/json", **headers)
