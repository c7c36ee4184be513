"""The pure validation and normalisation of Segment messages and request bodies."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.events import ingest
from smarketing.events.ingest import Accepted, Batch, Rejection, RequestError
from tests.events.ingest_support import RECEIVED, message


def normalize(msg: object, batch: Batch | None = None) -> Accepted | Rejection:
    return ingest.message_normalize(msg, received_at=RECEIVED, batch=batch)


def accepted(msg: object, batch: Batch | None = None) -> Accepted:
    outcome = normalize(msg, batch)
    assert isinstance(outcome, Accepted), outcome
    return outcome


def rejected(msg: object, batch: Batch | None = None) -> Rejection:
    outcome = normalize(msg, batch)
    assert isinstance(outcome, Rejection), outcome
    return outcome


def test_track_keeps_its_fields_and_stamps_received_at():
    msg = message("track", userId="u-7", event="Demo Requested", properties={"plan": "pro"})
    row = accepted(msg)
    assert (row.type, row.event, row.user_id, row.anonymous_id) == (
        "track",
        "Demo Requested",
        "u-7",
        "anon-1",
    )
    assert row.message_id == msg["messageId"]
    assert row.payload["properties"] == {"plan": "pro"}
    assert row.payload["receivedAt"] == "2025-03-14T12:00:00.000Z"


def test_missing_message_id_gets_a_uuid4():
    row = accepted(message("page", messageId=None))
    assert uuid.UUID(row.message_id).version == 4
    assert row.payload["messageId"] == row.message_id


def test_numeric_ids_are_stored_as_strings():
    row = accepted(message("identify", userId=42, anonymousId=None, messageId=7))
    assert (row.user_id, row.message_id, row.payload["userId"]) == ("42", "7", "42")


def test_boolean_user_id_is_rejected():
    assert rejected(message(userId=True)).field == "userId"


def test_missing_both_ids_is_rejected_with_the_field():
    outcome = rejected(message("track", anonymousId=None, messageId="m-1"))
    assert (outcome.field, outcome.message_id) == ("userId", "m-1")
    assert "userId or anonymousId is required" in outcome.reason
    assert json.loads(outcome.payload)["messageId"] == "m-1"


def test_unknown_type_is_rejected():
    outcome = rejected(message("purchase"))
    assert outcome.field == "type"
    assert "'purchase'" in outcome.reason


def test_missing_type_is_rejected():
    assert "missing" in rejected(message(type=None)).reason


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("track", {"event": None}, "event"),
        ("track", {"event": "  "}, "event"),
        ("alias", {"previousId": None}, "previousId"),
        ("alias", {"userId": None}, "userId"),
        ("group", {"groupId": None}, "groupId"),
        ("track", {"properties": [1, 2]}, "properties"),
        ("identify", {"traits": "x"}, "traits"),
        ("page", {"context": 3}, "context"),
        ("track", {"userId": "u" * 201}, "userId"),
    ],
)
def test_required_and_typed_fields(kind, fields, field):
    assert rejected(message(kind, **fields)).field == field


def test_alias_needs_no_anonymous_id():
    row = accepted(message("alias", anonymousId=None))
    assert (row.user_id, row.payload["previousId"]) == ("user-1", "anon-1")


def test_timestamp_without_sent_at_is_taken_as_sent():
    row = accepted(message(timestamp="2025-03-01T08:30:00+01:00"))
    assert row.timestamp == dt.datetime(2025, 3, 1, 7, 30, tzinfo=dt.UTC)
    assert row.payload["originalTimestamp"] == "2025-03-01T08:30:00+01:00"


def test_clock_skew_is_corrected_with_sent_at():
    # The client's clock is 2 hours fast: it says it sent at 14:00 what happened at 13:55.
    msg = message(timestamp="2025-03-14T13:55:00Z", sentAt="2025-03-14T14:00:00Z")
    row = accepted(msg)
    assert row.timestamp == RECEIVED - dt.timedelta(minutes=5)
    assert row.payload["timestamp"] == "2025-03-14T11:55:00.000Z"


def test_original_timestamp_wins_over_timestamp():
    msg = message(
        originalTimestamp="2025-03-14T10:00:00Z",
        timestamp="2020-01-01T00:00:00Z",
        sentAt="2025-03-14T10:01:00Z",
    )
    assert accepted(msg).timestamp == RECEIVED - dt.timedelta(minutes=1)


def test_batch_sent_at_applies_to_messages_without_their_own():
    batch = Batch(sent_at="2025-03-14T12:10:00Z")
    row = accepted(message(timestamp="2025-03-14T12:00:00Z"), batch)
    assert row.timestamp == RECEIVED - dt.timedelta(minutes=10)


def test_no_timestamp_means_received_at():
    assert accepted(message(timestamp=None)).timestamp == RECEIVED


def test_timestamp_without_offset_is_utc():
    assert accepted(message(timestamp="2025-03-14T09:00:00")).timestamp == dt.datetime(
        2025, 3, 14, 9, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"timestamp": 1710000000}, "timestamp"),
        ({"timestamp": "2025-13-01T00:00:00Z"}, "timestamp"),
        ({"originalTimestamp": "soon"}, "originalTimestamp"),
        ({"sentAt": "not a date"}, "sentAt"),
    ],
)
def test_timestamps_that_are_not_dates_are_rejected(fields, field):
    outcome = rejected(message(**fields))
    assert outcome.field == field
    assert "date" in outcome.reason


def test_timestamp_far_in_the_future_is_rejected():
    outcome = rejected(message(timestamp="2025-03-16T12:00:00Z"))
    assert outcome.field == "timestamp"
    assert "future" in outcome.reason


def test_future_timestamp_corrected_by_sent_at_is_accepted():
    # A device clock a year ahead is fine when it also stamps sentAt.
    msg = message(timestamp="2026-03-14T11:00:00Z", sentAt="2026-03-14T12:00:00Z")
    assert accepted(msg).timestamp == RECEIVED - dt.timedelta(hours=1)


def test_timestamp_out_of_range_after_correction_is_rejected():
    msg = message(timestamp="0001-01-01T00:00:00Z", sentAt="9999-01-01T00:00:00Z")
    assert "out of range" in rejected(msg).reason


def test_batch_context_and_integrations_merge_under_the_message():
    batch = Batch(
        context={"library": {"name": "batcher"}, "ip": "203.0.113.9"},
        integrations={"All": False},
    )
    msg = message(context={"ip": "198.51.100.1"}, integrations={"Salesforce": True})
    row = accepted(msg, batch)
    assert row.payload["context"] == {"library": {"name": "batcher"}, "ip": "198.51.100.1"}
    assert row.payload["integrations"] == {"All": False, "Salesforce": True}


def test_batch_context_that_is_not_an_object_rejects_with_the_field():
    assert rejected(message(), Batch(context=["x"])).field == "context"


def test_identify_traits_from_context_when_sent_there():
    msg = message("identify", context={"traits": {"email": "a@b.example"}})
    assert accepted(msg).payload["traits"] == {"email": "a@b.example"}


def test_write_key_is_never_kept_in_the_payload():
    assert "writeKey" not in accepted(message(writeKey="wk_secret")).payload
    assert "wk_secret" not in rejected(message(type="x", writeKey="wk_secret")).payload


def test_event_over_32_kb_is_rejected_and_one_just_under_is_accepted():
    msg = message(properties={"blob": ""})
    size = len(json.dumps(msg, separators=(",", ":")).encode())
    msg["properties"]["blob"] = "x" * (ingest.MAX_EVENT_BYTES - size)
    assert accepted(msg)
    msg["properties"]["blob"] += "x"
    outcome = rejected(msg)
    assert "32 KB" in outcome.reason
    assert len(outcome.payload) <= ingest.PAYLOAD_CHARS


def test_nul_characters_are_rejected_but_an_escaped_backslash_u0000_is_text():
    assert "NUL" in rejected(message(properties={"q": "a\x00b"})).reason
    assert accepted(message(properties={"q": "C:\\u0000"}))


def test_unpaired_surrogate_is_rejected():
    assert "surrogate" in rejected(message(properties={"q": "\ud800"})).reason


def test_non_finite_number_is_rejected():
    assert "out of range" in rejected(message(properties={"n": float("inf")})).reason


@pytest.mark.parametrize("value", [None, 3, "text", [1]])
def test_message_that_is_not_an_object_is_rejected(value):
    assert "must be a JSON object" in rejected(value).reason


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
FIELDS = st.sampled_from(
    ["type", "userId", "anonymousId", "messageId", "timestamp", "sentAt", "event", "context"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(FIELDS, JSON | st.sampled_from(list(ingest.TYPES)), max_size=8),
    st.sampled_from([None, Batch(context={"a": 1}, sent_at="2025-03-14T12:00:00Z")]),
)
def test_any_message_is_either_stored_or_rejected_with_a_reason(msg, batch):
    outcome = normalize(msg, batch)
    if isinstance(outcome, Rejection):
        assert outcome.reason
        return
    # What is stored is JSON that PostgreSQL's JSONB accepts.
    json.dumps(outcome.payload, allow_nan=False).encode("utf-8")
    assert outcome.type in ingest.TYPES
    assert outcome.user_id or outcome.anonymous_id
    assert outcome.timestamp <= RECEIVED + ingest.MAX_FUTURE


# ---- the request as a whole


def test_request_decode_reads_a_json_object():
    assert ingest.request_decode(b'{"batch": []}') == {"batch": []}


def test_request_decode_reads_gzip():
    body = gzip.compress(b'{"userId": "u"}')
    assert ingest.request_decode(body, encoding="gzip") == {"userId": "u"}


def test_invalid_json_names_line_and_column():
    with pytest.raises(RequestError, match=r"not valid JSON: .* line 2 column"):
        ingest.request_decode(b'{"batch":\n [}')


def test_non_utf8_names_the_offset():
    with pytest.raises(RequestError, match=r"not UTF-8 .*offset 12"):
        ingest.request_decode(b'{"userId": "\xff\xfe"}')


@pytest.mark.parametrize(("body", "kind"), [(b"[1]", "a list"), (b'"x"', "a string")])
def test_body_must_be_an_object(body, kind):
    with pytest.raises(RequestError, match=f"must be a JSON object, not {kind}"):
        ingest.request_decode(body)


def test_empty_body_is_refused():
    with pytest.raises(RequestError, match="empty"):
        ingest.request_decode(b"  ")


def test_body_over_500_kb_is_refused():
    body = json.dumps({"batch": [], "pad": "x" * ingest.MAX_REQUEST_BYTES}).encode()
    with pytest.raises(RequestError, match="over the 500 KB limit"):
        ingest.request_decode(body)


def test_gzip_bomb_is_refused_after_inflating_no_more_than_the_limit():
    bomb = gzip.compress(b" " * (40 * 1024 * 1024))  # 40 MB of spaces in ~40 KB
    assert len(bomb) < ingest.MAX_REQUEST_BYTES
    with pytest.raises(RequestError, match="decompressed body is over the 500 KB limit"):
        ingest.request_decode(bomb, encoding="gzip")
    with pytest.raises(RequestError, match="over the 1 KB limit"):
        ingest.body_decompress(bomb, encoding="gzip", limit=1024)


def test_broken_gzip_is_refused():
    with pytest.raises(RequestError, match="not valid gzip"):
        ingest.request_decode(b"not gzip at all", encoding="gzip")
    with pytest.raises(RequestError, match="truncated"):
        ingest.request_decode(gzip.compress(b'{"a": 1}')[:-6], encoding="gzip")


def test_concatenated_gzip_members_are_read_whole():
    body = gzip.compress(b'{"a": ') + gzip.compress(b"1}")
    assert ingest.request_decode(body, encoding="gzip") == {"a": 1}


def test_unsupported_content_encoding_is_refused():
    with pytest.raises(RequestError, match="'br' is not supported"):
        ingest.request_decode(b"{}", encoding="br")


def test_batch_of_2500_is_read_and_2501_refused():
    assert len(ingest.batch_messages({"batch": [{}] * 2500})) == 2500
    with pytest.raises(RequestError, match="2,501 events, over the limit of 2,500"):
        ingest.batch_messages({"batch": [{}] * 2501})


def test_batch_must_be_a_list():
    with pytest.raises(RequestError, match='"batch": a list'):
        ingest.batch_messages({"batch": {"type": "track"}})
