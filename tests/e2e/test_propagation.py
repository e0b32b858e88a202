"""The workshop's three steps (TRACE_PROPAGATION off / manual / auto) and the trust boundary."""
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import REPO, Stack, api_env, boot_stack, start_api, stack_env, think, wait_until
from harness.spans import Span, api_root, by_name, dump, joined, thinker_requests
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


@pytest.fixture(scope="module")
def stacks(e2e_logs: Path, redis_url: str, trace_agent) -> Iterator[dict[str, Stack]]:
    """One stack per non-default mode, one worker each (the default stack is `auto`)."""
    booted = {
        mode: boot_stack(e2e_logs, redis_url, trace_agent.url, TRACE_PROPAGATION=mode, GUNICORN_WORKERS="1")
        for mode in ("manual", "off")
    }
    yield booted
    for stack in booted.values():
        stack.stop()


@pytest.fixture
def recorder() -> Iterator[StubServer]:
    """A local HTTP server standing in for the thinker, recording the headers it receives."""
    stub = StubServer(respond=lambda request: json_reply(
        {"id": 3, "quote": "q", "author": "a", "subject": request.query["subject"][0]}
    )).start()
    yield stub
    stub.stop()


def thinker_trace_for(trace_agent, subject: str) -> list[Span]:
    """The thinker's spans for a request about `subject`, wherever (whichever trace) they are."""

    def find() -> list[Span] | None:
        for span in trace_agent.all_spans():
            if span["service"] == "thinker-microservice" and span["name"] == "django.request" \
                    and f"subject={subject}" in span["meta"].get("http.url", ""):
                return trace_agent.spans(span["trace_id"])
        return None

    return wait_until(find, timeout=15, what=f"the thinker's trace for {subject!r}", interval=0.2)


def test_auto_joins_the_trace_under_the_http_hop(stack, trace_agent):
    spans = trace_agent.wait_for_trace(think(stack, "mankind").headers["X-Trace-Id"], joined(thinker_calls=1))
    (hop,) = by_name(spans, "requests.request")
    assert thinker_requests(spans)[0]["parent_id"] == hop["span_id"]


def test_manual_joins_the_trace_under_the_request_that_wrote_the_headers(stacks, trace_agent):
    spans = trace_agent.wait_for_trace(
        think(stacks["manual"], "music").headers["X-Trace-Id"], joined(thinker_calls=1)
    )
    (thinker_root,) = thinker_requests(spans)
    parent = next(span for span in spans if span["span_id"] == thinker_root["parent_id"])
    assert parent["service"] == "thinker-api" and parent["name"] == "django.request", dump(spans)
    assert by_name(spans, "think")[0]["meta"]["subject"] == "music"


def test_off_breaks_one_request_into_two_traces(stacks, trace_agent):
    response = think(stacks["off"], "work")
    assert response.status_code == 200
    api_spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], lambda spans: bool(by_name(spans, "requests.request")))
    assert {span["service"] for span in api_spans} <= {"thinker-api", "requests"}

    thinker_spans = thinker_trace_for(trace_agent, "work")
    (thinker_root,) = thinker_requests(thinker_spans)
    assert thinker_root["parent_id"] == 0
    assert thinker_root["trace_id"] != api_root(api_spans)["trace_id"]
    assert by_name(thinker_spans, "think")[0]["meta"]["subject"] == "work"


@pytest.mark.parametrize("mode", ["auto", "manual", "off"])
def test_the_api_never_continues_a_trace_a_client_sent(mode, stack, stacks, trace_agent):
    target = stack if mode == "auto" else stacks[mode]
    response = think(target, "technology", headers=FORGED)
    assert response.status_code == 200
    trace_id = int(response.headers["X-Trace-Id"])
    assert trace_id != int(FORGED["x-datadog-trace-id"])

    spans = trace_agent.wait_for_trace(trace_id, lambda spans: any(s["service"] == "thinker-api" and s["name"] == "django.request" for s in spans))
    assert api_root(spans)["parent_id"] == 0
    assert not any("mallory" in value for span in spans for value in span["meta"].values()), dump(spans)


@pytest.mark.parametrize("mode", ["auto", "manual", "off"])
def test_the_api_passes_a_client_nothing_of_their_headers_and_its_own_only_when_propagating(
    mode, e2e_logs, redis_url, trace_agent, recorder
):
    common = stack_env(e2e_logs, redis_url, trace_agent.url, TRACE_PROPAGATION=mode, GUNICORN_WORKERS="1")
    api_url, api = start_api(e2e_logs, common, recorder.url)
    try:
        import requests

        assert requests.get(f"{api_url}/think/?subject=war", headers=FORGED, timeout=10).status_code == 200
    finally:
        api.stop()
    (received,) = recorder.requests
    assert "mallory" not in received.headers.get("baggage", "")
    assert received.headers.get("x-datadog-trace-id") != FORGED["x-datadog-trace-id"]
    if mode == "off":
        assert TRACE_HEADERS.isdisjoint(received.headers)
    else:
        assert {"x-datadog-trace-id", "x-datadog-parent-id", "traceparent"} <= set(received.headers)


@pytest.mark.parametrize("mode", ["auto", "manual", "off"])
def test_trace_headers_go_to_the_thinker_only_never_to_another_host(mode, e2e_logs, redis_url, trace_agent, recorder):
    other_host = StubServer().start()
    try:
        common = stack_env(e2e_logs, redis_url, trace_agent.url, TRACE_PROPAGATION=mode)
        probe = subprocess.run(
            [str(Path(sys.executable).parent / "ddtrace-run"), sys.executable, "tests/e2e/scripts/outbound_headers.py", other_host.url],
            env={**api_env(common, recorder.url), "PYTHONPATH": str(REPO)}, cwd=REPO, capture_output=True, text=True, timeout=60,
        )
        assert probe.returncode == 0, probe.stderr[-3000:]
    finally:
        other_host.stop()
    (to_other,) = other_host.requests
    assert TRACE_HEADERS.isdisjoint(to_other.headers), to_other.headers
    (to_thinker,) = recorder.requests
    assert ("x-datadog-trace-id" in to_thinker.headers) == (mode != "off")
