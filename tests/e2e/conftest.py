"""The whole system as real processes: ddtrace-run gunicorn for both services, a test agent, redis-server."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from harness.processes import REPO, Stack, TraceAgent, boot_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def fresh_stack(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Callable[..., Stack]]:
    """Boots stacks for this test alone with the environment it names (OpenTelemetry's spans to the test agent
    too; one gunicorn worker a service unless it names more), and ends them after it."""
    stacks: list[Stack] = []

    def boot(**env: str) -> Stack:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": trace_agent.otlp_url, "GUNICORN_WORKERS": "1", **env}
        stack = boot_stack(e2e_logs, redis_url, trace_agent.url, wrapper=(), repo=REPO, **env)
        stacks.append(stack)
        return stack

    yield boot
    for stack in stacks:
        stack.kill()


@pytest.fixture
def fresh_memo(stack: Stack) -> None:
    """Start the test with nothing memoized in the main stack's Redis database."""
    redis.Redis.from_url(stack.redis_url).flushdb()
