"""The scoring engine's view of the simulated people: touchpoint facts from SimEvents and fit
facts from the firmographics, read the way event processing and scoring.facts read the rows
the demo writes (plain Python, no Django).

parts/events.py sends each SimEvent as the Segment messages built from the same names here, and
tests/demo checks these facts against the touchpoints event processing stores for them.
"""

from __future__ import annotations

import fnmatch
from urllib.parse import urlsplit

from smarketing.demo.sim import catalogue
from smarketing.demo.timeline import SimContact, SimEvent, Timeline
from smarketing.events.processing import payload as p
from smarketing.events.processing.channels import channel_for, channel_for_kind
from smarketing.events.processing.freemail import is_freemail
from smarketing.people.normalize import email_domain
from smarketing.scoring.rules import AccountFacts, ContactFacts, TouchpointFacts

# The track event each simulated kind is sent as (a page view is a `page` call).
TRACK_NAMES = {
    "form_submit": "Form Submitted",
    "email_open": "Email Opened",
    "email_click": "Email Link Clicked",
    "content_download": "Content Downloaded",
    "webinar_registered": "Webinar Registered",
    "webinar_attended": "Webinar Attended",
}
NEWSLETTER_FORM = "newsletter-signup"  # a subscription form: keeps a subscriber a subscriber
# The high-intent page patterns a new installation starts with (events migration 0002); the
# demo adds none, and a test keeps the two in step.
HIGH_INTENT_PATTERNS: tuple[str, ...] = (
    "/pricing*",
    "*/demo*",
    "*/contact-sales*",
    "*/trial*",
    "*/quote*",
)
SITE_HOST = f"www.{catalogue.DOMAIN}"


def form_name(path: str, *, newsletter: bool) -> str:
    """The form_id a website form sends: its page path, or the newsletter sign-up's own id."""
    if newsletter:
        return NEWSLETTER_FORM
    return path.strip("/").replace("/", "-") or "form"


def content_key(url: str) -> str:
    """Host without www. and path without trailing slash: how processing links a page to a
    content asset (events.processing.touchpoints.content_key)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


def high_intent(path: str) -> bool:
    path = path.lower()
    return bool(path) and any(fnmatch.fnmatchcase(path, glob) for glob in HIGH_INTENT_PATTERNS)


class TouchpointReader:
    """SimEvent → TouchpointFacts, memoised per distinct event shape (most are alike)."""

    def __init__(self, timeline: Timeline) -> None:
        self.tl = timeline
        self.asset_urls = {i: a.url for i, a in enumerate(timeline.assets)}
        stages: dict[str, str] = {}
        for a in timeline.assets:
            stages.setdefault(content_key(a.url), a.funnel_stage)
        self.funnel_stages = stages
        self.campaign_names = {c.utm_campaign: c.name for c in timeline.campaigns}
        self._memo: dict[tuple[object, ...], TouchpointFacts] = {}

    def url(self, e: SimEvent) -> str:
        """The URL processing reads: the downloaded file's, else the page's."""
        if e.asset is not None and e.kind != "page_view":
            return self.asset_urls[e.asset]
        return f"https://{SITE_HOST}{e.path}"

    @staticmethod
    def shape(e: SimEvent) -> tuple[object, ...]:
        """What the facts of an event depend on, besides its time."""
        return (
            e.kind,
            e.path,
            e.asset,
            e.form,
            e.utm_source,
            e.utm_medium,
            e.utm_campaign,
            e.referrer,
        )

    def facts(self, e: SimEvent) -> TouchpointFacts:
        key = self.shape(e)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._read(e)
        # Only the time differs between events of one shape.
        return TouchpointFacts(
            occurred_at=e.at,
            kind=found.kind,
            channel=found.channel,
            path=found.path,
            form=found.form,
            funnel_stage=found.funnel_stage,
            high_intent=found.high_intent,
            campaign=found.campaign,
            event=found.event,
            properties=found.properties,
        )

    def _read(self, e: SimEvent) -> TouchpointFacts:
        event = TRACK_NAMES.get(e.kind, "")
        kind = p.kind_for("page" if e.kind == "page_view" else "track", event) or p.OTHER
        url = self.url(e)
        path = urlsplit(url).path or e.path
        # The demo's referrers are source names, not URLs: no host, as processing reads them.
        referrer = p.host_of(e.referrer)
        channel = channel_for_kind(
            channel_for(e.utm_source, e.utm_medium, e.utm_campaign, referrer), kind
        )
        return TouchpointFacts(
            occurred_at=e.at,
            kind=kind,
            channel=channel,
            path=path,
            form=e.form if kind == p.FORM else "",
            funnel_stage=self.funnel_stages.get(content_key(url), ""),
            high_intent=high_intent(path),
            campaign=self.campaign_names.get(e.utm_campaign, ""),
            event=event,
            properties={"form_id": e.form} if kind == p.FORM else {},
        )


def contact_facts(timeline: Timeline, c: SimContact, *, stage: str = "") -> ContactFacts:
    """What scoring.facts.contact_facts reads from the contact and account rows."""
    acc = timeline.accounts[c.account]
    domain = email_domain(c.email)
    return ContactFacts(
        contact_id=c.serial,
        email_domain=domain,
        is_freemail=bool(domain) and is_freemail(domain),
        title=c.title,
        seniority=c.seniority,
        country=c.country,
        source_channel=c.source_channel,
        lifecycle_stage=stage,
        account=AccountFacts(
            account_id=c.account,
            employees=acc.employees,
            annual_revenue=float(acc.annual_revenue),
            industry=acc.industry,
            country=acc.country,
        ),
    )
