"""Faults against real processes: a dependency goes away, the system answers honestly and recovers by itself.

PostgreSQL, Redis and the trace agent sit behind TcpProxy (cut = a stopped server, blackhole = a hung one);
the thinker and the trace agent are really stopped and started again on the same ports.
"""

import os
import secrets
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

import pytest
import requests

from harness.processes import (
    POSTGRES_SERVER,
    Stack,
    TraceAgent,
    boot_stack,
    create_postgres_database,
    http_ok,
    start_trace_agent,
    think,
    wait_until,
)
from harness.spans import by_name, joined
from tests.stubs import TcpProxy


@dataclass
class FaultyStack:
    stack: Stack
    database: TcpProxy
    redis: TcpProxy
    agent: TraceAgent
    agent_proxy: TcpProxy


def address(url: SplitResult) -> tuple[str, int]:
    assert url.hostname and url.port, f"{url.geturl()} names no host and port"
    return url.hostname, url.port


@pytest.fixture(scope="module")
def faulty(e2e_logs: Path, redis_url: str) -> Iterator[FaultyStack]:
    database_url = urlsplit(create_postgres_database(POSTGRES_SERVER, f"thinker_faults_{secrets.token_hex(4)}"))
    database = TcpProxy(*address(database_url)).start()
    redis_server = urlsplit(redis_url)
    redis_proxy = TcpProxy(*address(redis_server)).start()
    agent = start_trace_agent(e2e_logs)
    agent_server = urlsplit(agent.url)
    agent_proxy = TcpProxy(*address(agent_server)).start()
    stack = boot_stack(
        e2e_logs,
        f"redis://127.0.0.1:{redis_proxy.port}/0",
        f"http://127.0.0.1:{agent_proxy.port}",
        DATABASE_URL=urlunsplit(database_url._replace(netloc=f"{database_url.username}@127.0.0.1:{database.port}")),
        DATABASE_CONNECT_TIMEOUT_SECONDS="2",
        THINK_DELAY_SECONDS="0.2",
        THINKER_TIMEOUT_SECONDS="4",
        GUNICORN_WORKERS="1",
    )
    yield FaultyStack(stack, database, redis_proxy, agent, agent_proxy)
    stack.kill()
    agent_proxy.stop()
    agent.process.stop()
    database.stop()
    redis_proxy.stop()


def fresh_subject(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(3)}"


def thinker_get(faulty: FaultyStack, subject: str) -> requests.Response:
    return requests.get(f"{faulty.stack.thinker_url}/", params={"subject": subject}, timeout=15)


def test_thinker_stopped_is_a_502_and_the_api_answers_again_once_it_is_back(faulty):
    api_pid = faulty.stack.api.pid
    faulty.stack.thinker.stop()
    try:
        response = think(faulty.stack, "war")
        assert response.status_code == 502
        assert response.json()["error"] == "thinker_unavailable"
    finally:
        faulty.stack.thinker.start().wait_ready(http_ok(f"{faulty.stack.thinker_url}/healthz"))
    response = think(faulty.stack, "war")
    assert response.status_code == 200
    assert response.json()["author"] == "Agatha Christie"
    assert faulty.stack.api.pid == api_pid, "the API recovered without a restart"


def test_a_killed_thinker_worker_is_replaced_and_the_request_waits_for_it_instead_of_failing(faulty):
    """The thinker runs one gunicorn worker (gunicorn.conf.py): its master starts another, and a request
    sent meanwhile waits in the listening socket's backlog."""
    [worker] = faulty.stack.thinker.children()
    os.kill(worker, signal.SIGKILL)
    response = think(faulty.stack, "war")
    assert response.status_code == 200
    assert response.json()["author"] == "Agatha Christie"
    [replacement] = faulty.stack.thinker.children()
    assert replacement != worker
    assert f"Worker (pid:{worker}) was sent SIGKILL" in faulty.stack.thinker.log()


def test_redis_stopped_answers_from_the_database_warns_once_and_memoizes_again_when_back(faulty):
    log_before = len(faulty.stack.thinker.log())
    faulty.redis.cut()
    try:
        statuses = [think(faulty.stack, subject).status_code for subject in ["war", "music", "war", "art", "war"]]
        assert statuses == [200] * 5
        assert faulty.stack.thinker.log()[log_before:].count("Redis unreachable") == 1
    finally:
        faulty.redis.restore()
    subject = fresh_subject("memo")
    assert think(faulty.stack, subject).status_code == 200
    spans = faulty.agent.wait_for_trace(think(faulty.stack, subject).headers["X-Trace-Id"], joined(thinker_calls=1))
    assert by_name(spans, "think")[0]["meta"]["think.cache_hit"] == "true"


def test_redis_that_never_answers_costs_a_timeout_not_a_hung_worker(faulty):
    faulty.redis.blackhole()
    try:
        response = think(faulty.stack, fresh_subject("hung-redis"))
        assert response.status_code == 200
        assert response.json()["author"] == "The Machine"
    finally:
        faulty.redis.restore()


def test_database_unreachable_is_a_503_from_the_thinker_and_a_502_from_the_api_then_recovers(faulty):
    faulty.database.cut()
    try:
        direct = thinker_get(faulty, fresh_subject("no-db"))
        assert direct.status_code == 503
        assert direct.json()["error"] == "database_unavailable"
        assert think(faulty.stack, fresh_subject("no-db")).status_code == 502
    finally:
        faulty.database.restore()
    response = think(faulty.stack, "mankind")
    assert response.status_code == 200
    assert response.json()["author"] == "Oscar Wilde"


def test_a_database_that_never_answers_is_a_bounded_503(faulty):
    faulty.database.blackhole()
    try:
        response = thinker_get(faulty, fresh_subject("hung-db"))
        assert response.status_code == 503
    finally:
        faulty.database.restore()
    assert thinker_get(faulty, fresh_subject("db-back")).status_code == 200


def test_trace_agent_stopped_fails_no_request_and_tracing_resumes_when_it_returns(faulty):
    faulty.agent.process.stop()
    faulty.agent_proxy.cut()  # nothing listens on the services' agent port: connection refused
    try:
        statuses = [think(faulty.stack, fresh_subject("no-agent")).status_code for _ in range(5)]
        assert statuses == [200] * 5
    finally:
        faulty.agent.process.start().wait_ready(http_ok(f"{faulty.agent.url}/test/traces"))
        faulty.agent_proxy.restore()
    response = think(faulty.stack, fresh_subject("agent-back"))
    faulty.agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1), timeout=30)


def test_a_hung_trace_agent_fails_no_request_and_tracing_resumes_when_it_answers(faulty):
    faulty.agent_proxy.blackhole()
    statuses = []

    def writers_flushed_into_the_hang() -> bool:
        statuses.append(think(faulty.stack, fresh_subject("hung-agent")).status_code)
        return faulty.agent_proxy.held >= 2  # flushes are stuck in the hang (each writer sends every second)

    try:
        wait_until(writers_flushed_into_the_hang, timeout=30, what="the trace writers to reach the hung agent")
        statuses += [think(faulty.stack, fresh_subject("hung-agent")).status_code for _ in range(5)]
        assert statuses == [200] * len(statuses)
    finally:
        faulty.agent_proxy.restore()
    response = think(faulty.stack, fresh_subject("agent-answers"))
    faulty.agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1), timeout=30)
