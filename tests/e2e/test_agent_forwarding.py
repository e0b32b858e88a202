"""With a Datadog key, the compose test agent forwards to the real agent and keeps its local view.
A second test agent stands in for the real one here: it speaks the same trace-intake API."""

from collections.abc import Iterator

import pytest

from harness.processes import TraceAgent, boot_stack, start_trace_agent, think
from harness.spans import joined


@pytest.fixture(scope="module")
def agents(e2e_logs) -> Iterator[tuple[TraceAgent, TraceAgent]]:
    downstream = start_trace_agent(e2e_logs)
    local = start_trace_agent(e2e_logs, forward_to=downstream.url)
    yield local, downstream
    local.process.stop()
    downstream.process.stop()


def test_traces_reach_the_downstream_agent_and_stay_visible_locally(agents, e2e_logs, redis_url):
    local, downstream = agents
    stack = boot_stack(e2e_logs, redis_url, local.url, GUNICORN_WORKERS="1")
    try:
        response = think(stack, "religion")
    finally:
        stack.stop()
    assert response.status_code == 200
    trace_id = response.headers["X-Trace-Id"]
    local.wait_for_trace(trace_id, joined(thinker_calls=1))
    downstream.wait_for_trace(trace_id, joined(thinker_calls=1))
