"""The whole system as real processes: ddtrace-run gunicorn for both services, a test agent, redis-server."""
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.e2e.processes import Process, TraceAgent, manage, service_env, start_gunicorn, start_redis, start_trace_agent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Stack:
    api_url: str
    thinker_url: str
    api: Process
    thinker: Process
    redis_url: str
    env: dict[str, str]


@pytest.fixture(scope="session")
def e2e_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


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


def boot_stack(logs: Path, redis_url: str, agent_url: str, **extra_env: str) -> Stack:
    """Migrate a fresh SQLite database, then start the thinker and the API under ddtrace-run gunicorn."""
    common = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{logs / f'db-{secrets.token_hex(4)}.sqlite3'}",
        "REDIS_URL": redis_url,
        "DD_TRACE_AGENT_URL": agent_url,
        **extra_env,
    }
    manage(service_env(**common, DJANGO_SETTINGS_MODULE="thinkproject.settings.api"), "migrate", "--noinput")
    thinker_env = service_env(
        **common, DJANGO_SETTINGS_MODULE="thinkproject.settings.thinker", DD_SERVICE="thinker-microservice"
    )
    thinker_url, thinker = start_gunicorn("thinker", thinker_env, logs)
    api_env = service_env(
        **common, DJANGO_SETTINGS_MODULE="thinkproject.settings.api", DD_SERVICE="thinker-api", THINKER_URL=thinker_url
    )
    try:
        api_url, api = start_gunicorn("api", api_env, logs)
    except Exception:
        thinker.stop()
        raise
    return Stack(api_url, thinker_url, api, thinker, redis_url, common)


@pytest.fixture(scope="session")
def stack(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    stack = boot_stack(e2e_logs, redis_url, trace_agent.url)
    yield stack
    stack.api.stop()
    stack.thinker.stop()


@pytest.fixture
def fresh_memo(redis_url: str) -> None:
    """Start the test with nothing memoized (the tests' own Redis)."""
    redis.Redis.from_url(redis_url).flushdb()
