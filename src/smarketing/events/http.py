"""The Segment-compatible HTTP Tracking API: POST /v1/identify|track|page|screen|group|alias|batch.

Status codes are chosen for what real clients do with them: Segment's and RudderStack's libraries
drop a batch on any 4xx but 429 and retry on 429 and 5xx. So 200 whenever the request could be
read (invalid events in it go to RejectedEvent), 400 only for a request unreadable as a whole,
401 for a missing, unknown or disabled key, 429 over the key's rate, 503 when the database is
down; and 200 only after the events are committed.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from smarketing.events import ingest, ratelimit, services
from smarketing.events.models import WriteKey

logger = logging.getLogger(__name__)

RETRY_AFTER_UNAVAILABLE = 5  # seconds; the clients back off further on repeats
CORS_HEADERS = {
    # A write key can only send, so any website may post with it; no cookies are involved.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding",
    "Access-Control-Max-Age": "86400",
}
KEY_HELP = "send the write key as the HTTP Basic username or as writeKey in the JSON body"


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str, **headers: str) -> None:
        self.status, self.code, self.message, self.headers = status, code, message, headers
        super().__init__(message)


def _json(status: int, body: dict[str, Any], **headers: str) -> HttpResponse:
    response = JsonResponse(body, status=status)
    for name, value in {**CORS_HEADERS, **headers}.items():
        response[name.replace("_", "-")] = value
    return response


def _refusal(exc: _Refused) -> HttpResponse:
    # `code` and `message` are what both clients log from an error body.
    body = {"success": False, "code": exc.code, "message": exc.message}
    return _json(exc.status, body, **exc.headers)


def endpoint(kind: str | None) -> Callable[[HttpRequest], HttpResponse]:
    """The view for one call type, or for /v1/batch when `kind` is None."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "OPTIONS":
            return _preflight()
        if request.method != "POST":
            return _refusal(_Refused(405, "method_not_allowed", "use POST", Allow="POST, OPTIONS"))
        try:
            return _receive(request, kind=kind)
        except _Refused as exc:
            return _refusal(exc)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("events refused with 503, database unavailable: %s", exc)
            return _refusal(
                _Refused(
                    503,
                    "unavailable",
                    "the database is unavailable; retry later",
                    Retry_After=str(RETRY_AFTER_UNAVAILABLE),
                )
            )

    view.__name__ = f"v1_{kind or 'batch'}"
    return view


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _receive(request: HttpRequest, *, kind: str | None) -> HttpResponse:
    received_at = timezone.now()
    header_key = _basic_username(request.headers.get("Authorization", ""))
    source = _authenticate(header_key) if header_key is not None else None
    body = _body(request, source=source, received_at=received_at)
    try:
        document = ingest.request_decode(body, encoding=request.headers.get("Content-Encoding", ""))
        messages = ingest.batch_messages(document) if kind is None else [document]
    except ingest.RequestError as exc:
        _reject_request(source, str(exc), body, request, received_at)
        raise _Refused(400, "invalid_request", str(exc)) from None
    if source is None:
        body_key = document.get("writeKey")
        if not isinstance(body_key, str) or not body_key:
            raise _Refused(401, "unauthorized", f"no write key: {KEY_HELP}")
        source = _authenticate(body_key)
    _rate_check(source, cost=len(messages))
    if kind is None:
        result = services.events_ingest(
            source=source,
            messages=messages,
            received_at=received_at,
            context=document.get("context"),
            integrations=document.get("integrations"),
            sent_at=document.get("sentAt"),
        )
    else:
        single = {k: v for k, v in document.items() if k != "writeKey"}
        single["type"] = kind  # the path says what the call is
        result = services.events_ingest(source=source, messages=[single], received_at=received_at)
    # Counts only: nothing stored is ever read back through a write key.
    return _json(
        200,
        {
            "success": True,
            "accepted": result.accepted,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
        },
    )


def _basic_username(header: str) -> str | None:
    """The username of `Authorization: Basic base64(key:)`; None without such a header."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _Refused(401, "unauthorized", "the Basic Authorization header is malformed") from None
    return decoded.partition(":")[0]


def _authenticate(raw: str) -> WriteKey:
    source = services.writekey_authenticate(raw)
    if source is None:
        raise _Refused(
            401,
            "unauthorized",
            "unknown or disabled write key",
            WWW_Authenticate='Basic realm="smarketing events"',
        )
    return source


def _body(request: HttpRequest, *, source: WriteKey | None, received_at: Any) -> bytes:
    """The raw body, refusing before reading one whose declared length is over the limit."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > ingest.MAX_REQUEST_BYTES:
        reason = (
            f"the body is {declared:,} bytes, over the {ingest.MAX_REQUEST_BYTES // 1024} KB limit"
        )
        if source is not None:
            services.request_reject(source=source, reason=reason, body=b"", received_at=received_at)
        raise _Refused(400, "invalid_request", reason)
    return request.body


def _reject_request(
    source: WriteKey | None, reason: str, body: bytes, request: HttpRequest, received_at: Any
) -> None:
    if source is None:
        return  # no key known yet: the 400 tells the sender, there is no source to file it under
    compressed = request.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity")
    excerpt = b"" if compressed else body
    services.request_reject(source=source, reason=reason, body=excerpt, received_at=received_at)


def _rate_check(source: WriteKey, *, cost: int) -> None:
    limiter = ratelimit.limiter_for(getattr(settings, "REDIS_URL", ""))
    # The hash in the bucket name gives a rotated key (and each test's new key) a fresh bucket.
    bucket = f"{source.pk}:{source.key_hash[:16]}"
    decision = limiter.take(bucket=bucket, cost=max(cost, 1), rate=source.rate_limit)
    if not decision.allowed:
        raise _Refused(
            429,
            "rate_limited",
            f"over this source's limit of {source.rate_limit:,} events per second",
            Retry_After=str(decision.retry_after),
            # analytics.js reads its wait from this header instead.
            X_RateLimit_Reset=str(decision.retry_after),
        )
