"""One sampling decision, kept whole (#37): with DD_TRACE_SAMPLING_RULES, the service that starts a trace decides,
and every service after it follows, in every combination of ddtrace and the OpenTelemetry SDK. No trace is ever
half kept. The test agent receives ddtrace's dropped traces too (with a priority of 0 or less, which a Datadog
agent drops); the OpenTelemetry SDK sends nothing of what it drops."""

from collections.abc import Callable

import pytest

from api_app.otlp_spans import tracer_of
from api_app.traces import SAMPLING_PRIORITY, sampling_of
from harness.processes import Stack, TraceAgent, think, wait_until
from harness.spans import Span, server_spans

RULES = '[{"sample_rate": 0.5}]'
REQUESTS = 20  # at a rate of 0.5, all kept or all dropped by chance: twice in a million runs
SERVICES = ("thinker-api", "thinker-microservice")


def kept_by(spans: list[Span], service: str, tracer: str) -> bool:
    """Whether `service` kept its part of the trace: ddtrace says so on its request span; the SDK sent it or not."""
    requests_of_service = server_spans(spans, service)
    if tracer == "otel":
        return bool(requests_of_service)
    assert requests_of_service, f"ddtrace sends every trace, dropped ones too: {service} sent none"
    return requests_of_service[0]["metrics"][SAMPLING_PRIORITY] > 0


def settle(stack: Stack, agent: TraceAgent, tracers: dict[str, str]) -> None:
    """Until a trace started after everything already sent arrives whole and kept: each process exports in order,
    so what it sent before has arrived too (a dropped one is no sign from the SDK, and the next is tried)."""

    def whole_and_kept(spans: list[Span]) -> bool:
        return all(kept_by(spans, service, tracers[service]) for service in SERVICES if server_spans(spans, service))

    def arrived() -> bool:
        trace_id = int(think(stack, "war").headers["X-Trace-Id"])
        try:
            spans = agent.wait_for_trace(
                trace_id, lambda spans: all(server_spans(spans, s) for s in SERVICES), timeout=5
            )
        except TimeoutError:
            return False
        return whole_and_kept(spans)

    wait_until(arrived, timeout=90, what="a later trace, kept and whole")


@pytest.fixture
def sampled_stack(fresh_stack: Callable[..., Stack]) -> Callable[[str, str], Stack]:
    """A stack sampling by RULES, with these tracers on the API and the thinker."""
    return lambda api, thinker: fresh_stack(DD_TRACE_SAMPLING_RULES=RULES, API_TRACER=api, THINKER_TRACER=thinker)


@pytest.mark.parametrize(
    ("api", "thinker"), [("ddtrace", "ddtrace"), ("ddtrace", "otel"), ("otel", "ddtrace"), ("otel", "otel")]
)
def test_each_trace_is_kept_or_dropped_whole_by_the_services_that_start_it(sampled_stack, trace_agent, api, thinker):
    stack = sampled_stack(api, thinker)
    tracers = dict(zip(SERVICES, (api, thinker), strict=True))
    assert think(stack, "war").status_code == 200  # memoized: the rest are hits
    trace_ids = [int(think(stack, "war").headers["X-Trace-Id"]) for _ in range(REQUESTS)]
    settle(stack, trace_agent, tracers)

    decisions = []
    for trace_id in trace_ids:
        spans = trace_agent.spans(trace_id)
        kept = {service: kept_by(spans, service, tracers[service]) for service in SERVICES}
        assert len(set(kept.values())) == 1, f"trace {trace_id} half kept: {kept}"
        decisions.append(kept["thinker-api"])
        if any(tracer_of(span) == "ddtrace" for span in spans):
            assert not sampling_of(spans).split
    assert True in decisions and False in decisions, decisions  # the rule decided, at its rate


def test_the_trace_page_says_the_rule_kept_or_dropped_each_trace(sampled_stack, trace_agent):
    stack = sampled_stack("ddtrace", "ddtrace")
    think(stack, "war")
    trace_ids = [int(think(stack, "war").headers["X-Trace-Id"]) for _ in range(REQUESTS)]
    settle(stack, trace_agent, dict.fromkeys(SERVICES, "ddtrace"))
    said = {str(sampling_of(trace_agent.spans(trace_id))) for trace_id in trace_ids}
    assert said == {"kept by a sampling rule", "dropped by a sampling rule"}
