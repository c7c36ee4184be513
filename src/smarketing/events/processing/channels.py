"""The channel of a touchpoint from its UTM parameters and referrer (plain Python, no Django).

A default grouping in the spirit of GA4's default channel group, coarsened to our channels
(campaigns.models.Channel), with admins' overrides (ChannelRule) evaluated first. Without
sessions each event is classified on its own: a page reached by a link inside the site (its
referrer is the site itself) counts as direct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Channel values (a test keeps them in step with campaigns.models.Channel).
ORGANIC_SEARCH = "organic_search"
PAID_SEARCH = "paid_search"
EMAIL = "email"
SOCIAL = "social"
PAID_SOCIAL = "paid_social"
REFERRAL = "referral"
DISPLAY = "display"
DIRECT = "direct"
EVENTS = "events"
PARTNER = "partner"
SALES = "sales"
OTHER = "other"
CHANNELS = frozenset(
    {
        ORGANIC_SEARCH,
        PAID_SEARCH,
        EMAIL,
        SOCIAL,
        PAID_SOCIAL,
        REFERRAL,
        DISPLAY,
        DIRECT,
        EVENTS,
        PARTNER,
        SALES,
        OTHER,
    }
)

# GA4's "paid" medium pattern, plus our spellings of paid search.
PAID_MEDIUM = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
DISPLAY_MEDIUMS = frozenset({"display", "banner", "expandable", "interstitial", "cpm"})
EMAIL_WORDS = frozenset({"email", "e-mail", "e_mail", "e mail", "newsletter"})
EVENT_MEDIUMS = frozenset(
    {"event", "events", "webinar", "webinars", "conference", "tradeshow", "trade-show", "meetup"}
)
PARTNER_MEDIUMS = frozenset({"affiliate", "affiliates", "partner", "partners"})
SOCIAL_MEDIUMS = frozenset(
    {"social", "social-network", "social-media", "sm", "social network", "social media"}
)
DIRECT_SOURCES = frozenset({"(direct)", "direct"})
NONE_MEDIUMS = frozenset({"", "(none)", "(not set)", "none"})
# Click ids that only the ad platform adds: the click was paid whatever the UTM says.
CLICK_ID_CHANNELS = {
    "gclid": PAID_SEARCH,
    "gbraid": PAID_SEARCH,
    "wbraid": PAID_SEARCH,
    "msclkid": PAID_SEARCH,
    "dclid": DISPLAY,
}

# Search engines: named by their brand as the first label of the host (google.de, bing.com)
# or as utm_source, or by a full host.
SEARCH_BRANDS = frozenset(
    {"google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "naver", "ask"}
)
SEARCH_HOSTS = frozenset(
    {
        "search.yahoo.com",
        "search.brave.com",
        "search.aol.com",
        "startpage.com",
        "qwant.com",
        "ya.ru",
        "seznam.cz",
        "sogou.com",
        "so.com",
        "perplexity.ai",
    }
)
SOCIAL_SOURCES = frozenset(
    {
        "facebook",
        "fb",
        "meta",
        "instagram",
        "ig",
        "linkedin",
        "twitter",
        "x",
        "tiktok",
        "youtube",
        "reddit",
        "pinterest",
        "snapchat",
        "quora",
        "xing",
        "threads",
        "bluesky",
        "mastodon",
        "vk",
        "weibo",
        "tumblr",
        "whatsapp",
        "telegram",
        "discord",
        "hackernews",
    }
)
SOCIAL_HOSTS = frozenset(
    {
        "facebook.com",
        "fb.com",
        "fb.me",
        "messenger.com",
        "instagram.com",
        "linkedin.com",
        "lnkd.in",
        "twitter.com",
        "x.com",
        "t.co",
        "tiktok.com",
        "youtube.com",
        "youtu.be",
        "reddit.com",
        "pinterest.com",
        "snapchat.com",
        "quora.com",
        "xing.com",
        "threads.net",
        "bsky.app",
        "mastodon.social",
        "vk.com",
        "weibo.com",
        "tumblr.com",
        "whatsapp.com",
        "wa.me",
        "t.me",
        "discord.com",
        "medium.com",
        "news.ycombinator.com",
    }
)
# Webmail readers: a click from an email, not a referral.
WEBMAIL_HOSTS = frozenset(
    {
        "mail.google.com",
        "outlook.live.com",
        "outlook.office.com",
        "outlook.office365.com",
        "mail.yahoo.com",
        "mail.aol.com",
        "mail.proton.me",
        "webmail.gmx.net",
        "mail.yandex.ru",
    }
)
# What an event's kind says about its channel when nothing in it says where it came from: an
# email tool's opens and clicks are email, a webinar tool's registrations are events.
KIND_CHANNELS = {
    "email_open": EMAIL,
    "email_click": EMAIL,
    "unsubscribe": EMAIL,
    "webinar_registered": EVENTS,
    "webinar_attended": EVENTS,
}
_MOBILE_PREFIXES = ("www.", "m.", "l.", "lm.", "mobile.")


@dataclass(frozen=True)
class Rule:
    """An override: the channel when every pattern it has matches (case-insensitive regular
    expressions searched anywhere in the value; anchor with ^…$ for a whole value). A rule with
    no pattern matches nothing, so a blank rule cannot swallow all traffic."""

    channel: str
    source: re.Pattern[str] | None = None
    medium: re.Pattern[str] | None = None
    campaign: re.Pattern[str] | None = None
    referrer: re.Pattern[str] | None = None

    @classmethod
    def compile(
        cls,
        *,
        channel: str,
        source: str = "",
        medium: str = "",
        campaign: str = "",
        referrer: str = "",
    ) -> Rule:
        """A rule from pattern texts; ValueError naming the field when one is not a regex."""
        if channel not in CHANNELS:
            raise ValueError(f"channel: unknown channel {channel!r}")
        patterns = {"source": source, "medium": medium, "campaign": campaign, "referrer": referrer}
        compiled: dict[str, re.Pattern[str] | None] = {}
        for name, pattern in patterns.items():
            try:
                compiled[name] = re.compile(pattern, re.IGNORECASE) if pattern else None
            except re.error as exc:
                raise ValueError(
                    f"{name}: {pattern!r} is not a regular expression ({exc})"
                ) from None
        return cls(channel=channel, **compiled)

    def matches(self, *, source: str, medium: str, campaign: str, referrer_host: str) -> bool:
        pairs = (
            (self.source, source),
            (self.medium, medium),
            (self.campaign, campaign),
            (self.referrer, referrer_host),
        )
        present = [(pattern, value) for pattern, value in pairs if pattern is not None]
        return bool(present) and all(pattern.search(value) for pattern, value in present)


def _host(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    for prefix in _MOBILE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host.removeprefix(prefix)
    return host


def _in_hosts(host: str, hosts: frozenset[str]) -> bool:
    """The host or one of its parent domains is in `hosts` (uk.linkedin.com → linkedin.com)."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in hosts for i in range(len(labels) - 1))


def is_search_site(value: str) -> bool:
    """A search engine named by brand (utm_source=google) or host (www.google.co.uk)."""
    host = _host(value)
    if not host:
        return False
    first = host.split(".")[0]
    # google.co.uk is Google search; docs.google.com is not (its first label is not the brand).
    if first in SEARCH_BRANDS and host.count(".") <= 2:
        return True
    return _in_hosts(host, SEARCH_HOSTS)


def is_social_site(value: str) -> bool:
    """A social network named by brand (utm_source=linkedin) or host (lnkd.in)."""
    host = _host(value)
    return bool(host) and (host in SOCIAL_SOURCES or _in_hosts(host, SOCIAL_HOSTS))


def is_webmail(value: str) -> bool:
    return _in_hosts(_host(value), WEBMAIL_HOSTS)


def _clean(value: str) -> str:
    return " ".join(value.split()).lower()


def channel_for(
    utm_source: str,
    utm_medium: str,
    utm_campaign: str,
    referrer_host: str,
    rules: Sequence[Rule] = (),
    *,
    click_id: str = "",
) -> str:
    """The channel of one touchpoint. `referrer_host` is '' for none or for the site itself;
    `click_id` names an ad click id found in the URL (gclid …)."""
    source, medium = _clean(utm_source), _clean(utm_medium)
    campaign, host = _clean(utm_campaign), _host(referrer_host)
    for rule in rules:
        if rule.matches(source=source, medium=medium, campaign=campaign, referrer_host=host):
            return rule.channel
    if click_id.lower() in CLICK_ID_CHANNELS:
        return CLICK_ID_CHANNELS[click_id.lower()]
    if source in DIRECT_SOURCES and medium in NONE_MEDIUMS and not host:
        return DIRECT
    if not (source or medium or campaign or host):
        return DIRECT
    return _by_medium(medium) or _by_site(source, medium, host) or OTHER


def _by_medium(medium: str) -> str | None:
    if medium in EVENT_MEDIUMS:
        return EVENTS
    if medium in EMAIL_WORDS:
        return EMAIL
    if medium in PARTNER_MEDIUMS:
        return PARTNER
    return None


def _by_site(source: str, medium: str, host: str) -> str | None:
    if source in EMAIL_WORDS or is_webmail(host):
        return EMAIL
    social = is_social_site(source) if source else is_social_site(host)
    paid = bool(PAID_MEDIUM.match(medium)) or medium in DISPLAY_MEDIUMS
    if paid and (social or "social" in medium):
        return PAID_SOCIAL
    if medium in DISPLAY_MEDIUMS:
        return DISPLAY
    if paid:
        return PAID_SEARCH
    if social or medium in SOCIAL_MEDIUMS or is_social_site(host):
        return SOCIAL
    if is_search_site(source) or medium == "organic" or is_search_site(host):
        return ORGANIC_SEARCH
    if medium == "referral" or host:
        return REFERRAL
    return None


def channel_for_kind(channel: str, kind: str) -> str:
    """`channel` from channel_for, or the kind's own channel when that was only 'direct'."""
    return KIND_CHANNELS.get(kind, channel) if channel == DIRECT else channel
