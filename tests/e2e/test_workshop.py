"""The seed workshop's curls against the real system, and the one trace each makes."""

import http.client
from urllib.parse import urlsplit

import pytest

from harness.processes import think
from harness.spans import SERVICES, by_name, database_spans, depths, dump, joined, thinker_requests

# Runs on both database engines (make test): the seed's thoughts, read from the database, and its query span.
pytestmark = pytest.mark.database


@pytest.mark.parametrize(
    ("subject", "thought_id", "author"),
    [
        ("war", 3, "Agatha Christie"),
        ("mankind", 6, "Oscar Wilde"),
        ("music", 5, "J. K. Rowling"),
        ("art", None, "The Machine"),
    ],
)
def test_the_seeds_curls_answer_as_the_workshop_says(stack, subject, thought_id, author):
    response = think(stack, subject)
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["author"], body["subject"]) == (thought_id, author, subject)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/?subject=war", 200),
        ("/?subject=%20war", 200),
        ("/?subject=", 400),
        ("/healthz", 200),
        ("/readyz", 200),
        ("/schema/", 200),
        ("/no-such-page", 404),
    ],
)
def test_the_thinker_under_gunicorn_sends_a_sized_body_not_chunks(stack, path, status):
    """Its answers, DRF's errors and its probes (CommonMiddleware): one write less, a plain read."""
    connection = http.client.HTTPConnection(urlsplit(stack.thinker_url).netloc, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == status
    assert response.getheader("Transfer-Encoding") is None
    assert response.getheader("Content-Length") == str(len(body))


@pytest.mark.usefixtures("fresh_memo")
def test_a_miss_is_one_trace_from_the_api_through_the_thinker_to_the_database(stack, trace_agent):
    response = think(stack, "war")
    assert response.status_code == 200
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    # Which span hangs under which, in every step and under both servers: tests/e2e/test_steps.py.
    assert {span["service"] for span in spans} >= SERVICES
    assert len({span["trace_id"] for span in spans}) == 1

    (think_span,) = by_name(spans, "think")
    assert think_span["meta"]["subject"] == "war"
    assert think_span["meta"]["think.cache_hit"] == "false"
    assert any("thinker_app_thought" in span["resource"] for span in database_spans(spans)), dump(spans)
    # Look up, claim the single-flight lock, memoize, release; no value shows in a tag.
    commands = [span["meta"]["redis.raw_command"] for span in by_name(spans, "redis.command")]
    assert commands[:3] == ["GET thinker:1:think:war", "SET thinker:1:think:war:lock ?", "SET thinker:1:think:war ?"]
    assert len(commands) == 4 and commands[3].startswith("EVAL ")
    assert not any(span["error"] for span in spans), "a healthy miss has no error span"


@pytest.mark.usefixtures("fresh_memo")
def test_a_hit_within_the_ttl_is_one_trace_with_redis_and_no_database(stack, trace_agent):
    think(stack, "war")
    response = think(stack, "war")
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    (think_span,) = by_name(spans, "think")
    assert think_span["meta"]["think.cache_hit"] == "true"
    assert database_spans(spans) == []
    assert [span["resource"] for span in by_name(spans, "redis.command")] == ["GET"]


@pytest.mark.usefixtures("fresh_memo")
def test_a_hit_is_the_seeds_trace_with_the_view_spans_ddtrace_makes(stack, trace_agent):
    """The seed's five spans, and between each request and its work the five view spans ddtrace's Django integration
    makes for a DRF view (the trace page folds them under the request); no Django cache span over Redis's."""
    think(stack, "war")
    response = think(stack, "war")
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    depth = depths(spans)
    assert sorted((depth[s["span_id"]], s["service"], s["name"], s["resource"]) for s in spans) == sorted(
        [
            (0, "thinker-api", "django.request", "GET think/"),
            *view_spans(1, "thinker-api", "api_app.views"),
            (5, "requests", "requests.request", "GET /"),
            (6, "thinker-microservice", "django.request", "GET ^/"),
            *view_spans(7, "thinker-microservice", "thinker_app.views"),
            (11, "thinker-microservice", "think", "think"),
            (12, "redis", "redis.command", "GET"),
        ]
    ), dump(spans)


def view_spans(depth: int, service: str, module: str) -> list[tuple[int, str, str, str]]:
    return [
        (depth, service, "django.view", f"{module}.view"),
        (depth + 1, service, "django.view", f"{module}.ThinkView"),
        (depth + 2, service, "django.view.setup", "django.views.generic.base.View.setup"),
        (depth + 2, service, "django.view.dispatch", "rest_framework.views.APIView.dispatch"),
        (depth + 3, service, "django.view.get", f"{module}.ThinkView.get"),
    ]


def test_two_subjects_are_one_trace_with_two_thinker_calls(stack, trace_agent):
    response = think(stack, "war", "music")
    assert [item["subject"] for item in response.json()] == ["war", "music"]
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=2))

    hops = by_name(spans, "requests.request")
    assert len(hops) == 2
    assert {span["parent_id"] for span in thinker_requests(spans)} == {hop["span_id"] for hop in hops}
    assert sorted(span["meta"]["subject"] for span in by_name(spans, "think")) == ["music", "war"]


def test_the_thinkers_log_lines_carry_the_trace_id(stack, trace_agent, fresh_memo):
    response = think(stack, "technology")
    trace_id = int(response.headers["X-Trace-Id"])
    trace_agent.wait_for_trace(trace_id, joined(thinker_calls=1))
    # ddtrace logs 128-bit ids as 32 hex digits; the agent's trace_id is their low 64 bits.
    assert f"{trace_id:016x} dd.span_id=" in stack.thinker.log()
    assert "dd.service=thinker-microservice" in stack.thinker.log()
