"""Web, form, email and webinar activity through the event API and its processing path.

The simulated events become Segment-style messages from a demo write key, go through
`events_ingest` exactly as an HTTP request's would (in-process, with past timestamps), and are
then processed into identities and touchpoints by `events_process`. Anonymous page views come
before the first form fill, so the demo exercises stitching too.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.sim.touch import SITE_HOST, TRACK_NAMES
from smarketing.demo.timeline import SimEvent, Timeline
from smarketing.events.processing.run import events_process
from smarketing.events.services import events_ingest, writekey_create

BATCH = 500  # messages per ingest call, like one request of a batching client
SITE = f"https://{SITE_HOST}"


def size(tl: Timeline) -> int:
    """Messages sent plus messages processed; a form fill sends two (identify and track)."""
    messages = len(tl.events) + sum(1 for e in tl.events if e.kind == "form_submit")
    return 2 * messages


def _campaign_context(e: SimEvent) -> dict[str, str]:
    fields = {"source": e.utm_source, "medium": e.utm_medium, "name": e.utm_campaign}
    return {k: v for k, v in fields.items() if v}


def _message(
    ctx: Context, e: SimEvent, *, serial: int, asset_urls: dict[int, str]
) -> list[dict[str, Any]]:
    """One simulated event as the messages a website or email tool would send for it."""
    contact = ctx.timeline.contacts[e.contact]
    base: dict[str, Any] = {
        # Deterministic, so the same seed sends the same messages.
        "messageId": f"demo-{ctx.timeline.seed}-{serial}",
        "anonymousId": contact.anonymous_id,
        "timestamp": e.at.isoformat(),
        "context": {"page": {"path": e.path, "url": SITE + e.path, "referrer": e.referrer}},
    }
    if campaign := _campaign_context(e):
        base["context"]["campaign"] = campaign
    if e.kind == "page_view":
        return [{**base, "type": "page", "properties": {"path": e.path}}]
    properties: dict[str, Any] = {"path": e.path}
    if e.asset is not None:
        properties["url"] = asset_urls[e.asset]
    if e.kind == "form_submit":
        # A newsletter sign-up names itself so, which keeps a subscriber a subscriber.
        properties |= {"form_id": e.form}
        traits = {
            "email": contact.email,
            "firstName": contact.first_name,
            "lastName": contact.last_name,
            "title": contact.title,
        }
        identify = {**base, "type": "identify", "traits": traits}
        identify["messageId"] = base["messageId"] + "-identify"
        return [
            identify,
            {**base, "type": "track", "event": TRACK_NAMES[e.kind], "properties": properties},
        ]
    if e.kind in {"email_open", "email_click"}:
        # Email tools know the address, not the browser: they send it as a trait.
        base["context"]["traits"] = {"email": contact.email}
    return [{**base, "type": "track", "event": TRACK_NAMES[e.kind], "properties": properties}]


def run(ctx: Context, advance: Advance) -> None:
    admin = next((u for u in ctx.users if u.role == "admin"), None)
    source, _ = writekey_create(name="Website (demo)", by_user=admin)
    asset_urls = {i: a.url for i, a in enumerate(ctx.timeline.assets)}
    events = sorted(ctx.timeline.events, key=lambda e: e.at)
    messages: list[dict[str, Any]] = []
    for serial, e in enumerate(events):
        messages.extend(_message(ctx, e, serial=serial, asset_urls=asset_urls))
    received_at = timezone.now()
    for start in range(0, len(messages), BATCH):
        batch = messages[start : start + BATCH]
        events_ingest(source=source, messages=batch, received_at=received_at)
        advance(len(batch))
    # Processed in-process, in id (= time) order, so anonymous visits are stitched at the form.
    while processed := events_process(limit=1000):
        advance(processed)


PART = Part(name="events", label="web, form and email events", size=size, run=run)
