"""events_ingest: accepted events stored once per (source, messageId), rejected ones kept with
their reason, processing queued after commit, a fixed number of queries per request."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.events import services
from smarketing.events.models import RawEvent, RejectedEvent
from tests.events.ingest_support import RECEIVED, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(admin_user):
    key, _raw = services.writekey_create(name="Website", by_user=admin_user)
    return key


def ingest(source, messages, **batch):
    return services.events_ingest(source=source, messages=messages, received_at=RECEIVED, **batch)


def test_accepted_events_are_stored_with_their_columns(source):
    msgs = [
        message("track", userId="u-1", event="Form Submitted"),
        message("page", anonymousId="a-9", properties={"path": "/pricing"}),
    ]
    result = ingest(source, msgs)
    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, 0)
    track = RawEvent.objects.get(message_id=msgs[0]["messageId"])
    assert (track.source, track.type, track.event, track.user_id) == (
        source,
        "track",
        "Form Submitted",
        "u-1",
    )
    assert track.timestamp == dt.datetime(2025, 3, 14, 11, tzinfo=dt.UTC)
    assert (track.received_at, track.processed_at) == (RECEIVED, None)
    page = RawEvent.objects.get(message_id=msgs[1]["messageId"])
    assert page.payload["properties"] == {"path": "/pricing"}


def test_rejected_events_are_kept_with_reason_field_and_message_id(source):
    good = message()
    bad = message("track", anonymousId=None, messageId="bad-1")
    result = ingest(source, [good, bad, "junk"])
    assert (result.accepted, result.rejected) == (1, 2)
    rows = {r.message_id: r for r in RejectedEvent.objects.filter(source=source)}
    assert set(rows) == {"bad-1", ""}
    assert rows["bad-1"].field == "userId"
    assert "userId or anonymousId is required" in rows["bad-1"].reason
    assert '"messageId": "bad-1"' in rows["bad-1"].payload
    assert "must be a JSON object" in rows[""].reason


def test_the_same_batch_twice_is_stored_once(source):
    msgs = [message() for _ in range(5)]
    assert ingest(source, msgs).accepted == 5
    again = ingest(source, msgs)
    assert (again.accepted, again.duplicates) == (0, 5)
    assert RawEvent.objects.filter(source=source).count() == 5


def test_a_partly_new_batch_stores_only_the_new_events(source):
    old = [message() for _ in range(3)]
    ingest(source, old)
    result = ingest(source, [*old, message(), message()])
    assert (result.accepted, result.duplicates) == (2, 3)
    assert RawEvent.objects.filter(source=source).count() == 5


def test_a_message_id_repeated_inside_one_batch_counts_once(source):
    msg = message()
    result = ingest(source, [msg, dict(msg), dict(msg)])
    assert (result.accepted, result.duplicates) == (1, 2)


def test_message_ids_are_unique_per_source_not_globally(source, admin_user):
    other, _ = services.writekey_create(name="App", by_user=admin_user)
    msg = message()
    assert ingest(source, [msg]).accepted == 1
    assert ingest(other, [msg]).accepted == 1
    assert RawEvent.objects.filter(message_id=msg["messageId"]).count() == 2


def test_events_without_message_id_get_distinct_ids(source):
    result = ingest(source, [message(messageId=None), message(messageId=None)])
    assert result.accepted == 2
    assert RawEvent.objects.values("message_id").distinct().count() == 2


def test_batch_fields_are_applied(source):
    ingest(
        source,
        [message(timestamp="2025-03-14T11:59:00Z")],
        context={"ip": "203.0.113.5"},
        sent_at="2025-03-14T12:01:00Z",
    )
    row = RawEvent.objects.get()
    assert row.payload["context"]["ip"] == "203.0.113.5"
    assert row.timestamp == RECEIVED - dt.timedelta(minutes=2)


def test_processing_is_queued_after_commit_only_when_something_is_new(
    source, django_capture_on_commit_callbacks
):
    msgs = [message()]
    with django_capture_on_commit_callbacks() as callbacks:
        ingest(source, msgs)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        ingest(source, msgs)
        ingest(source, [message(type="nope")])
    assert callbacks == []


def test_ingest_runs_a_fixed_number_of_queries(source, django_assert_num_queries):
    # Savepoint, one INSERT of events, one of rejected events, release: the same for 3 or 60.
    msgs = [message() for _ in range(3)] + [message(type="nope")]
    with django_assert_num_queries(4):
        ingest(source, msgs)
    msgs = [message() for _ in range(60)] + [message(type="nope")]
    with django_assert_num_queries(4):
        ingest(source, msgs)


def test_committed_events_are_processed_by_the_queued_task(
    source, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    previous, HUEY.immediate = HUEY.immediate, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ingest(source, [message("page", properties={"path": "/pricing"})])
    finally:
        HUEY.immediate = previous
    assert RawEvent.objects.filter(processed_at__isnull=True).count() == 0
