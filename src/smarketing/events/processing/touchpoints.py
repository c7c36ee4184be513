"""Touchpoints from page, track and screen events: kind, page, UTM parameters, channel,
campaign, content asset and the high-intent flag, for a whole batch in a fixed number of
queries."""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from smarketing.campaigns.models import Campaign
from smarketing.campaigns.services import campaign_create
from smarketing.content.models import ContentAsset
from smarketing.errors import InvalidInput
from smarketing.events.models import ChannelRule, PagePattern, RawEvent, Touchpoint
from smarketing.events.processing import payload as p
from smarketing.events.processing.channels import Rule, channel_for, channel_for_kind
from smarketing.events.processing.forms import form_label

logger = logging.getLogger(__name__)

# Page facts kept in columns of their own, so not again in `properties`.
PAGE_PROPERTIES = frozenset({"url", "path", "referrer", "title", "search"})
# Column widths of Touchpoint's text fields.
WIDTHS = {"url": 2000, "path": 1000, "referrer": 2000, "utm": 200, "event": 200, "form": 200}


def content_key(url: str) -> str:
    """What identifies a page: host (without www.) and path, without scheme, query string,
    fragment or trailing slash; '' for a URL without a host."""
    parts = p.urlsplit_safe(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


def site_of(host: str) -> str:
    """The registrable part of a host, roughly: blog.example.com → example.com,
    www.example.co.uk → example.co.uk."""
    labels = host.split(".")
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


@dataclass
class Lookups:
    """The small tables every touchpoint consults, read once per `events_process` call."""

    rules: list[Rule]
    patterns: list[tuple[str, bool]]
    content: dict[str, int]

    @classmethod
    def load(cls) -> Lookups:
        rules = []
        for row in ChannelRule.objects.all():
            try:
                rules.append(
                    Rule.compile(
                        channel=row.channel,
                        source=row.source_pattern,
                        medium=row.medium_pattern,
                        campaign=row.campaign_pattern,
                        referrer=row.referrer_pattern,
                    )
                )
            except ValueError as exc:
                logger.warning("channel rule %s is skipped: %s", row.pk, exc)
        patterns = [
            (pattern.lower(), high)
            for pattern, high in PagePattern.objects.values_list("pattern", "high_intent")
        ]
        content = {}
        for pk, url in (
            ContentAsset.objects.exclude(url=None).order_by("pk").values_list("pk", "url")
        ):
            content.setdefault(content_key(url), pk)
        content.pop("", None)
        return cls(rules=rules, patterns=patterns, content=content)

    def high_intent(self, path: str) -> bool:
        """A path matching a high-intent pattern and no pattern marked not high-intent (an
        exclusion wins, so /pricing/faq can be carved out of /pricing*)."""
        path = path.lower()
        matched = [high for glob, high in self.patterns if path and fnmatch.fnmatchcase(path, glob)]
        return bool(matched) and all(matched)

    def content_for(self, url: str) -> int | None:
        return self.content.get(content_key(url)) if url else None


def touchpoint_build(
    raw: RawEvent, *, kind: str, lookups: Lookups, contact_id: int | None, account_id: int | None
) -> Touchpoint:
    """One unsaved touchpoint (campaign still to link: `campaigns_link`)."""
    payload = p.obj(raw.payload)
    properties = p.obj(payload.get("properties"))
    page = p.page_of(payload)
    utm = p.utm_of(payload, page.url)
    referrer_host = p.host_of(page.referrer)
    page_host = p.host_of(page.url)
    if referrer_host and page_host and site_of(referrer_host) == site_of(page_host):
        referrer_host = ""  # a link inside the site says nothing about where the visit came from
    channel = channel_for_kind(
        channel_for(
            utm["source"],
            utm["medium"],
            utm["campaign"],
            referrer_host,
            lookups.rules,
            click_id=p.click_id_of(page.url),
        ),
        kind,
    )
    width = WIDTHS["utm"]
    return Touchpoint(
        raw_event=raw,
        contact_id=contact_id,
        account_id=account_id,
        anonymous_id=raw.anonymous_id,
        occurred_at=raw.timestamp,
        kind=kind,
        event=(raw.event or p.text(payload.get("name")))[: WIDTHS["event"]],
        channel=channel,
        content_id=lookups.content_for(page.url),
        url=page.url[: WIDTHS["url"]],
        path=page.path[: WIDTHS["path"]],
        referrer=page.referrer[: WIDTHS["referrer"]],
        utm_source=utm["source"][:width],
        utm_medium=utm["medium"][:width],
        utm_campaign=utm["campaign"][:width],
        utm_term=utm["term"][:width],
        utm_content=utm["content"][:width],
        high_intent=lookups.high_intent(page.path),
        form=form_label(properties)[: WIDTHS["form"]] if kind == p.FORM else "",
        properties={k: v for k, v in properties.items() if k not in PAGE_PROPERTIES},
    )


def campaign_slug(utm_campaign: str) -> str:
    return slugify(utm_campaign)[:200]


def campaigns_link(touchpoints: list[Touchpoint]) -> None:
    """Link touchpoints to campaigns by utm_campaign (one query), creating the campaigns seen
    for the first time, with the channel and time of their first touchpoint."""
    first: dict[str, Touchpoint] = {}
    for tp in touchpoints:
        slug = campaign_slug(tp.utm_campaign)
        if slug:
            first.setdefault(slug, tp)
    if not first:
        return
    ids = dict(Campaign.objects.filter(utm_campaign__in=first).values_list("utm_campaign", "pk"))
    for slug, tp in first.items():
        if slug not in ids:
            campaign = _campaign_create(slug=slug, tp=tp)
            if campaign is not None:
                ids[slug] = campaign.pk
    for tp in touchpoints:
        tp.campaign_id = ids.get(campaign_slug(tp.utm_campaign))


def _campaign_create(*, slug: str, tp: Touchpoint) -> Campaign | None:
    name = tp.utm_campaign[:200]
    reason: Exception | None = None
    for candidate in (name, f"{name[:180]} ({slug[:16]})"):
        fields: dict[str, Any] = {
            "name": candidate,
            "utm_campaign": slug,
            "channel": tp.channel,
            "created_at": tp.occurred_at,
        }
        try:
            with transaction.atomic():
                return campaign_create(**fields)
        except (IntegrityError, InvalidInput) as exc:
            # Created meanwhile by another worker, or its name is taken by another campaign.
            found = Campaign.objects.filter(utm_campaign=slug).first()
            if found is not None:
                return found
            reason = exc
    logger.warning("utm_campaign %r gets no campaign: %s", tp.utm_campaign, reason)
    return None
