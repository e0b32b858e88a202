"""The Redis memo of thoughts: one place for keys, reads, writes and what happens when Redis is away.

A dead Redis must not fail a request: reads miss, writes are dropped, and the process logs one
warning per REDIS_WARNING_INTERVAL_SECONDS instead of one per request.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache as default_cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

# django-redis's RedisCache (its raw client, make_key, decode); django-stubs knows only BaseCache.
cache: Any = default_cache

logger = logging.getLogger(__name__)

_REDIS_ERRORS = (ConnectionInterrupted, RedisError, OSError)


class _RateLimitedWarning:
    """Logs the first failure, then at most one summary per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_logged = float("-inf")
        self._suppressed = 0

    def __call__(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last_logged < settings.REDIS_WARNING_INTERVAL_SECONDS:
                self._suppressed += 1
                return
            suppressed, self._suppressed, self._last_logged = self._suppressed, 0, now
        logger.warning(
            "Redis unreachable (%s failed: %s); serving without the memo. %d similar errors since the last warning.",
            operation,
            error,
            suppressed,
        )


warn_redis_unavailable = _RateLimitedWarning()


def thought_key(subject: str) -> str:
    """The memo's key for `subject`: `think:war`. The subject is percent-encoded (`X:lock` is `think:X%3Alock`), so
    no subject can name another's memo or lock, whatever it contains."""
    return f"think:{quote(subject, safe='')}"


def memo_get(key: str) -> Any | None:
    """The memoized value, or None on a miss, when Redis is unreachable, or for a value that is not JSON (one GET)."""
    try:
        return cache.get(key)
    except _REDIS_ERRORS as error:
        warn_redis_unavailable("GET", error)
    except ValueError as error:  # written by someone else: a miss, which the think then overwrites
        logger.warning("The memo at %r is not JSON (%s); treating it as a miss.", key, error)
    return None


def memo_set(key: str, value: Any) -> None:
    """Memoize `value` for THINK_CACHE_TTL_SECONDS; dropped when Redis is unreachable (one SET)."""
    try:
        cache.set(key, value, timeout=settings.THINK_CACHE_TTL_SECONDS)
    except _REDIS_ERRORS as error:
        warn_redis_unavailable("SET", error)


def forget_thoughts(*, subjects: set[str]) -> None:
    """Drop the memo of these subjects (one DEL), so the next think reads the database again."""
    if not subjects:
        return
    try:
        cache.delete_many([thought_key(subject) for subject in sorted(subjects)])
    except _REDIS_ERRORS as error:
        warn_redis_unavailable("DEL", error)


# Delete the lock only if it is still ours (it may have expired and been taken by another).
# EVAL, not redis-py's Lock: its EVALSHA fails with NOSCRIPT on every fresh Redis, an error span
# on the first miss of each process.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


@dataclass
class Claim:
    """Who computes a memo: the `leader` computes (and releases); the others wait for its answer."""

    leader: bool
    lock: str | None = None
    token: str | None = None

    def release(self) -> None:
        if self.lock is None:
            return
        try:
            cache.client.get_client(write=True).eval(_RELEASE, 1, self.lock, self.token)
        except _REDIS_ERRORS as error:
            warn_redis_unavailable("EVAL", error)


def lock_key(key: str) -> str:
    """The single flight's lock beside a memo `key`: `think:war:lock` (a key thought_key never makes)."""
    return f"{key}:lock"


def memo_claim(key: str) -> Claim:
    """Single flight across processes: SET NX on `key`'s lock, expiring after THINK_LOCK_TIMEOUT_SECONDS.

    Without Redis there is nothing to coordinate on, so every caller leads.
    """
    lock, token = cache.make_key(lock_key(key)), secrets.token_hex(8)
    try:
        claimed = cache.client.get_client(write=True).set(
            lock, token, nx=True, px=int(settings.THINK_LOCK_TIMEOUT_SECONDS * 1000)
        )
    except _REDIS_ERRORS as error:
        warn_redis_unavailable("SET NX", error)
        return Claim(leader=True)
    return Claim(leader=True, lock=lock, token=token) if claimed else Claim(leader=False)


def memo_wait(key: str) -> Any | None:
    """Wait for the leader's value; None once its lock is gone without one (it failed or died) or on timeout.

    One MGET (value and lock) per poll, backing off from 10 ms to 100 ms.
    """
    client = cache.client.get_client(write=False)
    value_key, held_key = cache.make_key(key), cache.make_key(lock_key(key))
    deadline = time.monotonic() + settings.THINK_LOCK_TIMEOUT_SECONDS
    pause = 0.01
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
        try:
            raw_value, held = client.mget(value_key, held_key)
        except _REDIS_ERRORS as error:
            warn_redis_unavailable("MGET", error)
            return None
        if raw_value is not None:
            try:
                return cache.client.decode(raw_value)
            except ValueError as error:
                logger.warning("The memo at %r is not JSON (%s); treating it as a miss.", key, error)
                return None
        if held is None:
            return None
    return None


def memo_claim_waiting(key: str) -> Claim | None:
    """`memo_claim`, waiting for a leader in progress to finish: the claim, or None if the lock was held throughout
    THINK_LOCK_TIMEOUT_SECONDS (then another leader has it, or a dead one's lock has not expired yet).

    A rethink after an edit must not take the answer of a think in progress: it may have read the row before the edit.
    """
    deadline = time.monotonic() + settings.THINK_LOCK_TIMEOUT_SECONDS
    pause = 0.01
    while True:
        claim = memo_claim(key)
        if claim.leader or time.monotonic() >= deadline:
            return claim if claim.leader else None
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
