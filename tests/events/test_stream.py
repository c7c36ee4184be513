"""The live event stream page: newest events, counts per source, rejections, polling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smarketing.events.models import Identity
from smarketing.org.permissions import navigation_for
from smarketing.people import services as people
from tests.events.rows import raw_event, rejected_event, touchpoint, write_key

URL = "/events/stream/"


@pytest.fixture
def website(db):
    return write_key("website")


@pytest.fixture
def app(db):
    return write_key("app")


def get(client, user, url: str = URL, **headers):
    client.force_login(user)
    return client.get(url, **headers)


def test_stream_when_opened_counts_accepted_and_rejected_per_source_by_hour_and_day(
    client, marketer, website, app
):
    now = timezone.now()
    for minutes in (1, 30):
        raw_event(website, received_at=now - dt.timedelta(minutes=minutes))
    raw_event(website, received_at=now - dt.timedelta(hours=5))
    raw_event(website, received_at=now - dt.timedelta(days=2))  # outside both windows
    raw_event(app, type="track", event="Signed Up", received_at=now - dt.timedelta(hours=3))
    rejected_event(website, reason="anonymousId or userId is required")
    rejected_event(app, reason="timestamp is not a date", received_at=now - dt.timedelta(hours=2))

    response = get(client, marketer)
    assert response.status_code == 200
    counts = {
        row.source.name: (row.accepted_hour, row.rejected_hour, row.accepted_day, row.rejected_day)
        for row in response.context["counts"]
    }
    assert counts == {"website": (2, 1, 3, 1), "app": (0, 0, 1, 1)}


def test_stream_when_opened_lists_newest_events_first_with_what_they_are(client, marketer, website):
    raw_event(
        website, type="page", anonymous_id="a-1", payload={"properties": {"path": "/pricing"}}
    )
    raw_event(website, type="track", event="Demo Requested", anonymous_id="a-1")
    raw_event(
        website, type="identify", user_id="u-7", payload={"traits": {"email": "x@acme.example"}}
    )

    response = get(client, marketer)
    rows = response.context["events"]
    assert [r.summary for r in rows] == ["x@acme.example", "Demo Requested", "/pricing"]
    html = response.content.decode()
    assert "Demo Requested" in html and "/pricing" in html and "waiting" in html


def test_stream_when_event_resolved_links_the_contact(client, marketer, website):
    known = people.contact_create(email="lena@acme.example", first_name="Lena", by_rule="test")
    by_touchpoint = people.contact_create(email="omar@acme.example", by_rule="test")
    Identity.objects.create(kind="anonymous", value="anon-lena", contact=known)
    raw_event(website, anonymous_id="anon-lena", processed=True)
    touchpoint(raw_event(website, anonymous_id="anon-x", processed=True), contact=by_touchpoint)
    raw_event(website, anonymous_id="anon-stranger")

    response = get(client, marketer)
    contacts = [r.contact for r in response.context["events"]]
    assert contacts == [None, by_touchpoint, known]
    html = response.content.decode()
    assert f'href="/contacts/{known.pk}/"' in html
    assert f'href="/contacts/{by_touchpoint.pk}/"' in html


def test_stream_when_filtered_by_source_shows_only_its_events_and_rejections(
    client, marketer, website, app
):
    raw_event(website, type="track", event="From website")
    raw_event(app, type="track", event="From app")
    rejected_event(website, reason="website reason")
    rejected_event(app, reason="app reason")

    response = get(client, marketer, f"{URL}?source={app.pk}")
    assert [r.summary for r in response.context["events"]] == ["From app"]
    assert [r.reason for r in response.context["rejected"]] == ["app reason"]
    # An unknown source is ignored, not an error: the page shows everything.
    everything = get(client, marketer, f"{URL}?source=999999")
    assert everything.status_code == 200 and len(everything.context["events"]) == 2


def test_stream_when_rejections_exist_shows_the_newest_with_reason_and_field(
    client, marketer, website
):
    now = timezone.now()
    rejected_event(website, reason="older", received_at=now - dt.timedelta(minutes=5))
    rejected_event(website, reason="timestamp is in the future", field="timestamp")
    response = get(client, marketer)
    assert [r.reason for r in response.context["rejected"]] == [
        "timestamp is in the future",
        "older",
    ]
    assert "timestamp is in the future" in response.content.decode()


def test_stream_when_polled_by_htmx_returns_the_live_part_that_keeps_polling(
    client, marketer, website
):
    raw_event(website, type="track", event="Polled")
    full = get(client, marketer).content.decode()
    assert "<html" in full and 'hx-trigger="every 5s"' in full
    part = get(client, marketer, f"{URL}?source={website.pk}", HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert "<html" not in html and "Polled" in html
    assert html.lstrip().startswith('<div id="stream-live"')
    assert f'hx-get="{URL}?source={website.pk}"' in html and 'hx-trigger="every 5s"' in html


def test_stream_when_role_lacks_events_view_is_forbidden(client, rep):
    response = get(client, rep)
    assert response.status_code == 403
    assert "may not view events." in response.content.decode()


def test_stream_when_logged_out_redirects_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_stream_navigation_when_role_may_view_events_shows_the_entry(cast):
    shown = {
        role for role, user in cast.items() if ("Events", "events:stream") in navigation_for(user)
    }
    assert shown == {"marketing", "marketing_leader", "sales_leader", "admin"}


def test_stream_when_more_events_costs_no_more_queries(client, marketer, website):
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert get(client, marketer).status_code == 200
        return len(captured)

    def store(n: int, prefix: str) -> None:
        for i in range(n):
            contact = people.contact_create(email=f"{prefix}{i}@acme.example", by_rule="test")
            Identity.objects.create(kind="anonymous", value=f"{prefix}-{i}", contact=contact)
            raw_event(website, anonymous_id=f"{prefix}-{i}")
            touchpoint(raw_event(website, anonymous_id="someone"), contact=contact)
            rejected_event(website, reason=f"{prefix}{i}")

    store(2, "a")
    queries_for_page()  # the first request also loads the session and warms caches
    few = queries_for_page()
    store(15, "b")
    assert queries_for_page() == few
