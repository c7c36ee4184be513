"""POST /v1/*: auth as the real clients send it, and the status that keeps them from losing data."""

from __future__ import annotations

import json

import pytest

from smarketing.events import services
from smarketing.events.models import RawEvent, RejectedEvent
from tests.events.ingest_support import message, post

pytestmark = pytest.mark.django_db

SINGLE = ["identify", "track", "page", "screen", "group", "alias"]


@pytest.fixture
def source(admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    key.raw = raw
    return key


@pytest.mark.parametrize("kind", SINGLE)
def test_single_call_is_stored_with_the_type_of_its_path(client, source, kind):
    msg = message(kind)
    del msg["type"]  # the path says what the call is
    response = post(client, f"/v1/{kind}", msg, key=source.raw)
    assert response.status_code == 200, response.content
    assert response.json()["success"] is True
    row = RawEvent.objects.get(source=source)
    assert (row.type, row.message_id) == (kind, msg["messageId"])


def test_batch_with_write_key_in_the_body(client, source):
    msgs = [message("identify", userId="u-1", traits={"email": "a@b.example"}), message()]
    response = post(client, "/v1/batch", {"batch": msgs, "writeKey": source.raw})
    assert response.status_code == 200
    assert response.json() == {"success": True, "accepted": 2, "duplicates": 0, "rejected": 0}
    assert RawEvent.objects.filter(source=source).count() == 2
    assert all("writeKey" not in r.payload for r in RawEvent.objects.all())


def test_batch_with_basic_auth(client, source):
    response = post(client, "/v1/batch", {"batch": [message()]}, key=source.raw)
    assert response.status_code == 200
    assert RawEvent.objects.filter(source=source).count() == 1


def test_single_call_with_write_key_in_the_body(client, source):
    response = post(client, "/v1/track", {**message(), "writeKey": source.raw})
    assert response.status_code == 200
    assert "writeKey" not in RawEvent.objects.get().payload


@pytest.mark.parametrize(("path", "kind"), [("t", "track"), ("p", "page"), ("s", "screen")])
def test_analytics_js_short_paths_with_text_plain_and_key_in_body(client, source, path, kind):
    # analytics.js posts each call to /v1/<initial> as text/plain, the key in the body.
    body = {**message(kind), "writeKey": source.raw, "sentAt": "2025-03-14T11:00:01.000Z"}
    response = client.post(f"/v1/{path}", data=json.dumps(body), content_type="text/plain")
    assert response.status_code == 200, response.content
    assert RawEvent.objects.get(source=source).type == kind


def test_analytics_js_batch_path(client, source):
    body = {"batch": [message(), message("page")], "writeKey": source.raw}
    response = client.post("/v1/b", data=json.dumps(body), content_type="text/plain")
    assert response.json()["accepted"] == 2


def test_response_never_carries_stored_data(client, source):
    post(client, "/v1/track", message(userId="u-secret"), key=source.raw)
    response = post(client, "/v1/batch", {"batch": [message()]}, key=source.raw)
    assert set(response.json()) == {"success", "accepted", "duplicates", "rejected"}
    assert b"u-secret" not in response.content
    assert client.get("/v1/batch", HTTP_AUTHORIZATION=f"Basic {source.raw}").status_code == 405


def test_preflight_allows_any_website_to_post(client):
    response = client.options("/v1/page")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]


# ---- 401


def _assert_401(response):
    assert response.status_code == 401
    body = response.json()
    assert (body["success"], body["code"]) == (False, "unauthorized")
    assert RawEvent.objects.count() == 0


def test_missing_key_is_401_and_says_how_to_send_one(client, source):
    response = post(client, "/v1/batch", {"batch": [message()]})
    _assert_401(response)
    assert "HTTP Basic username or as writeKey" in response.json()["message"]


def test_wrong_key_is_401(client, source):
    _assert_401(post(client, "/v1/batch", {"batch": [message()]}, key="wk_wrong"))
    _assert_401(post(client, "/v1/batch", {"batch": [message()], "writeKey": "wk_wrong"}))


def test_disabled_key_is_401(client, source):
    services.writekey_disable(key=source)
    response = post(client, "/v1/batch", {"batch": [message()]}, key=source.raw)
    _assert_401(response)
    assert "disabled" in response.json()["message"]


def test_rotated_key_old_is_401_new_works(client, source):
    new = services.writekey_rotate(key=source)
    _assert_401(post(client, "/v1/track", message(), key=source.raw))
    assert post(client, "/v1/track", message(), key=new).status_code == 200


def test_malformed_basic_header_is_401(client, source):
    response = client.post(
        "/v1/track", data=b"{}", content_type="application/json", HTTP_AUTHORIZATION="Basic %%%"
    )
    _assert_401(response)


def test_key_in_header_is_checked_before_the_body_is_read(client, source):
    _assert_401(post(client, "/v1/batch", None, key="wk_wrong", raw=b"not json"))


# ---- bad input inside a readable request: 200, the bad events in rejected-events


def _batch(client, source, msgs):
    response = post(client, "/v1/batch", {"batch": msgs}, key=source.raw)
    assert response.status_code == 200, response.content
    return response.json()


def _rejected(source):
    return list(RejectedEvent.objects.filter(source=source).order_by("id"))


def test_event_over_32_kb_in_a_batch_is_rejected_and_the_rest_stored(client, source):
    good = [message(), message()]
    big = message(messageId="big", properties={"blob": "x" * (33 * 1024)})
    assert _batch(client, source, [good[0], big, good[1]])["rejected"] == 1
    assert set(RawEvent.objects.values_list("message_id", flat=True)) == {
        m["messageId"] for m in good
    }
    (row,) = _rejected(source)
    assert (row.message_id, row.field) == ("big", "")
    assert "over the 32 KB limit" in row.reason


def test_event_missing_both_ids_is_rejected(client, source):
    body = _batch(client, source, [message(anonymousId=None, messageId="m1"), message()])
    assert (body["accepted"], body["rejected"]) == (1, 1)
    (row,) = _rejected(source)
    assert (row.message_id, row.field) == ("m1", "userId")


def test_unknown_type_is_rejected(client, source):
    _batch(client, source, [message(type="purchase", messageId="p1")])
    (row,) = _rejected(source)
    assert (row.message_id, row.field) == ("p1", "type")
    assert RawEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [("last tuesday", "is not an ISO-8601 date"), ("2999-01-01T00:00:00Z", "in the future")],
)
def test_bad_timestamps_are_rejected_with_the_reason(client, source, timestamp, reason):
    _batch(client, source, [message(timestamp=timestamp, messageId="t1")])
    (row,) = _rejected(source)
    assert (row.message_id, row.field) == ("t1", "timestamp")
    assert reason in row.reason


def test_the_same_batch_twice_is_stored_once(client, source):
    msgs = [message() for _ in range(4)]
    assert _batch(client, source, msgs)["accepted"] == 4
    assert _batch(client, source, msgs) == {
        "success": True,
        "accepted": 0,
        "duplicates": 4,
        "rejected": 0,
    }
    assert RawEvent.objects.count() == 4


# ---- a request unreadable as a whole: 400, nothing stored


def _assert_400(response, text):
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["success"], body["code"]) == (False, "invalid_request")
    assert text in body["message"]
    assert RawEvent.objects.count() == 0


def test_invalid_json_is_400_and_filed_under_the_source(client, source):
    _assert_400(
        post(client, "/v1/batch", None, key=source.raw, raw=b'{"batch": [}'), "not valid JSON"
    )
    (row,) = _rejected(source)
    assert row.field == "request"
    assert '{"batch": [}' in row.payload


def test_invalid_json_with_no_header_key_is_400_and_nothing_filed(client, source):
    _assert_400(post(client, "/v1/batch", None, raw=b"{oops"), "not valid JSON")
    assert RejectedEvent.objects.count() == 0


def test_non_utf8_is_400(client, source):
    body = b'{"batch": [{"type": "track", "event": "\xe9t\xe9"}]}'
    _assert_400(post(client, "/v1/batch", None, key=source.raw, raw=body), "not UTF-8")


def test_body_over_500_kb_is_400_without_being_read(client, source):
    msgs = [message(properties={"blob": "x" * 30_000}) for _ in range(18)]
    response = post(client, "/v1/batch", {"batch": msgs}, key=source.raw)
    _assert_400(response, "over the 500 KB limit")
    assert "over the 500 KB limit" in _rejected(source)[0].reason


def test_batch_of_2501_events_is_400_and_2500_are_stored(client, source):
    tiny = [{"type": "page", "anonymousId": "a", "messageId": str(i)} for i in range(2501)]
    _assert_400(
        post(client, "/v1/batch", {"batch": tiny}, key=source.raw), "2,501 events, over the limit"
    )
    response = post(client, "/v1/batch", {"batch": tiny[:2500]}, key=source.raw)
    assert response.json()["accepted"] == 2500
    assert RawEvent.objects.count() == 2500


def test_body_that_is_not_an_object_is_400(client, source):
    _assert_400(post(client, "/v1/batch", [message()], key=source.raw), "must be a JSON object")


def test_batch_without_a_list_is_400(client, source):
    _assert_400(post(client, "/v1/batch", {"events": []}, key=source.raw), '"batch": a list')


def test_gzip_body_is_accepted(client, source):
    response = post(client, "/v1/batch", {"batch": [message()]}, key=source.raw, gzipped=True)
    assert response.status_code == 200
    assert RawEvent.objects.count() == 1


def test_gzip_bomb_is_400(client, source):
    import gzip

    bomb = gzip.compress(b'{"batch": [' + b" " * (30 * 1024 * 1024) + b"]}")
    response = post(
        client, "/v1/batch", None, key=source.raw, raw=bomb, HTTP_CONTENT_ENCODING="gzip"
    )
    _assert_400(response, "decompressed body is over the 500 KB limit")
    assert _rejected(source)[0].payload == ""  # compressed bytes are not kept as text
