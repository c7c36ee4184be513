"""Segment messages as the clients send them, for the processing tests (sent through
events.services.events_ingest, so processing reads what ingestion really stores)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

SITE = "https://www.smarketing-demo.test"
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
_clock = itertools.count()


def _at(at: dt.datetime | None) -> str:
    # Each message a minute after the previous one unless a time is given: order is explicit.
    when = at or START + dt.timedelta(minutes=next(_clock))
    return when.isoformat().replace("+00:00", "Z")


def _base(kind: str, anon: str, user_id: str, at: dt.datetime | None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": kind, "timestamp": _at(at)}
    if anon:
        message["anonymousId"] = anon
    if user_id:
        message["userId"] = user_id
    return message


def page(
    anon: str = "",
    *,
    path: str = "/",
    query: str = "",
    referrer: str = "",
    user_id: str = "",
    campaign: dict[str, str] | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A page call as analytics.js and the snippet send it: facts in properties and context."""
    url = f"{SITE}{path}" + (f"?{query}" if query else "")
    facts = {"url": url, "path": path, "referrer": referrer, "title": path, "search": query}
    message = _base("page", anon, user_id, at)
    message["properties"] = dict(facts)
    message["context"] = {"page": dict(facts)}
    if campaign:
        message["context"]["campaign"] = campaign
    return message


def track(
    event: str,
    anon: str = "",
    *,
    user_id: str = "",
    properties: dict[str, Any] | None = None,
    path: str = "/",
    traits: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    message = _base("track", anon, user_id, at)
    message["event"] = event
    message["properties"] = properties or {}
    message["context"] = {"page": {"url": f"{SITE}{path}", "path": path}}
    if traits:
        message["context"]["traits"] = traits
    return message


def identify(
    anon: str = "", *, user_id: str = "", at: dt.datetime | None = None, **traits: Any
) -> dict[str, Any]:
    message = _base("identify", anon, user_id, at)
    message["traits"] = traits
    return message


def alias(previous: str, user_id: str, *, at: dt.datetime | None = None) -> dict[str, Any]:
    message = _base("alias", "", user_id, at)
    message["previousId"] = previous
    return message


def group(
    group_id: str,
    anon: str = "",
    *,
    user_id: str = "",
    at: dt.datetime | None = None,
    **traits: Any,
) -> dict[str, Any]:
    message = _base("group", anon, user_id, at)
    message["groupId"] = group_id
    message["traits"] = traits
    return message
