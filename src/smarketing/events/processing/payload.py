"""Reading stored Segment messages (plain Python, no Django).

Payloads come from clients we do not control: every reader here accepts any JSON shape and
returns empty values for what is missing or of the wrong type, so one odd event never stops a
batch.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

# TouchpointKind values (a test keeps them in step with the model).
PAGE_VIEW = "page_view"
FORM = "form"
OTHER = "other"

# Track event names → touchpoint kind, compared without case, spaces or punctuation.
TRACK_KINDS: dict[str, str] = {
    "formsubmitted": FORM,
    "emailopened": "email_open",
    "emaillinkclicked": "email_click",
    "contentdownloaded": "download",
    "filedownloaded": "download",
    "webinarregistered": "webinar_registered",
    "webinarattended": "webinar_attended",
    "unsubscribed": "unsubscribe",
}

# Ad platforms' click ids in a landing URL, checked in this order.
CLICK_IDS = ("gclid", "gbraid", "wbraid", "msclkid", "dclid")
UTM_FIELDS = ("source", "medium", "campaign", "term", "content")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def text(value: object) -> str:
    """A string field as text: strings stripped, numbers written out, anything else empty."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def first_text(source: dict[str, Any], *names: str) -> str:
    """The first non-empty text among `names` in `source`."""
    for name in names:
        found = text(source.get(name))
        if found:
            return found
    return ""


@functools.lru_cache(maxsize=1024)
def event_key(name: str) -> str:
    """'Form Submitted', 'form_submitted' and 'formSubmitted' are the same event."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def kind_for(event_type: str, event: str) -> str | None:
    """The touchpoint kind of an event, None when the event makes no touchpoint."""
    if event_type in ("page", "screen"):
        return PAGE_VIEW
    if event_type == "track":
        return TRACK_KINDS.get(event_key(event), OTHER)
    return None


def is_form_submit(event_type: str, event: str) -> bool:
    return event_type == "track" and TRACK_KINDS.get(event_key(event)) == FORM


def email_clean(value: object) -> str:
    """A plausible email address, lower-cased; '' for anything else."""
    found = text(value).lower()
    return found if len(found) <= 254 and _EMAIL.match(found) else ""


def traits_of(payload: dict[str, Any]) -> dict[str, Any]:
    """A person's traits: context.traits with an identify's own traits on top."""
    context_traits = obj(obj(payload.get("context")).get("traits"))
    if payload.get("type") == "identify":
        return {**context_traits, **obj(payload.get("traits"))}
    return context_traits


def email_of(payload: dict[str, Any], *, event: str = "") -> str:
    """The email an event names its person by: identify traits, context.traits, or the
    properties of a submitted form."""
    found = email_clean(traits_of(payload).get("email"))
    if not found and is_form_submit(text(payload.get("type")), event):
        found = email_clean(obj(payload.get("properties")).get("email"))
    return found


@dataclass(frozen=True)
class Page:
    url: str = ""
    path: str = ""
    referrer: str = ""
    title: str = ""


def page_of(payload: dict[str, Any]) -> Page:
    """Where it happened: the event's own properties first (a page call's, or the file of a
    download), then context.page (what browser libraries send with every call)."""
    properties = obj(payload.get("properties"))
    page = obj(obj(payload.get("context")).get("page"))
    url = text(properties.get("url")) or text(page.get("url"))
    path = urlsplit_safe(url).path if url else ""
    return Page(
        url=url,
        path=path or text(properties.get("path")) or text(page.get("path")),
        referrer=text(properties.get("referrer")) or text(page.get("referrer")),
        title=text(properties.get("title")) or text(page.get("title")) or text(payload.get("name")),
    )


def urlsplit_safe(url: str) -> Any:
    """urlsplit that never raises (it does on malformed IPv6 hosts)."""
    try:
        return urlsplit(url)
    except ValueError:
        return urlsplit("")


def host_of(url: str) -> str:
    """'https://WWW.Google.com/search' → 'google.com'; '' when there is no host."""
    host = urlsplit_safe(url).hostname or ""
    return host.rstrip(".").removeprefix("www.")


def query_of(url: str) -> dict[str, str]:
    """The first value of each query parameter, names lower-cased."""
    query = urlsplit_safe(url).query
    return {k.lower(): v[0].strip() for k, v in parse_qs(query).items() if v and v[0].strip()}


def utm_of(payload: dict[str, Any], url: str) -> dict[str, str]:
    """utm_source … utm_content: from context.campaign (where analytics.js and the snippet put
    them, `name` meaning the campaign), each missing one from the URL's query."""
    campaign = obj(obj(payload.get("context")).get("campaign"))
    query = query_of(url) if url else {}
    found = {}
    for field in UTM_FIELDS:
        names = ("name", "campaign") if field == "campaign" else (field,)
        found[field] = first_text(campaign, *names) or query.get(f"utm_{field}", "")
    return found


def click_id_of(url: str) -> str:
    """The name of the ad click id the URL carries (gclid …), '' when none."""
    query = query_of(url) if url else {}
    return next((name for name in CLICK_IDS if name in query), "")
