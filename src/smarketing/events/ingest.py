"""Validate and normalise Segment-spec messages (no Django import).

`request_decode` turns an HTTP body into a JSON object or a `RequestError` (the request is
malformed as a whole: HTTP 400). `message_normalize` turns one message into an `Accepted` row or a
`Rejection` naming the field and why; a rejected message never fails the rest of its batch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

MAX_EVENT_BYTES = 32 * 1024
MAX_REQUEST_BYTES = 500 * 1024
MAX_BATCH_EVENTS = 2500
MAX_FUTURE = dt.timedelta(days=1)
MAX_ID_CHARS = 200  # the width of RawEvent's id columns
MAX_REASON_CHARS = 500
PAYLOAD_CHARS = 32 * 1024  # how much of a rejected event is kept

TYPES = ("identify", "track", "page", "screen", "group", "alias")
OBJECT_FIELDS = ("context", "integrations", "properties", "traits")
# A NUL escape not itself escaped: PostgreSQL cannot store U+0000 in JSONB or text.
NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class RequestError(ValueError):
    """The request as a whole cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Batch:
    """Fields a batch request sets for all its messages: its context and integrations are merged
    under each message's own, its sentAt stands in for messages without one."""

    context: object = None
    integrations: object = None
    sent_at: object = None


@dataclass(frozen=True)
class Accepted:
    message_id: str
    type: str
    event: str
    anonymous_id: str
    user_id: str
    timestamp: dt.datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    field: str
    reason: str
    message_id: str
    payload: str


class _Invalid(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(reason)


def body_decompress(data: bytes, *, encoding: str, limit: int = MAX_REQUEST_BYTES) -> bytes:
    """The body after Content-Encoding; inflates gzip only up to `limit` bytes, so a gzip bomb
    costs no more than an honest request."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip"):
        raise RequestError(f"Content-Encoding {encoding!r} is not supported (send gzip or none)")
    out = bytearray()
    rest = data
    while rest:  # a gzip stream may hold several members
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise RequestError(f"the body is not valid gzip ({exc})") from None
        if len(out) > limit:
            raise RequestError(f"the decompressed body is over the {limit // 1024} KB limit")
        if not inflater.eof:
            raise RequestError("the gzip body is truncated")
        rest = inflater.unused_data
    return bytes(out)


def request_decode(data: bytes, *, encoding: str = "") -> dict[str, Any]:
    """The JSON object in an HTTP body, or RequestError saying why the request is unreadable."""
    if len(data) > MAX_REQUEST_BYTES:
        raise RequestError(
            f"the body is {len(data):,} bytes, over the {MAX_REQUEST_BYTES // 1024} KB limit"
        )
    data = body_decompress(data, encoding=encoding)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the body is not UTF-8 (invalid byte at offset {exc.start})") from None
    if not text.strip():
        raise RequestError("the body is empty; send a JSON object")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestError(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:  # over-long integers, absurd nesting
        raise RequestError(f"the body is not usable JSON: {str(exc)[:100]}") from None
    if not isinstance(document, dict):
        raise RequestError(f"the body must be a JSON object, not {_json_kind(document)}")
    return document


def batch_messages(document: dict[str, Any]) -> list[Any]:
    """The events of a /v1/batch body, or RequestError when there is no usable list."""
    messages = document.get("batch")
    if not isinstance(messages, list):
        raise RequestError('a batch body needs "batch": a list of events')
    if len(messages) > MAX_BATCH_EVENTS:
        raise RequestError(
            f"the batch has {len(messages):,} events, over the limit of {MAX_BATCH_EVENTS:,}"
        )
    return messages


def message_normalize(
    message: object, *, received_at: dt.datetime, batch: Batch | None = None
) -> Accepted | Rejection:
    """One message as a row to store, or why it cannot be stored."""
    message_id = ""
    if isinstance(message, dict):
        message = {k: v for k, v in message.items() if k != "writeKey"}  # never store the key
        raw_id = message.get("messageId")
        message_id = raw_id[:MAX_ID_CHARS] if isinstance(raw_id, str) else ""
    try:
        _encoded_size_check(message)
        if not isinstance(message, dict):
            raise _Invalid("", f"an event must be a JSON object, not {_json_kind(message)}")
        return _normalize(message, received_at=received_at, batch=batch or Batch())
    except _Invalid as exc:
        return Rejection(
            field=exc.field,
            reason=exc.reason[:MAX_REASON_CHARS],
            message_id=message_id,
            payload=payload_text(message),
        )


def payload_text(value: object) -> str:
    """A storable text of whatever was sent (for the rejected-events store)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
        text.encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        try:
            text = json.dumps(value, ensure_ascii=True, default=str)
        except (ValueError, RecursionError):
            text = repr(value)
    return text.replace("\x00", "\\u0000")[:PAYLOAD_CHARS]


def _encoded_size_check(message: object) -> None:
    """Refuse what cannot be stored (PostgreSQL's JSONB takes no NUL, lone surrogate, NaN) or is
    over 32 KB as compact JSON (no larger than the clients' own measure)."""
    try:
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _Invalid("", "contains an unpaired UTF-16 surrogate (\\ud800-\\udfff)") from None
    except ValueError:
        raise _Invalid("", "contains a number out of range (NaN or Infinity)") from None
    except RecursionError:
        raise _Invalid("", "is nested too deeply") from None
    if size > MAX_EVENT_BYTES:
        raise _Invalid("", f"the event is {size:,} bytes, over the 32 KB limit per event")
    if "\\u0000" in text and NUL_ESCAPE.search(text):
        raise _Invalid("", "contains a NUL character (\\u0000), which cannot be stored")


def _normalize(message: dict[str, Any], *, received_at: dt.datetime, batch: Batch) -> Accepted:
    kind = message.get("type")
    if kind not in TYPES:
        shown = repr(kind)[:60] if kind is not None else "missing"
        raise _Invalid("type", f"unknown type {shown} (one of {', '.join(TYPES)})")
    payload = dict(message)
    for name in OBJECT_FIELDS:
        _object_or_none(payload, name)
    payload["context"] = _merged(batch.context, payload.get("context"), "context")
    payload["integrations"] = _merged(
        batch.integrations, payload.get("integrations"), "integrations"
    )
    if kind == "identify" and not payload.get("traits"):
        # RudderStack's server libraries send identify traits in context.traits only.
        traits = payload["context"].get("traits")
        if isinstance(traits, dict):
            payload["traits"] = traits
    user_id = _id(payload, "userId")
    anonymous_id = _id(payload, "anonymousId")
    event = ""
    if kind == "alias":
        if not user_id:
            raise _Invalid("userId", "an alias needs userId")
        if not _id(payload, "previousId"):
            raise _Invalid("previousId", "an alias needs previousId")
    elif not user_id and not anonymous_id:
        raise _Invalid("userId", "userId or anonymousId is required")
    if kind == "track":
        event = _event_name(payload.get("event"))
    if kind == "group" and not _id(payload, "groupId"):
        raise _Invalid("groupId", "a group call needs groupId")
    message_id = _id(payload, "messageId") or str(uuid.uuid4())
    timestamp = _timestamp(payload, received_at=received_at, batch_sent_at=batch.sent_at)
    payload.update(
        messageId=message_id,
        timestamp=_iso(timestamp),
        receivedAt=_iso(received_at),
    )
    return Accepted(
        message_id=message_id,
        type=str(kind),
        event=event,
        anonymous_id=anonymous_id,
        user_id=user_id,
        timestamp=timestamp,
        payload=payload,
    )


def _object_or_none(payload: dict[str, Any], name: str) -> None:
    value = payload.get(name)
    if value is None:
        payload.pop(name, None)
    elif not isinstance(value, dict):
        raise _Invalid(name, f"{name} must be an object, not {_json_kind(value)}")


def _merged(outer: object, inner: object, name: str) -> dict[str, Any]:
    if outer is None:
        return dict(inner) if isinstance(inner, dict) else {}
    if not isinstance(outer, dict):
        raise _Invalid(name, f"the batch's {name} must be an object, not {_json_kind(outer)}")
    return {**outer, **(inner if isinstance(inner, dict) else {})}


def _id(payload: dict[str, Any], name: str) -> str:
    """An id as a string (clients send numbers too); empty when missing; stored back."""
    value = payload.get(name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(name, f"{name} must be a string or a number, not {_json_kind(value)}")
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_ID_CHARS:
        raise _Invalid(name, f"{name} is {len(text)} characters, over {MAX_ID_CHARS}")
    payload[name] = text
    return text


def _event_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("event", "a track call needs the event name (a non-empty string)")
    if len(value) > MAX_ID_CHARS:
        raise _Invalid("event", f"the event name is {len(value)} characters, over {MAX_ID_CHARS}")
    return value


def _timestamp(
    payload: dict[str, Any], *, received_at: dt.datetime, batch_sent_at: object
) -> dt.datetime:
    """When it happened: `receivedAt - (sentAt - originalTimestamp)` when the client says when it
    sent, which cancels the client's clock skew; else the client's time; else receivedAt."""
    if "originalTimestamp" in payload and payload["originalTimestamp"] is not None:
        original_field = "originalTimestamp"
    else:
        original_field = "timestamp"
    original = _date(payload, original_field)
    if payload.get("sentAt") is None and batch_sent_at is not None:
        payload["sentAt"] = batch_sent_at
    sent_at = _date(payload, "sentAt")
    if original is None:
        return received_at
    if original_field == "timestamp":
        payload["originalTimestamp"] = payload["timestamp"]
    try:
        when = received_at - (sent_at - original) if sent_at is not None else original
    except OverflowError:
        raise _Invalid(original_field, "the timestamp is out of range") from None
    if when > received_at + MAX_FUTURE:
        raise _Invalid(
            original_field,
            f"the timestamp {_iso(when)} is more than {MAX_FUTURE.days} day in the future "
            "(after correcting for the client's clock)",
        )
    return when


def _date(payload: dict[str, Any], name: str) -> dt.datetime | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(name, f"{name} must be an ISO-8601 date string, not {_json_kind(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid(name, f"{name} {value[:40]!r} is not an ISO-8601 date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # Segment reads a date without offset as UTC
    return parsed.astimezone(dt.UTC)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
