"""A mixed fleet: either service traced by ddtrace or by the OpenTelemetry SDK, one trace across the hop.

All four combinations as real processes (`python -m core.tracing.launch gunicorn`, API_TRACER / THINKER_TRACER),
each sending to the one test agent: ddtrace's spans to its trace port, OpenTelemetry's over OTLP, read
back together (harness.processes.TraceStore). The hop speaks W3C's traceparent, which both tracers read.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from api_app.otlp_spans import tracer_of
from harness.processes import Stack, TraceAgent, boot_dev_stack, boot_stack, think, wait_until
from harness.spans import (
    api_root,
    by_name,
    database_spans,
    dump,
    http_hops,
    joined,
    parent_past_framework,
    redis_spans,
    server_spans,
    thinker_requests,
)
from tests.e2e.test_propagation import FORGED

# (API's tracer, thinker's tracer)
COMBINATIONS = [("ddtrace", "ddtrace"), ("ddtrace", "otel"), ("otel", "ddtrace"), ("otel", "otel")]


@pytest.fixture(
    scope="module",
    # The thinker's tracer makes its database spans (OpenTelemetry instruments sqlite3 and psycopg apart): each runs
    # again on PostgreSQL (make test), beside the API's ddtrace. The API's tracer never sees the database.
    params=[pytest.param(pair, marks=[pytest.mark.database] * (pair[0] == "ddtrace")) for pair in COMBINATIONS],
    ids=lambda pair: f"api-{pair[0]}-thinker-{pair[1]}",
)
def fleet(request, e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[tuple[str, str, Stack]]:
    api_tracer, thinker_tracer = request.param
    stack = boot_stack(
        e2e_logs, redis_url, trace_agent.url,
        API_TRACER=api_tracer, THINKER_TRACER=thinker_tracer, OTEL_EXPORTER_OTLP_ENDPOINT=trace_agent.otlp_url,
        THINK_FAIL_SUBJECTS="peace", GUNICORN_WORKERS="1",
    )  # fmt: skip
    yield api_tracer, thinker_tracer, stack
    stack.kill()


def test_a_miss_then_a_hit_are_one_trace_each_across_both_tracers(fleet, trace_agent):
    api_tracer, thinker_tracer, stack = fleet
    redis.Redis.from_url(stack.redis_url).flushdb()
    for cache_hit in ("false", "true"):
        response = think(stack, "war")
        assert response.status_code == 200
        assert response.json()["author"] == "Agatha Christie"
        spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

        assert len({span["trace_id"] for span in spans}) == 1
        root, (hop,), (thinker_request,) = api_root(spans), http_hops(spans), thinker_requests(spans)
        assert (tracer_of(root), tracer_of(thinker_request)) == (api_tracer, thinker_tracer)
        assert root["parent_id"] == 0
        # Under ddtrace a DRF view's work hangs under its view spans; OpenTelemetry's Django instrumentation makes none.
        assert parent_past_framework(spans, hop) == root["span_id"], dump(spans)
        assert thinker_request["parent_id"] == hop["span_id"], dump(spans)
        (think_span,) = by_name(spans, "think")
        assert parent_past_framework(spans, think_span) == thinker_request["span_id"], dump(spans)
        assert (think_span["meta"]["subject"], think_span["meta"]["think.cache_hit"]) == ("war", cache_hit)
        assert redis_spans(spans), dump(spans)
        assert bool(database_spans(spans)) == (cache_hit == "false"), dump(spans)
        assert not any(span["error"] for span in spans), dump(spans)


def test_an_error_in_the_thinker_marks_spans_on_both_sides(fleet, trace_agent):
    _, _, stack = fleet
    response = think(stack, "peace")
    assert response.status_code == 502
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
    (think_span,) = by_name(spans, "think")
    failed = [api_root(spans), *http_hops(spans), *thinker_requests(spans), think_span]
    assert all(span["error"] for span in failed), dump(spans)
    assert think_span["meta"]["error.type"].endswith("ThinkingFailed")


def test_a_bad_request_is_the_callers_mistake_not_an_error_of_the_api(fleet, trace_agent):
    _, _, stack = fleet
    response = think(stack, "")
    assert response.status_code == 400
    spans = trace_agent.wait_for_trace(
        response.headers["X-Trace-Id"], lambda spans: bool(server_spans(spans, "thinker-api"))
    )
    assert not api_root(spans)["error"], dump(spans)
    # ddtrace records the ValidationError on the view spans it went through (DRF's dispatch, the view's get), as in
    # any DRF app; OpenTelemetry's Django instrumentation marks only 5xx answers.
    failed = {(span["name"], span["meta"].get("error.type")) for span in spans if span["error"]}
    error = "rest_framework.exceptions.ValidationError"
    expected = {("django.view.dispatch", error), ("django.view.get", error)}
    assert failed == (expected if tracer_of(api_root(spans)) == "ddtrace" else set()), dump(spans)


def test_the_api_never_continues_a_trace_a_client_sent(fleet, trace_agent):
    _, _, stack = fleet
    response = think(stack, "technology", headers=FORGED)
    assert response.status_code == 200
    trace_id = int(response.headers["X-Trace-Id"])
    assert trace_id not in (int(FORGED["x-datadog-trace-id"]), int(FORGED["traceparent"].split("-")[1], 16))
    spans = trace_agent.wait_for_trace(trace_id, joined(thinker_calls=1))
    assert api_root(spans)["parent_id"] == 0
    assert not any("mallory" in str(value) for span in spans for value in span["meta"].values()), dump(spans)


def test_the_thinkers_log_lines_carry_the_trace_id_under_either_tracer(fleet, trace_agent):
    _, thinker_tracer, stack = fleet
    response = think(stack, "technology-log")
    trace_id = int(response.headers["X-Trace-Id"])
    spans = trace_agent.wait_for_trace(trace_id, joined(thinker_calls=1))
    (thinker_request,) = server_spans(spans, "thinker-microservice")
    # Both write the 128-bit trace id in 32 hex digits; the agent's trace_id is their low 64 bits.
    assert f"{trace_id:016x} dd.span_id=" in stack.thinker.log()
    assert "dd.service=thinker-microservice" in stack.thinker.log()
    assert tracer_of(thinker_request) == thinker_tracer


@pytest.mark.parametrize("step", [1, 2])
def test_the_first_steps_cross_the_hop_as_the_workshop_says_under_opentelemetry_too(
    step, e2e_logs, redis_url, trace_agent
):
    """Step 1: two traces; step 2: one, the thinker's request hung by hand beside the hop (as under ddtrace).
    The OpenTelemetry thinker's request span is then an internal one: its Django instrumentation sees a
    current span (ours, from the headers) and starts a child, not a server span."""
    stack = boot_stack(
        e2e_logs, redis_url, trace_agent.url, STEP=str(step), TRACER="otel",
        OTEL_EXPORTER_OTLP_ENDPOINT=trace_agent.otlp_url, GUNICORN_WORKERS="1",
    )  # fmt: skip
    try:
        # Before the datastore only the seed's subjects answer: this request's think span is the one after `sent`.
        sent = time.time_ns()
        response = think(stack, "war")
        assert response.status_code == 200
        trace_id = int(response.headers["X-Trace-Id"])
        (think_span,) = wait_until(
            lambda: [s for s in trace_agent.all_spans() if s["name"] == "think" and s["start"] >= sent],
            timeout=15,
            what="the think span",
        )
        if step == 1:
            assert think_span["trace_id"] != trace_id
            return
        spans = trace_agent.wait_for_trace(trace_id, lambda spans: bool(http_hops(spans) and by_name(spans, "think")))
        (hop,), (think_span,) = http_hops(spans), by_name(spans, "think")
        (thinker_request,) = [span for span in spans if span["span_id"] == think_span["parent_id"]]
        assert thinker_request["service"] == "thinker-microservice"
        assert thinker_request["parent_id"] == api_root(spans)["span_id"] != hop["span_id"], dump(spans)
    finally:
        stack.kill()


def test_make_runs_procfile_pair_joins_with_an_opentelemetry_thinker(e2e_logs, redis_url, trace_agent):
    """`THINKER_TRACER=otel make run`: the Procfile's runserver lines, through core.tracing.launch and the autoreloader."""
    stack = boot_dev_stack(
        e2e_logs, redis_url, trace_agent.url, THINKER_TRACER="otel", OTEL_EXPORTER_OTLP_ENDPOINT=trace_agent.otlp_url
    )
    try:
        response = think(stack, "war")
        assert response.status_code == 200
        spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
        (thinker_request,) = thinker_requests(spans)
        assert (tracer_of(api_root(spans)), tracer_of(thinker_request)) == ("ddtrace", "otel")
        assert thinker_request["parent_id"] == http_hops(spans)[0]["span_id"], dump(spans)
    finally:
        stack.kill()
