"""core/tracing/propagation.py: what each workshop step does with trace headers, on each side of the hop."""

import pytest
from ddtrace.trace import tracer

from core.service import SERVICES
from core.steps import STEPS
from core.tracing import propagation


def wsgi_app(environ, start_response):
    return [b""]


@pytest.mark.parametrize("number", STEPS)
def test_headers_are_written_by_hand_in_step_2_and_on_the_wire_from_step_3(settings, number):
    settings.STEP = STEPS[number]
    wire: dict[str, str] = {}
    with tracer.trace("api.request") as span:
        by_hand = propagation.headers_for_thinker()
        propagation.inject_on_the_wire(wire)
    sent = {"off": (by_hand, wire) == ({}, {}), "manual": wire == {}, "auto": by_hand == {}}
    assert sent[settings.STEP.propagation]
    for headers in (by_hand, wire):
        if headers:
            assert headers["x-datadog-trace-id"] == str(span.trace_id & (2**64 - 1))
            assert headers["x-datadog-parent-id"] == str(span.span_id)
            assert headers["traceparent"].split("-")[1] == f"{span.trace_id:032x}"


def test_without_a_span_no_headers_are_written(settings):
    settings.STEP = STEPS[2]
    assert propagation.headers_for_thinker() == {}


@pytest.mark.parametrize("number", STEPS)
@pytest.mark.parametrize("service", SERVICES)
def test_only_the_thinker_continues_a_trace_by_hand_in_step_2_and_by_ddtrace_from_step_3(settings, number, service):
    settings.STEP, settings.SERVICE = STEPS[number], SERVICES[service]
    continues = service in ("thinker", "worker")  # the worker's callers are the API's tasks, on a private queue
    by_hand = propagation.continue_incoming(wsgi_app) is not wsgi_app
    assert by_hand == (continues and settings.STEP.propagation == "manual")
    assert propagation.continues_incoming_automatically() == (continues and settings.STEP.propagation == "auto")


def test_the_thinker_continues_the_callers_trace_in_step_2_and_the_next_request_starts_clean(settings):
    settings.STEP, settings.SERVICE = STEPS[2], SERVICES["thinker"]
    seen = []

    def app(environ, start_response):
        with tracer.trace("django.request") as span:
            seen.append((span.trace_id, span.parent_id))
        return [b""]

    continued = propagation.continue_incoming(app)
    continued({"HTTP_X_DATADOG_TRACE_ID": "1234", "HTTP_X_DATADOG_PARENT_ID": "5678"}, None)
    continued({}, None)
    assert seen[0] == (1234, 5678)
    assert seen[1][0] != 1234 and seen[1][1] is None
