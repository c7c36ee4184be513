"""The real Python libraries, from PyPI, against a live server: every event they send is stored
exactly once with its fields, in sync mode and in batching mode, gzipped or not.

What they send (read from their source): both POST `<host>/v1/batch` only. segment-analytics-python
puts `writeKey` in the body (2.4 also sends HTTP Basic; older releases the body only) and gzips
only with gzip=True.
rudder-sdk-python sends HTTP Basic only and gzips by default; its identify carries the traits in
`context.traits`.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from huey.contrib.djhuey import HUEY
from rudderstack.analytics import request as rudder_request
from rudderstack.analytics.client import Client as RudderClient
from segment.analytics import request as segment_request
from segment.analytics.client import Client as SegmentClient

from smarketing.events import services
from smarketing.events.models import RawEvent, RejectedEvent

pytestmark = pytest.mark.django_db(transaction=True)

WHEN = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.fixture
def source(admin_user, live_server, settings):
    settings.REDIS_URL = ""
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    key.raw = raw
    return key


@pytest.fixture(autouse=True)
def _immediate_queue():
    # Processing runs inside the request after commit instead of going to the queue file.
    previous, HUEY.immediate = HUEY.immediate, True
    yield
    HUEY.immediate = previous


@pytest.fixture(autouse=True)
def _close_client_connections():
    # The libraries keep one module-wide keep-alive session; a connection left open leaves a
    # test-server thread blocked on it until the interpreter exits, which then reports it.
    yield
    segment_request._session.close()
    rudder_request._session.close()
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


def send_all(client) -> dict[str, dict]:
    """One call of each kind with known message ids; returns what was sent by message id."""
    run = uuid.uuid4().hex[:8]
    calls = {
        f"{run}-identify": (
            client.identify,
            {"user_id": "u-1", "traits": {"email": "lena@acme.example", "plan": "pro"}},
        ),
        f"{run}-track": (
            client.track,
            {
                "user_id": "u-1",
                "event": "Demo Requested",
                "properties": {"form": "demo"},
                "timestamp": WHEN,
            },
        ),
        f"{run}-page": (
            client.page,
            {
                "anonymous_id": "anon-1",
                "name": "Pricing",
                "properties": {"path": "/pricing"},
                "context": {"campaign": {"source": "google", "medium": "cpc"}},
            },
        ),
        f"{run}-screen": (client.screen, {"user_id": "u-1", "name": "Dashboard"}),
        f"{run}-group": (
            client.group,
            {"user_id": "u-1", "group_id": "acme", "traits": {"name": "Acme"}},
        ),
        f"{run}-alias": (client.alias, {"previous_id": "anon-1", "user_id": "u-1"}),
    }
    for message_id, (call, kwargs) in calls.items():
        ok, _msg = call(message_id=message_id, **kwargs)
        assert ok
    return {mid: kwargs for mid, (_call, kwargs) in calls.items()}


def check_stored_once(source, sent: dict[str, dict]) -> None:
    rows = {r.message_id: r for r in RawEvent.objects.filter(source=source)}
    assert set(rows) == set(sent)
    assert RawEvent.objects.filter(source=source).count() == len(sent)  # nothing doubled
    assert RejectedEvent.objects.count() == 0
    by_type = {r.type: r for r in rows.values()}
    assert set(by_type) == {"identify", "track", "page", "screen", "group", "alias"}
    identify = by_type["identify"]
    assert (identify.user_id, identify.payload["traits"]["email"]) == ("u-1", "lena@acme.example")
    track = by_type["track"]
    assert (track.event, track.payload["properties"]) == ("Demo Requested", {"form": "demo"})
    assert dt.datetime.fromisoformat(track.payload["originalTimestamp"]) == WHEN
    # Corrected for the client's clock, which is this machine's: within a few minutes.
    assert abs(track.timestamp - WHEN) < dt.timedelta(minutes=5)
    page = by_type["page"]
    assert (page.anonymous_id, page.payload["name"]) == ("anon-1", "Pricing")
    assert page.payload["context"]["campaign"] == {"source": "google", "medium": "cpc"}
    assert page.payload["context"]["library"]["name"] == "analytics-python"
    assert by_type["group"].payload["groupId"] == "acme"
    assert by_type["alias"].payload["previousId"] == "anon-1"
    assert all("writeKey" not in r.payload for r in rows.values())


def errors_collector():
    errors: list[object] = []
    return errors, lambda exc, batch: errors.append(exc)


@pytest.mark.parametrize("gzip", [False, True])
def test_segment_sync_mode(source, live_server, gzip):
    client = SegmentClient(source.raw, host=live_server.url, sync_mode=True, gzip=gzip)
    sent = send_all(client)
    check_stored_once(source, sent)


@pytest.mark.parametrize("gzip", [False, True])
def test_segment_batching_mode(source, live_server, gzip):
    errors, on_error = errors_collector()
    client = SegmentClient(
        source.raw,
        host=live_server.url,
        gzip=gzip,
        upload_size=4,
        upload_interval=0.05,
        on_error=on_error,
        max_retries=2,
    )
    sent = send_all(client)
    client.flush()
    client.join()
    assert errors == []
    check_stored_once(source, sent)


@pytest.mark.parametrize("gzip", [True, False])
def test_rudderstack_sync_mode(source, live_server, gzip):
    client = RudderClient(source.raw, host=live_server.url, sync_mode=True, gzip=gzip)
    sent = send_all(client)
    check_stored_once(source, sent)
    assert RawEvent.objects.filter(payload__channel="server").count() == len(sent)


@pytest.mark.parametrize("gzip", [True, False])
def test_rudderstack_batching_mode(source, live_server, gzip):
    errors, on_error = errors_collector()
    client = RudderClient(
        source.raw,
        host=live_server.url,
        gzip=gzip,
        upload_size=4,
        upload_interval=0.05,
        on_error=on_error,
        max_retries=2,
    )
    sent = send_all(client)
    client.flush()
    client.join()
    assert errors == []
    check_stored_once(source, sent)


def test_segment_client_waits_out_a_429_and_delivers_everything_once(source, live_server):
    source.rate_limit = 10
    source.save(update_fields=["rate_limit"])
    errors, on_error = errors_collector()
    client = SegmentClient(
        source.raw,
        host=live_server.url,
        upload_size=10,
        upload_interval=0.05,
        on_error=on_error,
        max_retries=2,
    )
    ids = [f"rl-{i}" for i in range(20)]
    for message_id in ids:
        client.track(user_id="u-1", event="Clicked", message_id=message_id)
    client.flush()
    client.join()
    assert errors == []
    assert sorted(RawEvent.objects.values_list("message_id", flat=True)) == sorted(ids)


def test_a_disabled_key_is_refused_and_nothing_stored(source, live_server):
    services.writekey_disable(key=source)
    client = SegmentClient(source.raw, host=live_server.url, sync_mode=True)
    with pytest.raises(segment_request.APIError) as exc:
        client.track(user_id="u-1", event="Clicked")
    assert (exc.value.status, exc.value.code) == (401, "unauthorized")
    assert RawEvent.objects.count() == 0
