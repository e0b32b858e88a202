"""The trace reaches PostgreSQL (#37): with DD_DBM_PROPAGATION_MODE, the thinker's query carries a comment that ties
it to the request's trace, under either tracer, as the server itself sees it (pg_stat_activity keeps each
connection's last statement; the thinker keeps its connection). The answer and the query's span stay as they were."""

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from harness.processes import POSTGRES_SERVER, Stack, TraceAgent, fresh_database_url, think
from harness.spans import Span, joined


def last_thought_query(database: str) -> str:
    """The last statement the server ran on the thinker's connection, as it received it."""
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = %s AND query LIKE %s",
            [database, '%FROM "thinker_app_thought"%'],
        ).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def query_span(spans: list[Span]) -> Span:
    (span,) = [s for s in spans if "thinker_app_thought" in s["resource"] or "thinker_app_thought" in s["meta"].get(
        "db.statement", ""
    )]  # fmt: skip
    return span


@pytest.fixture
def stack_with(fresh_stack: Callable[..., Stack], e2e_logs: Path) -> Callable[..., tuple[Stack, str]]:
    """A stack on a PostgreSQL database of its own, with the environment the test names; and that database."""

    def boot(**env: str) -> tuple[Stack, str]:
        database_url = fresh_database_url(e2e_logs, POSTGRES_SERVER)
        return fresh_stack(DATABASE_URL=database_url, **env), urlsplit(database_url).path.lstrip("/")

    return boot


def asked_about_war(stack: Stack, trace_agent: TraceAgent) -> tuple[int, list[Span]]:
    response = think(stack, "war")
    assert response.status_code == 200
    assert response.json()["author"] == "Agatha Christie"  # the query's result is unchanged
    trace_id = int(response.headers["X-Trace-Id"])
    return trace_id, trace_agent.wait_for_trace(trace_id, joined(thinker_calls=1))


@pytest.mark.parametrize("tracer", ["ddtrace", "otel"])
def test_in_full_mode_the_query_reaching_postgresql_carries_the_requests_trace(stack_with, trace_agent, tracer):
    stack, database = stack_with(DD_DBM_PROPAGATION_MODE="full", THINKER_TRACER=tracer)
    trace_id, spans = asked_about_war(stack, trace_agent)

    query = last_thought_query(database)
    # traceparent='00-<128-bit trace id>-<span id>-01': its low 64 bits are the agent's trace id (X-Trace-Id).
    assert "traceparent='00-" in query
    traceparent = query.split("traceparent='", 1)[1].split("'", 1)[0]
    assert int(traceparent.split("-")[1], 16) & (2**64 - 1) == trace_id
    span = query_span(spans)
    assert "traceparent" not in span["resource"] and "traceparent" not in span["meta"].get("db.statement", "")


def test_in_service_mode_the_comment_names_the_service_and_no_trace(stack_with, trace_agent):
    stack, database = stack_with(DD_DBM_PROPAGATION_MODE="service")
    asked_about_war(stack, trace_agent)
    query = last_thought_query(database)
    assert "ddps='thinker-microservice'" in query
    assert "traceparent" not in query


@pytest.mark.parametrize("tracer", ["ddtrace", "otel"])
def test_without_the_switch_the_query_reaches_postgresql_bare(stack_with, trace_agent, tracer):
    stack, database = stack_with(THINKER_TRACER=tracer)
    asked_about_war(stack, trace_agent)
    assert last_thought_query(database).startswith('SELECT "thinker_app_thought"')
    assert "/*" not in last_thought_query(database)
