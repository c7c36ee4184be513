"""Processing raw events into touchpoints: kinds, UTM, channel, campaign, content, high intent,
idempotency, batching and the query count of the hot path."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from smarketing.campaigns.models import Campaign
from smarketing.errors import InvalidInput
from smarketing.events.models import (
    ChannelRule,
    Identity,
    PagePattern,
    RawEvent,
    RejectedEvent,
    Touchpoint,
)
from smarketing.events.processing import run
from smarketing.events.processing.run import events_process
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact
from tests.events.messages import alias, group, identify, page, track
from tests.factories import CampaignFactory, ContentAssetFactory


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("Form Submitted", "form"),
        ("form_submitted", "form"),
        ("Email Opened", "email_open"),
        ("Email Link Clicked", "email_click"),
        ("Content Downloaded", "download"),
        ("File Downloaded", "download"),
        ("Webinar Registered", "webinar_registered"),
        ("Webinar Attended", "webinar_attended"),
        ("Unsubscribed", "unsubscribe"),
        ("Order Completed", "other"),
    ],
)
def test_track_events_become_touchpoints_of_their_kind(send, process, event, kind):
    send(track(event, "anon"))
    process()
    tp = Touchpoint.objects.get()
    assert (tp.kind, tp.event) == (kind, event)


def test_a_page_view_keeps_where_it_happened(send, process):
    send(page("anon", path="/blog/post", query="ref=x", referrer="https://news.example.org/item"))
    process()
    tp = Touchpoint.objects.get()
    assert (tp.kind, tp.path, tp.referrer, tp.channel) == (
        "page_view",
        "/blog/post",
        "https://news.example.org/item",
        "referral",
    )
    assert tp.url.endswith("/blog/post?ref=x")
    assert tp.occurred_at == RawEvent.objects.get().timestamp
    assert tp.anonymous_id == "anon"
    assert tp.contact is None


def test_identify_group_and_alias_make_no_touchpoint_but_are_processed(send, process):
    send(identify("a", email="x@acme.example"), group("g", "a", name="Acme"), alias("a", "u-1"))
    assert process() == 3
    assert not Touchpoint.objects.exists()
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_link_inside_the_site_is_direct(send, process):
    send(page("anon", path="/pricing", referrer="https://blog.smarketing-demo.test/post"))
    process()
    assert Touchpoint.objects.get().channel == "direct"


def test_utm_from_context_or_from_the_url_give_channel_and_one_campaign(send, process):
    send(
        page(
            "a",
            campaign={"source": "google", "medium": "cpc", "name": "Brand Search", "term": "crm"},
        ),
        page(
            "b",
            query="utm_source=google&utm_medium=cpc&utm_campaign=Brand%20Search&utm_content=ad-2",
        ),
    )
    process()
    send(page("c", query="utm_campaign=brand-search&utm_source=linkedin&utm_medium=paid"))
    process()
    campaign = Campaign.objects.get()
    assert (campaign.name, campaign.utm_campaign, campaign.channel) == (
        "Brand Search",
        "brand-search",
        "paid_search",
    )
    a, b, c = Touchpoint.objects.order_by("anonymous_id")
    assert (a.utm_source, a.utm_medium, a.utm_campaign, a.utm_term) == (
        "google",
        "cpc",
        "Brand Search",
        "crm",
    )
    assert (b.utm_content, b.channel) == ("ad-2", "paid_search")
    assert c.channel == "paid_social"
    assert {a.campaign, b.campaign, c.campaign} == {campaign}


def test_an_existing_campaign_is_linked_by_its_utm_value(send, process):
    existing = CampaignFactory(
        name="Spring webinar", utm_campaign="spring-webinar", channel="events"
    )
    send(page("a", query="utm_campaign=Spring-Webinar&utm_medium=webinar"))
    process()
    assert Touchpoint.objects.get().campaign == existing
    assert Campaign.objects.count() == 1


def test_a_gclid_is_paid_search(send, process):
    send(page("a", query="gclid=abc123"))
    process()
    assert Touchpoint.objects.get().channel == "paid_search"


def test_channel_rules_override_the_default(send, process):
    ChannelRule.objects.create(position=1, channel="partner", source_pattern="^g2$")
    ChannelRule.objects.create(position=2, channel="sales", medium_pattern="(")  # broken: skipped
    send(page("a", campaign={"source": "g2", "medium": "referral"}))
    process()
    assert Touchpoint.objects.get().channel == "partner"


def test_content_is_matched_by_url_without_query_or_trailing_slash(send, process):
    guide = ContentAssetFactory(url="https://www.smarketing-demo.test/guides/lead-scoring/")
    send(
        page("a", path="/guides/lead-scoring", query="utm_source=x"),
        track(
            "Content Downloaded",
            "b",
            path="/resources",
            properties={"url": "http://smarketing-demo.test/guides/lead-scoring"},
        ),
        page("c", path="/guides/other"),
    )
    process()
    assert [t.content for t in Touchpoint.objects.order_by("anonymous_id")] == [guide, guide, None]


def test_high_intent_pages_are_flagged_and_exclusions_win(send, process):
    PagePattern.objects.create(pattern="/pricing/faq*", label="Pricing FAQ", high_intent=False)
    send(
        page("a", path="/pricing"),
        page("b", path="/de/demo-request"),
        page("c", path="/pricing/faq"),
        page("d", path="/blog"),
    )
    process()
    flags = dict(Touchpoint.objects.values_list("anonymous_id", "high_intent"))
    assert flags == {"a": True, "b": True, "c": False, "d": False}


def test_odd_payload_shapes_do_not_stop_a_batch(send, process):
    odd = page("a", path="/")
    odd["context"]["page"] = {"url": 42, "referrer": {"not": "a string"}}
    odd["properties"] = {"url": ["x"], "path": None}
    send(odd, track("Form Submitted", "b", properties={"form_id": {"nested": 1}, "email": 7}))
    assert process() == 2
    assert Touchpoint.objects.count() == 2


def test_processing_twice_creates_nothing_twice(send, process):
    send(
        page("v", path="/pricing", campaign={"source": "google", "medium": "cpc", "name": "Q1"}),
        identify("v", email="twice@acme.example", firstName="Tia"),
        track("Form Submitted", "v", properties={"form_id": "demo"}),
        group("acme", "v", website="acme.example", name="Acme"),
    )
    process()

    def counts():
        return [
            m.objects.count()
            for m in (Touchpoint, Contact, Account, Campaign, Identity, StageTransition)
        ]

    before = counts()
    RawEvent.objects.update(processed_at=None)  # as if a worker died after its work committed
    assert process() == 4
    assert counts() == before


def test_limit_takes_the_first_stored_in_batches(send, monkeypatch):
    monkeypatch.setattr(run, "BATCH_SIZE", 2)
    send(*(page(f"p{i}", path=f"/{i}") for i in range(5)))
    assert events_process(limit=3) == 3
    ids = list(RawEvent.objects.order_by("id").values_list("id", flat=True))
    done = RawEvent.objects.filter(processed_at__isnull=False)
    assert sorted(done.values_list("id", flat=True)) == ids[:3]
    assert events_process(limit=10) == 2
    assert events_process(limit=10) == 0


def test_limit_must_be_positive(db):
    with pytest.raises(InvalidInput, match="limit"):
        events_process(limit=0)


def _hot_batch(send, n: int) -> None:
    send(
        *(
            page(
                "known",
                path=f"/p/{i}",
                campaign={"source": "google", "medium": "cpc", "name": "Q1"},
            )
            for i in range(n)
        )
    )
    send(*(page(f"anon-{i}", path=f"/q/{i}", referrer="https://www.bing.com/") for i in range(n)))


def test_a_batchs_query_count_does_not_grow_with_its_size(send, process, django_assert_num_queries):
    send(identify("known", email="hot@acme.example"), page("known", query="utm_campaign=q1"))
    process()
    # Claim, identities, campaigns, insert, sources, mark processed, the savepoint's two, and
    # the three lookup tables read once per call; on PostgreSQL also the workers' lock and
    # the staging tables of the contacts' and the account's scores, each made and emptied in
    # one statement (the COPY into them goes past Django's cursor, uncounted), and the sort
    # setting turned off for the touchpoints' grouped read and put back.
    # Then rescoring the touched contact: the live version, facts (the contacts, then their
    # accounts), touchpoints, predictions, scores before, upsert (no history point: page views
    # of "/" score nothing), and the account's facts, its contacts' scores and upsert. Then one
    # query for prospect alerts (is any visitor a prospect? this one is not).
    queries = (16 if connection.vendor == "postgresql" else 11) + 10 + 1
    _hot_batch(send, 10)
    with django_assert_num_queries(queries):
        assert events_process(limit=1000) == 20
    _hot_batch(send, 20)  # 40 rows: still one INSERT even on SQLite's 999-parameter limit
    with django_assert_num_queries(queries):
        assert events_process(limit=1000) == 40
    contact = Contact.objects.get()
    assert Touchpoint.objects.filter(contact=contact).count() == 31


def test_the_queue_task_processes_after_ingestion_commits(
    source, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    from smarketing.events.services import events_ingest

    previous, HUEY.immediate = HUEY.immediate, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events_ingest(source=source, messages=[page("q", path="/")], received_at=timezone.now())
    finally:
        HUEY.immediate = previous
    assert Touchpoint.objects.get().path == "/"
    assert RawEvent.objects.get().processed_at is not None


def test_the_sweep_processes_what_no_task_picked_up(send):
    from smarketing.events.tasks import events_process_sweep

    send(page("s1", path="/a"), page("s2", path="/b"))
    events_process_sweep.call_local()
    assert Touchpoint.objects.count() == 2
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()


def test_email_and_webinar_tools_events_take_their_kinds_channel(send, process):
    send(
        track("Email Opened", user_id="u1"),
        track("Webinar Registered", user_id="u1"),
        track(
            "Email Link Clicked",
            user_id="u1",
            properties={
                "url": "https://www.smarketing-demo.test/?utm_source=linkedin&utm_medium=social"
            },
        ),
        track("Order Completed", user_id="u1"),
    )
    process()
    assert dict(Touchpoint.objects.values_list("kind", "channel")) == {
        "email_open": "email",
        "webinar_registered": "events",
        "email_click": "social",  # the link's own UTM says more than the kind
        "other": "direct",
    }


def test_an_event_that_cannot_be_processed_is_set_aside_without_blocking_the_rest(
    send, process, monkeypatch
):
    original = run.touchpoint_build

    def build(raw, **fields):
        if raw.anonymous_id == "poison":
            raise ValueError("boom")
        return original(raw, **fields)

    monkeypatch.setattr(run, "touchpoint_build", build)
    send(page("a"), page("poison"), page("b"))
    assert process() == 3
    assert set(Touchpoint.objects.values_list("anonymous_id", flat=True)) == {"a", "b"}
    rejected = RejectedEvent.objects.get()
    assert rejected.field == "processing"
    assert "ValueError: boom" in rejected.reason
    assert '"poison"' in rejected.payload
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()
