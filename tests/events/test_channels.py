"""The default channel grouping and its overrides (pure function: examples and properties)."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from smarketing.campaigns.models import Channel
from smarketing.events.models import TouchpointKind
from smarketing.events.processing import channels as ch
from smarketing.events.processing import payload
from smarketing.events.processing.channels import Rule, channel_for

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_ ().0123456789", max_size=20)
hosts = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    min_size=2,
    max_size=4,
).map(".".join)
click_ids = st.sampled_from(["", "", "gclid", "msclkid", "dclid", "fbclid"])


def test_channel_values_are_the_models_choices():
    assert set(Channel.values) == ch.CHANNELS
    kinds = {payload.PAGE_VIEW, payload.FORM, payload.OTHER, *payload.TRACK_KINDS.values()}
    assert kinds <= set(TouchpointKind.values)


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "referrer", "expected"),
    [
        ("", "", "", "", ch.DIRECT),
        ("(direct)", "(none)", "", "", ch.DIRECT),
        ("google", "cpc", "brand", "", ch.PAID_SEARCH),
        ("bing", "ppc", "", "", ch.PAID_SEARCH),
        ("", "paidsearch", "", "", ch.PAID_SEARCH),
        ("linkedin", "cpc", "", "", ch.PAID_SOCIAL),
        ("facebook", "paid", "", "", ch.PAID_SOCIAL),
        ("", "paid_social", "", "", ch.PAID_SOCIAL),
        ("", "", "", "www.google.de", ch.ORGANIC_SEARCH),
        ("", "", "", "www.google.co.uk", ch.ORGANIC_SEARCH),
        ("", "", "", "duckduckgo.com", ch.ORGANIC_SEARCH),
        ("google", "organic", "", "", ch.ORGANIC_SEARCH),
        ("", "", "", "docs.google.com", ch.REFERRAL),
        ("", "", "", "lnkd.in", ch.SOCIAL),
        ("", "", "", "l.facebook.com", ch.SOCIAL),
        ("linkedin", "social", "", "", ch.SOCIAL),
        ("newsletter", "email", "march", "", ch.EMAIL),
        ("", "", "", "mail.google.com", ch.EMAIL),
        ("gdn", "display", "", "", ch.DISPLAY),
        ("adnetwork", "cpm", "", "", ch.DISPLAY),
        ("", "", "", "news.example.org", ch.REFERRAL),
        ("partnerco", "referral", "", "", ch.REFERRAL),
        ("", "webinar", "q2-webinar", "", ch.EVENTS),
        ("", "event", "", "", ch.EVENTS),
        ("acme", "affiliate", "", "", ch.PARTNER),
        ("acme", "partner", "", "", ch.PARTNER),
        ("qr", "print", "", "", ch.OTHER),
        ("", "", "spring", "", ch.OTHER),
    ],
)
def test_default_grouping(source, medium, campaign, referrer, expected):
    assert channel_for(source, medium, campaign, referrer) == expected


def test_click_ids_are_paid_whatever_the_utm_says():
    assert channel_for("newsletter", "email", "", "", click_id="gclid") == ch.PAID_SEARCH
    assert channel_for("", "", "", "", click_id="msclkid") == ch.PAID_SEARCH
    assert channel_for("", "", "", "", click_id="dclid") == ch.DISPLAY
    # fbclid is added to every outbound Facebook link, paid or not: it decides nothing.
    assert channel_for("", "", "", "l.facebook.com", click_id="fbclid") == ch.SOCIAL


def test_rule_compile_names_the_bad_pattern():
    with pytest.raises(ValueError, match="medium"):
        Rule.compile(channel=ch.EMAIL, medium="(unclosed")
    with pytest.raises(ValueError, match="channel"):
        Rule.compile(channel="carrier pigeon", source="x")


def test_a_rule_needs_all_its_patterns_and_a_blank_rule_matches_nothing():
    rule = Rule.compile(channel=ch.SALES, source="^outreach$", medium="email")
    assert channel_for("outreach", "email", "", "", [rule]) == ch.SALES
    assert channel_for("outreach", "cpc", "", "", [rule]) == ch.PAID_SEARCH
    assert channel_for("", "", "", "", [Rule.compile(channel=ch.SALES)]) == ch.DIRECT


@given(words, words, words, hosts | st.just(""), click_ids)
def test_every_input_gets_one_of_our_channels(source, medium, campaign, referrer, click_id):
    assert channel_for(source, medium, campaign, referrer, click_id=click_id) in ch.CHANNELS


@given(words, words, words, hosts | st.just(""))
def test_case_and_spacing_do_not_matter(source, medium, campaign, referrer):
    plain = channel_for(source, medium, campaign, referrer)
    shouted = channel_for(
        f"  {source.upper()} ", medium.upper(), f" {campaign.upper()}", referrer.upper()
    )
    assert shouted == plain


@given(words, words, words, hosts | st.just(""))
def test_direct_only_without_any_source(source, medium, campaign, referrer):
    result = channel_for(source, medium, campaign, referrer)
    said_nothing = not (source.strip() or medium.strip() or campaign.strip() or referrer)
    said_direct = (
        source.strip().lower() in ch.DIRECT_SOURCES
        and not referrer
        and (medium.strip().lower() in ch.NONE_MEDIUMS)
    )
    assert (result == ch.DIRECT) == (said_nothing or said_direct)


@given(words, words, words, hosts | st.just(""), st.sampled_from(sorted(ch.CHANNELS)))
def test_the_first_matching_rule_wins(source, medium, campaign, referrer, channel):
    assume(source.strip())
    exact = Rule.compile(channel=channel, source="^" + _escaped(source) + "$")
    never = Rule.compile(channel=ch.OTHER, source="^$", medium="^$")
    assert channel_for(source, medium, campaign, referrer, [never, exact]) == channel
    assert channel_for(source, medium, campaign, referrer, [exact, never]) == channel


@given(words, words, words, hosts | st.just(""))
def test_a_rule_that_does_not_match_changes_nothing(source, medium, campaign, referrer):
    unmatched = Rule.compile(channel=ch.SALES, referrer="^no-such-host\\.invalid$")
    assert channel_for(source, medium, campaign, referrer, [unmatched]) == channel_for(
        source, medium, campaign, referrer
    )


@given(words, words.filter(lambda m: m.strip().lower() not in ch.EVENT_MEDIUMS), hosts)
def test_an_email_medium_is_email_from_anywhere(source, campaign, referrer):
    assert channel_for(source, "email", campaign, referrer) == ch.EMAIL


@given(st.sampled_from(sorted(ch.SOCIAL_SOURCES)), st.sampled_from(["cpc", "ppc", "paid", "cpm"]))
def test_social_sources_with_paid_media_are_paid_social(source, medium):
    assert channel_for(source, medium, "", "") == ch.PAID_SOCIAL


def _escaped(text: str) -> str:
    # What channel_for compares: lower-case, whitespace collapsed.
    return re.escape(" ".join(text.split()).lower())


def test_an_events_kind_decides_only_when_nothing_else_does():
    assert set(ch.KIND_CHANNELS) <= set(TouchpointKind.values)
    assert ch.channel_for_kind(ch.DIRECT, "email_open") == ch.EMAIL
    assert ch.channel_for_kind(ch.DIRECT, "webinar_attended") == ch.EVENTS
    assert ch.channel_for_kind(ch.REFERRAL, "email_click") == ch.REFERRAL
    assert ch.channel_for_kind(ch.DIRECT, "page_view") == ch.DIRECT
