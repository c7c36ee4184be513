"""GET /api/events/rejected: what was not accepted and why, newest first, paginated."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from smarketing.events.services import writekey_create
from tests.events.rows import api_client, rejected_event, write_key

URL = "/api/events/rejected"


@pytest.fixture
def website(db):
    return write_key("website")


def test_rejected_when_listed_shows_newest_first_with_reason_field_and_source(marketer, website):
    now = timezone.now().replace(microsecond=0)  # JSON carries milliseconds
    older = rejected_event(website, reason="older", received_at=now - dt.timedelta(hours=1))
    newer = rejected_event(
        website, reason="timestamp is not a date", field="timestamp", received_at=now
    )

    body = api_client(marketer).get(URL).json()
    assert body["count"] == 2
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert first["reason"] == "timestamp is not a date" and first["field"] == "timestamp"
    assert first["message_id"] == newer.message_id
    assert first["source_id"] == website.pk and first["source_name"] == "website"
    assert first["payload"] == '{"type": "page"}'
    assert dt.datetime.fromisoformat(first["received_at"]) == newer.received_at


def test_rejected_when_filtered_by_source_lists_only_its_events(marketer, website):
    app = write_key("app")
    rejected_event(website, reason="from website")
    rejected_event(app, reason="from app")
    body = api_client(marketer).get(URL, {"source_id": app.pk}).json()
    assert [item["reason"] for item in body["items"]] == ["from app"]


def test_rejected_when_paged_returns_the_slice_and_the_total(marketer, website):
    for n in range(5):
        rejected_event(
            website, reason=f"r{n}", received_at=timezone.now() - dt.timedelta(minutes=n)
        )
    body = api_client(marketer).get(URL, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [item["reason"] for item in body["items"]] == ["r2", "r3"]


def test_rejected_when_limit_over_the_maximum_is_400_naming_it(marketer, website):
    response = api_client(marketer).get(URL, {"limit": 501})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"limit"}


def test_rejected_when_sent_through_the_tracking_api_lists_the_bad_event(client, admin_user):
    source, raw = writekey_create(name="backend", by_user=admin_user)
    batch = {
        "writeKey": raw,
        "batch": [
            {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "good"},
            {"type": "track", "event": "Signed Up", "messageId": "no-ids"},
        ],
    }
    sent = client.post("/v1/batch", json.dumps(batch), content_type="application/json")
    assert sent.status_code == 200, sent.content

    body = api_client(admin_user).get(URL, {"source_id": source.pk}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["message_id"] == "no-ids" and item["field"] == "userId"
    assert "anonymousId" in item["reason"]
    assert json.loads(item["payload"])["messageId"] == "no-ids"
    assert raw not in json.dumps(body)  # the key sent in the body is never stored


def test_rejected_when_role_lacks_events_view_is_403(rep, website):
    response = api_client(rep).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == "a sales user may not view events"


def test_rejected_when_not_authenticated_is_401(website):
    assert Client().get(URL).status_code == 401
