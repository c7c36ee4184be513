"""Per-write-key token buckets: `rate` events per second, holding at most one second's worth.

A request is let through when the bucket holds its cost or is full, and may take the bucket into
debt: a batch larger than one second's allowance still passes (alone), and the debt is repaid
before the next one. Over time a key sends no more than `rate` events per second.

With REDIS_URL set the bucket lives in Redis, shared by every web process; without it each
process keeps its own, so N processes together admit up to N times the rate.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds until the request would fit


def _retry_after(missing: float, rate: int) -> int:
    return max(1, math.ceil(missing / rate))


class Limiter(Protocol):
    def take(self, *, bucket: str, cost: int, rate: int) -> Decision: ...


class MemoryLimiter:
    """Buckets in this process's memory."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # bucket → (tokens, at)

    def take(self, *, bucket: str, cost: int, rate: int) -> Decision:
        needed = min(cost, rate)
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(bucket, (float(rate), now))
            tokens = min(float(rate), tokens + (now - at) * rate)
            if tokens < needed:
                self._buckets[bucket] = (tokens, now)
                return Decision(False, _retry_after(needed - tokens, rate))
            self._buckets[bucket] = (tokens - cost, now)
            return Decision(True)


# Atomic in Redis: refill from the elapsed time on Redis's own clock, then take or refuse.
TAKE_SCRIPT = """
local rate = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or rate
local at = tonumber(state[2]) or now
tokens = math.min(rate, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= math.min(cost, rate) then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- Kept while in debt, then a minute more: a missing bucket is a full one.
redis.call('EXPIRE', KEYS[1], math.ceil(math.max(0, -tokens) / rate) + 60)
return {allowed, tostring(tokens)}
"""


class RedisLimiter:
    """Buckets in Redis, one hash per write key, shared by all web processes."""

    PREFIX = "smarketing:ratelimit:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)
        self._script = self._redis.register_script(TAKE_SCRIPT)
        self._errors = redis.RedisError

    def take(self, *, bucket: str, cost: int, rate: int) -> Decision:
        try:
            allowed, tokens = self._script(keys=[self.PREFIX + bucket], args=[rate, cost])
        except self._errors as exc:
            # Refusing events because the limiter is down would lose more than it protects.
            logger.warning("rate limit not checked, Redis unavailable: %s", exc)
            return Decision(True)
        if int(allowed):
            return Decision(True)
        return Decision(False, _retry_after(min(cost, rate) - float(tokens), rate))


_limiters: dict[str, Limiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(redis_url: str) -> Limiter:
    """The process-wide limiter for this configuration (Redis when a URL is given)."""
    with _limiters_lock:
        if redis_url not in _limiters:
            _limiters[redis_url] = RedisLimiter(redis_url) if redis_url else MemoryLimiter()
        return _limiters[redis_url]
