from ddtrace.trace import Span

from core.tracing import DropCachedValues


def redis_span(raw_command: str) -> Span:
    span = Span("redis.command", span_type="redis")
    span.set_tag("redis.raw_command", raw_command)
    return span


def test_a_set_keeps_its_key_and_loses_its_value():
    span = redis_span('SET thinker:1:think:war {"id": 3, "quote": "One is left..."} EX 30')
    DropCachedValues().process_trace([span])
    assert span.get_tag("redis.raw_command") == "SET thinker:1:think:war ?"


def test_reads_and_other_spans_are_left_alone():
    get = redis_span("GET thinker:1:think:war")
    other = Span("think")
    other.set_tag("subject", "war")
    DropCachedValues().process_trace([get, other])
    assert get.get_tag("redis.raw_command") == "GET thinker:1:think:war"
    assert other.get_tag("subject") == "war"


def request_span(url: str) -> Span:
    span = Span("django.request", span_type="web")
    span.set_tag("http.url", url)
    return span


def test_health_check_and_trace_page_traces_are_dropped_and_others_kept():
    from core.tracing import DropOwnTraffic

    drop = DropOwnTraffic()
    assert drop.process_trace([request_span("http://127.0.0.1:5000/traces/123/")]) is None
    assert drop.process_trace([request_span("http://127.0.0.1:5001/healthz")]) is None
    assert drop.process_trace([request_span("http://api:5000/readyz"), Span("sqlite.query")]) is None
    kept = [request_span("http://127.0.0.1:5000/think/?subject=healthz")]
    assert drop.process_trace(kept) == kept


def failed_request_span(error: Exception) -> Span:
    """A request span that ddtrace's DRF hook marked failed for `error`, then our exception handler ran."""
    from ddtrace.trace import tracer

    from core.errors import exception_handler

    with tracer.trace("django.request") as span:
        try:
            raise error
        except type(error) as raised:
            span.set_traceback()  # what ddtrace's hook on APIView.handle_exception does
            span.set_tag("http.status_code", str(exception_handler(raised, {}).status_code))
    return span


def test_a_client_error_leaves_the_request_span_without_an_error():
    from rest_framework.exceptions import ValidationError

    span = failed_request_span(ValidationError({"subject": ["This field may not be blank."]}))
    assert span.get_tag("http.status_code") == "400"
    assert span.error == 0
    assert [span.get_tag(tag) for tag in ("error.type", "error.message", "error.stack")] == [None, None, None]


def test_a_server_error_keeps_its_error_and_stack_on_the_request_span():
    from api_app.thinker_client import ThinkerUnavailable

    span = failed_request_span(ThinkerUnavailable("The thinker answered 500."))
    assert span.get_tag("http.status_code") == "502"
    assert span.error == 1
    assert span.get_tag("error.type") == "api_app.thinker_client.ThinkerUnavailable"
    assert "raise error" in span.get_tag("error.stack")
