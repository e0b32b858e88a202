"""The Redis memo of thoughts: one place for keys, reads, writes and what happens when Redis is away.

A dead Redis must not fail a request: reads miss, writes are dropped, and the process logs one
warning per REDIS_WARNING_INTERVAL_SECONDS instead of one per request.
"""
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

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
    return f"think:{subject}"


def memo_get(key: str) -> Any | None:
    """The memoized value, or None on a miss or when Redis is unreachable (one GET)."""
    try:
        return cache.get(key)
    except _REDIS_ERRORS as error:
        warn_redis_unavailable("GET", error)
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
