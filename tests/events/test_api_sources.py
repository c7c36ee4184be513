"""GET /api/sources: the write keys' sources with their counts, never a key or its hash."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smarketing.events.services import writekey_create, writekey_disable
from tests.events.rows import api_client, raw_event, rejected_event

URL = "/api/sources"


@pytest.fixture
def keys(admin_user):
    """Two sources and their raw keys."""
    website, website_raw = writekey_create(name="website", by_user=admin_user)
    app, app_raw = writekey_create(name="app", by_user=admin_user)
    return {"website": (website, website_raw), "app": (app, app_raw)}


def test_sources_when_listed_show_counts_last_event_and_disabled(marketer, keys):
    website, app = keys["website"][0], keys["app"][0]
    now = timezone.now().replace(microsecond=0)  # JSON carries milliseconds
    raw_event(website, received_at=now - dt.timedelta(days=3))
    newest = raw_event(website, received_at=now - dt.timedelta(minutes=2))
    raw_event(website, received_at=now - dt.timedelta(minutes=9))
    rejected_event(website, reason="bad", received_at=now - dt.timedelta(days=2))
    rejected_event(website, reason="bad")
    writekey_disable(key=app)

    body = api_client(marketer).get(URL).json()
    assert body["count"] == 2
    by_name = {item["name"]: item for item in body["items"]}
    assert [item["name"] for item in body["items"]] == ["app", "website"]
    site = by_name["website"]
    assert (site["accepted"], site["rejected"]) == (3, 2)
    assert (site["accepted_last_day"], site["rejected_last_day"]) == (2, 1)
    assert dt.datetime.fromisoformat(site["last_event_at"]) == newest.received_at
    assert site["disabled"] is False and site["disabled_at"] is None
    assert site["key_hint"] == website.key_hint
    quiet = by_name["app"]
    assert (quiet["accepted"], quiet["rejected"], quiet["last_event_at"]) == (0, 0, None)
    assert quiet["disabled"] is True


def test_sources_when_listed_never_show_a_key_or_its_hash(marketer, keys):
    text = api_client(marketer).get(URL).content.decode()
    for source, raw in keys.values():
        assert raw not in text and source.key_hash not in text
    assert "key_hash" not in text


def test_sources_when_asked_with_a_write_key_refuse_it(keys):
    """A write key only sends: neither as Basic (as the tracking clients send it) nor as Bearer
    does it read anything."""
    raw = keys["website"][1]
    basic = base64.b64encode(f"{raw}:".encode()).decode()
    for header in (f"Basic {basic}", f"Bearer {raw}"):
        response = Client(HTTP_AUTHORIZATION=header).get(URL)
        assert response.status_code == 401, header
        assert "items" not in response.json()


def test_sources_when_role_lacks_events_view_is_403(rep, keys):
    assert api_client(rep).get(URL).status_code == 403


def test_sources_when_more_sources_and_events_cost_no_more_queries(marketer, keys, admin_user):
    client = api_client(marketer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    queries()
    few = queries()
    for n in range(5):
        source, _ = writekey_create(name=f"tool {n}", by_user=admin_user)
        raw_event(source)
        rejected_event(source, reason="bad")
    assert queries() == few
