"""The trust boundary, in each of the workshop's ways across the hop: no headers (STEP=1), by hand (2),
by the tracer (3 to 5). The trace each step makes is tests/e2e/test_steps.py's; the same boundary under
the OpenTelemetry SDK, tests/e2e/test_mixed_fleet.py's."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import REPO, Stack, api_env, boot_stack, stack_env, start_api, think
from harness.spans import api_root, dump
from tests.stubs import StubServer, json_reply

TRACE_HEADERS = {"x-datadog-trace-id", "x-datadog-parent-id", "x-datadog-tags", "traceparent", "tracestate", "baggage"}
# What a client could send to hijack or pollute our traces.
FORGED = {
    "x-datadog-trace-id": "1234567890",
    "x-datadog-parent-id": "987654321",
    "x-datadog-sampling-priority": "2",
    "traceparent": "00-000000000000000000000000499602d2-000000003ade68b1-01",
    "tracestate": "dd=s:2",
    "baggage": "user.id=mallory",
}


# One step per way across the hop; the session's `stack` is STEP=5.
PROPAGATION_STEPS = [1, 2, 5]


@pytest.fixture(scope="module")
def stacks(e2e_logs: Path, redis_url: str, trace_agent, stack: Stack) -> Iterator[dict[int, Stack]]:
    """A stack per way across the hop, one worker each."""
    booted = {
        step: boot_stack(e2e_logs, redis_url, trace_agent.url, STEP=str(step), GUNICORN_WORKERS="1") for step in (1, 2)
    }
    yield {**booted, 5: stack}
    for booted_stack in booted.values():
        booted_stack.kill()


@pytest.fixture
def recorder() -> Iterator[StubServer]:
    """A local HTTP server standing in for the thinker, recording the headers it receives."""
    stub = StubServer(
        respond=lambda request: json_reply(
            {"id": 3, "quote": "q", "author": "a", "subject": request.query["subject"][0]}
        )
    ).start()
    yield stub
    stub.stop()


@pytest.mark.parametrize("step", PROPAGATION_STEPS)
def test_the_api_never_continues_a_trace_a_client_sent(step, stacks, trace_agent):
    response = think(stacks[step], "technology", headers=FORGED)
    assert response.status_code == 200
    trace_id = int(response.headers["X-Trace-Id"])
    assert trace_id != int(FORGED["x-datadog-trace-id"])

    spans = trace_agent.wait_for_trace(
        trace_id, lambda spans: any(s["service"] == "thinker-api" and s["name"] == "django.request" for s in spans)
    )
    assert api_root(spans)["parent_id"] == 0
    assert not any("mallory" in value for span in spans for value in span["meta"].values()), dump(spans)


@pytest.mark.parametrize("step", PROPAGATION_STEPS)
def test_the_api_passes_a_client_nothing_of_their_headers_and_its_own_only_when_propagating(
    step, e2e_logs, redis_url, trace_agent, recorder
):
    common = stack_env(e2e_logs, redis_url, trace_agent.url, STEP=str(step), GUNICORN_WORKERS="1")
    api_url, api = start_api(e2e_logs, common, recorder.url)
    try:
        import requests

        assert requests.get(f"{api_url}/think/?subject=war", headers=FORGED, timeout=10).status_code == 200
    finally:
        api.kill()
    (received,) = recorder.requests
    assert "mallory" not in received.headers.get("baggage", "")
    assert received.headers.get("x-datadog-trace-id") != FORGED["x-datadog-trace-id"]
    if step == 1:
        assert TRACE_HEADERS.isdisjoint(received.headers)
    else:
        assert {"x-datadog-trace-id", "x-datadog-parent-id", "traceparent"} <= set(received.headers)


@pytest.mark.parametrize(
    ("step", "tracer"), [*((step, "ddtrace") for step in PROPAGATION_STEPS), (5, "otel")], ids=lambda p: str(p)
)
def test_trace_headers_go_to_the_thinker_only_never_to_another_host(
    step, tracer, e2e_logs, redis_url, trace_agent, recorder
):
    other_host = StubServer().start()
    try:
        common = stack_env(
            e2e_logs, redis_url, trace_agent.url, STEP=str(step), API_TRACER=tracer,
            OTEL_EXPORTER_OTLP_ENDPOINT=trace_agent.otlp_url,
        )  # fmt: skip
        probe = subprocess.run(
            [
                sys.executable,
                "-m",
                "core.tracing.launch",
                sys.executable,
                "tests/e2e/scripts/outbound_headers.py",
                other_host.url,
            ],
            env={**api_env(common, recorder.url), "PYTHONPATH": str(REPO)},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 0, probe.stderr[-3000:]
    finally:
        other_host.stop()
    (to_other,) = other_host.requests
    assert TRACE_HEADERS.isdisjoint(to_other.headers), to_other.headers
    (to_thinker,) = recorder.requests
    # W3C's traceparent from either tracer; ddtrace adds its own headers.
    assert ("traceparent" in to_thinker.headers) == (step != 1)
    assert ("x-datadog-trace-id" in to_thinker.headers) == (step != 1 and tracer == "ddtrace")
