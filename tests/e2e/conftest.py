"""The whole system as real processes: ddtrace-run gunicorn for both services, a test agent, redis-server."""

import pytest
import redis

from harness.processes import Stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def fresh_memo(stack: Stack) -> None:
    """Start the test with nothing memoized in the main stack's Redis database."""
    redis.Redis.from_url(stack.redis_url).flushdb()
