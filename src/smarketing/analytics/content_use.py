"""Which content sales itself sends: sales activities (emails, calls, meetings logged by hand,
imported, or sent by a sales tool as an event) whose subject or body links to a content asset
by its URL. The rep who pastes a case study's link into an email is using that content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from smarketing.content.models import ContentAsset
from smarketing.handoff.models import Activity, ActivityKind

SALES_KINDS = (ActivityKind.EMAIL, ActivityKind.CALL, ActivityKind.MEETING)


@dataclass(frozen=True)
class ContentSent:
    activity_id: int
    contact_id: int
    kind: str
    at: dt.datetime
    assets: frozenset[int]  # the assets it links to; empty for one that links to none


def url_key(url: str) -> str:
    """A URL as it may be written in a message: no scheme, no "www.", no trailing slash."""
    key = url.strip().lower().split("://", 1)[-1].removeprefix("www.")
    return key.rstrip("/")


def assets_linked(text: str, *, keys: dict[str, int]) -> frozenset[int]:
    """The assets whose URL key appears in `text`."""
    lowered = text.lower()
    return frozenset(pk for key, pk in keys.items() if key and key in lowered)


def content_sent(
    *, since: dt.datetime, until: dt.datetime, contacts: Q | None = None
) -> list[ContentSent]:
    """Every sales activity in [since, until) with a link in it (with the contacts the filter
    `contacts`, on Activity, chooses), and the assets it links to. Two queries."""
    keys = {
        url_key(url): pk
        for pk, url in ContentAsset.objects.exclude(url=None).values_list("pk", "url")
    }
    rows = (
        Activity.objects.filter(occurred_at__gte=since, occurred_at__lt=until, kind__in=SALES_KINDS)
        .filter(Q(body__contains="://") | Q(subject__contains="://"))
        .filter(contacts or Q())
        .values_list("pk", "contact_id", "kind", "occurred_at", "subject", "body")
    )
    return [
        ContentSent(pk, contact_id, kind, at, assets_linked(f"{subject}\n{body}", keys=keys))
        for pk, contact_id, kind, at, subject, body in rows.iterator(chunk_size=2000)
    ]
