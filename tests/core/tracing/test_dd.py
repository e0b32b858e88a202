from ddtrace.trace import Span

from core.tracing.dd import DropCachedValues, DropStrayCalls


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


def test_health_check_and_trace_page_traces_are_dropped_and_others_kept(settings):
    from core.tracing.dd import DropOwnTraffic

    drop = DropOwnTraffic(settings.UNTRACED_PATH_PREFIXES)  # the API's: its health checks and its trace pages
    assert drop.process_trace([request_span("http://127.0.0.1:5000/traces/123/")]) is None
    assert drop.process_trace([request_span("http://127.0.0.1:5001/healthz")]) is None
    assert drop.process_trace([request_span("http://api:5000/readyz"), Span("sqlite.query")]) is None
    assert drop.process_trace([request_span("http://127.0.0.1:5000/favicon.ico")]) is None  # a browser's, on each page
    kept = [request_span("http://127.0.0.1:5000/think/?subject=healthz")]
    assert drop.process_trace(kept) == kept


def test_a_trace_that_starts_with_a_redis_command_or_a_query_is_dropped_and_one_under_a_request_kept():
    # Celery's broker upkeep; runserver's check for unapplied migrations at each start.
    assert DropStrayCalls().process_trace([redis_span("BRPOP celery 1")]) is None
    assert DropStrayCalls().process_trace([Span("sqlite.query", span_type="sql")]) is None
    request = request_span("http://127.0.0.1:5001/?subject=war")
    under = [request, Span("sqlite.query", span_type="sql", parent_id=request.span_id)]
    assert DropStrayCalls().process_trace(under) == under
