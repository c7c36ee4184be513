"""Rate limits (429 + Retry-After, in memory and in Redis), the database down (503), and the cost
of the ingest path in queries."""

from __future__ import annotations

import uuid

import pytest
from django.db import InterfaceError, OperationalError, connection

from smarketing.events import ratelimit, services
from smarketing.events.models import RawEvent, RejectedEvent
from tests.events.ingest_support import message, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(admin_user):
    key, raw = services.writekey_create(name="Website", by_user=admin_user)
    key.raw = raw
    return key


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_bucket_refills_at_the_rate():
    clock = FakeClock()
    limiter = ratelimit.MemoryLimiter(clock)
    assert limiter.take(bucket="k", cost=10, rate=10).allowed
    refused = limiter.take(bucket="k", cost=5, rate=10)
    assert (refused.allowed, refused.retry_after) == (False, 1)
    clock.now += 0.5
    assert limiter.take(bucket="k", cost=5, rate=10).allowed
    assert limiter.take(bucket="other", cost=10, rate=10).allowed  # buckets are per key


def test_memory_bucket_lets_a_large_batch_through_into_debt():
    clock = FakeClock()
    limiter = ratelimit.MemoryLimiter(clock)
    assert limiter.take(bucket="k", cost=2500, rate=100).allowed
    refused = limiter.take(bucket="k", cost=1, rate=100)
    assert (refused.allowed, refused.retry_after) == (False, 25)  # 2,400 in debt + 1 at 100/s
    clock.now += 25
    assert limiter.take(bucket="k", cost=1, rate=100).allowed


def _exhaust_and_check_429(client, source):
    source.rate_limit = 1
    source.save(update_fields=["rate_limit"])
    first = [message() for _ in range(30)]
    assert post(client, "/v1/batch", {"batch": first}, key=source.raw).status_code == 200
    response = post(client, "/v1/track", message(messageId="late"), key=source.raw)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 30
    assert response["X-RateLimit-Reset"] == response["Retry-After"]  # what analytics.js reads
    # Refused, not stored and not rejected: the client keeps it and retries.
    assert not RawEvent.objects.filter(message_id="late").exists()
    assert RejectedEvent.objects.count() == 0


def test_over_the_rate_is_429_with_retry_after(client, source, settings):
    settings.REDIS_URL = ""
    _exhaust_and_check_429(client, source)


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {exc}")
    settings.REDIS_URL = REDIS_TEST_URL
    return REDIS_TEST_URL


def test_over_the_rate_is_429_with_redis(client, source, redis_url):
    _exhaust_and_check_429(client, source)


def test_redis_buckets_are_shared_between_limiters(redis_url):
    # Two web processes are two limiter objects on one Redis.
    one, two = ratelimit.RedisLimiter(redis_url), ratelimit.RedisLimiter(redis_url)
    bucket = f"test:{uuid.uuid4()}"
    assert one.take(bucket=bucket, cost=50, rate=50).allowed
    refused = two.take(bucket=bucket, cost=50, rate=50)
    assert not refused.allowed
    assert refused.retry_after == 1


def test_redis_down_lets_events_through():
    limiter = ratelimit.RedisLimiter("redis://127.0.0.1:1/0")
    assert limiter.take(bucket="k", cost=10, rate=1).allowed


# ---- the database unavailable


def _failing(exc_type, *, on_insert_number=1):
    seen = {"inserts": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT"):
            seen["inserts"] += 1
            if seen["inserts"] == on_insert_number:
                raise exc_type("database is locked")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.parametrize("exc_type", [OperationalError, InterfaceError])
def test_database_unavailable_is_503_with_retry_after(client, source, exc_type):
    with connection.execute_wrapper(_failing(exc_type)):
        response = post(client, "/v1/batch", {"batch": [message()]}, key=source.raw)
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert int(response["Retry-After"]) >= 1
    assert RawEvent.objects.count() == 0


def test_a_failure_after_the_events_insert_leaves_nothing_half_written(client, source):
    msgs = [message(), message(type="nope")]
    with connection.execute_wrapper(_failing(OperationalError, on_insert_number=2)):
        response = post(client, "/v1/batch", {"batch": msgs}, key=source.raw)
    assert response.status_code == 503
    assert (RawEvent.objects.count(), RejectedEvent.objects.count()) == (0, 0)
    # The client's retry then stores everything once.
    assert post(client, "/v1/batch", {"batch": msgs}, key=source.raw).status_code == 200
    assert (RawEvent.objects.count(), RejectedEvent.objects.count()) == (1, 1)


# ---- a lean path


@pytest.mark.parametrize("size", [5, 80])
def test_a_batch_costs_the_same_queries_whatever_its_size(
    client, source, settings, django_assert_num_queries, size
):
    settings.REDIS_URL = ""
    msgs = [message() for _ in range(size)] + [message(type="nope")]
    # Key lookup, savepoint, one INSERT of events, one of rejected events, release.
    with django_assert_num_queries(5):
        response = post(client, "/v1/batch", {"batch": msgs}, key=source.raw)
    assert response.json()["accepted"] == size
