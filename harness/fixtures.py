"""pytest fixtures that boot real processes, session-wide: tests/conftest.py and perf/tests/conftest.py load them."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import (
    Stack,
    TraceAgent,
    boot_dev_stack,
    boot_stack,
    drop_created_databases,
    start_redis,
    start_trace_agent,
)


@pytest.fixture(scope="session")
def e2e_logs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the processes log; torn down last, so it also drops the PostgreSQL databases the tests made."""
    yield tmp_path_factory.mktemp("e2e")
    drop_created_databases()


@pytest.fixture(scope="session")
def trace_agent(e2e_logs: Path) -> Iterator[TraceAgent]:
    agent = start_trace_agent(e2e_logs)
    yield agent
    agent.process.stop()


@pytest.fixture(scope="session")
def redis_url(e2e_logs: Path) -> Iterator[str]:
    """A redis-server of the tests' own, so flushing it never touches anyone's data."""
    url, process = start_redis(e2e_logs)
    yield url
    process.stop()


@pytest.fixture(scope="session")
def stack(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    """The system as docker compose configures it, plus one subject that fails on purpose (`peace`), with one gunicorn
    worker a service: the API's second would load Django once more and change nothing a test reads."""
    stack = boot_stack(e2e_logs, redis_url, trace_agent.url, THINK_FAIL_SUBJECTS="peace", GUNICORN_WORKERS="1")
    yield stack
    stack.kill()


@pytest.fixture(scope="session")
def dev_stack(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    """The system as `make run` starts it: runserver under ddtrace-run for both services (the Procfile)."""
    stack = boot_dev_stack(e2e_logs, redis_url, trace_agent.url)
    yield stack
    stack.kill()
