"""The trace page: reads the test agent's HTTP API (a stub serving spans here, and the agent itself for what it keeps
of a client's malformed spans), staff only unless TRACE_PAGES_OPEN."""

import base64
import logging

import pytest
import requests
from django.test import override_settings

from api_app.traces import sampling_of, trace_get
from harness.processes import start_trace_agent
from tests.conftest import closed_port
from tests.stubs import StubServer, json_reply

# Ids above 2**53: a JavaScript number would round them.
TRACE_ID = 9007199254740993123
API_ROOT, HOP, THINKER_ROOT, THINK = 18446744073709551557, 9007199254740993001, 9007199254740993002, 9007199254740993003


def span(span_id, parent_id, service, name, start, duration, **meta):
    return {
        "trace_id": TRACE_ID, "span_id": span_id, "parent_id": parent_id, "service": service, "name": name,
        "resource": name, "start": start, "duration": duration, "error": 1 if "error.type" in meta else 0,
        "meta": meta, "metrics": {},
    }  # fmt: skip


SPANS = [
    # Each process sends its own chunk, the thinker's first.
    [
        span(THINKER_ROOT, HOP, "thinker-microservice", "django.request", 1_100, 800),
        span(THINK, THINKER_ROOT, "thinker-microservice", "think", 1_200, 600, subject="war",
             **{"think.cache_hit": "false", "error.type": "ThinkingFailed", "error.message": "no", "error.stack": "Traceback: boom"}),
    ],
    [
        span(API_ROOT, 0, "thinker-api", "django.request", 1_000, 1_000),
        span(HOP, API_ROOT, "requests", "requests.request", 1_050, 900),
    ],
]  # fmt: skip


def otlp_span(span_id, parent_id, name, kind, start, duration, **attributes):
    """A span as the test agent returns OTLP ones: base64 ids, typed attributes."""

    def b64(value, size):
        return base64.b64encode(value.to_bytes(size, "big")).decode()

    return {
        "trace_id": b64((0xABCDEF << 64) | TRACE_ID, 16), "span_id": b64(span_id, 8),
        **({"parent_span_id": b64(parent_id, 8)} if parent_id else {}),
        "name": name, "kind": f"SPAN_KIND_{kind}",
        "start_time_unix_nano": str(start), "end_time_unix_nano": str(start + duration),
        "attributes": [{"key": k, "value": {"string_value": v}} for k, v in attributes.items()], "status": {},
    }  # fmt: skip


# The same trace with an OpenTelemetry thinker: its spans come from the test agent's OTLP port.
OTLP_THINKER = [
    {
        "resource_spans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"string_value": "thinker-microservice"}}]
                },
                "scope_spans": [
                    {
                        "spans": [
                            otlp_span(THINKER_ROOT, HOP, "GET think", "SERVER", 1_100, 800),
                            otlp_span(THINK, THINKER_ROOT, "think", "INTERNAL", 1_200, 600, subject="war"),
                        ]
                    }
                ],
            }
        ]
    }
]


def serve(ddtrace_spans, otlp_payloads):
    """The test agent's two stores: ddtrace's at /test/traces, OpenTelemetry's at /test/session/traces."""
    return lambda request: json_reply(otlp_payloads if request.path == "/test/session/traces" else ddtrace_spans)


@pytest.fixture
def trace_store(settings):
    stub = StubServer(respond=serve(SPANS, [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    yield stub
    stub.stop()


def test_a_mixed_trace_is_one_tree_and_each_span_says_its_tracer(settings):
    stub = StubServer(respond=serve([SPANS[1]], OTLP_THINKER)).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        trace = trace_get(trace_id=TRACE_ID)
    finally:
        stub.stop()
    assert [(row.span["name"], row.depth, row.tracer) for row in trace.rows] == [
        ("django.request", 0, "ddtrace"),
        ("requests.request", 1, "ddtrace"),
        ("GET think", 2, "otel"),
        ("think", 3, "otel"),
    ]
    assert trace.mixed
    assert trace.rows[3].span["meta"]["subject"] == "war"


@pytest.mark.usefixtures("trace_store")
def test_a_trace_is_one_tree_across_services_on_one_time_axis():
    trace = trace_get(trace_id=TRACE_ID)
    assert [(row.span["name"], row.depth) for row in trace.rows] == [
        ("django.request", 0),
        ("requests.request", 1),
        ("django.request", 2),
        ("think", 3),
    ]
    assert [round(row.offset_pct) for row in trace.rows] == [0, 5, 10, 20]
    assert [round(row.width_pct) for row in trace.rows] == [100, 90, 80, 60]
    assert trace.root["span_id"] == API_ROOT
    assert trace.error and trace.cache == "miss"


@pytest.mark.django_db
def test_the_trace_page_needs_a_staff_login(client, trace_store):
    response = client.get(f"/traces/{TRACE_ID}/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert trace_store.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", [f"/traces/{TRACE_ID}/", "/traces/"])
def test_where_trace_pages_are_open_anyone_reads_them_with_no_login(client, trace_store, settings, path):
    settings.TRACE_PAGES_OPEN = True
    response = client.get(path)
    assert response.status_code == 200
    assert trace_store.requests and "cache miss" in response.content.decode()


@pytest.mark.django_db
def test_the_trace_page_draws_the_waterfall_with_exact_ids_and_the_error(admin_client, trace_store):
    html = admin_client.get(f"/traces/{TRACE_ID}/").content.decode()
    assert trace_store.requests[0].query == {"trace_ids": [str(TRACE_ID)]}
    assert f'data-span-id="{API_ROOT}"' in html and f'data-parent-id="{HOP}"' in html
    assert f"trace {TRACE_ID}" in html
    assert "cache miss" in html
    assert "ThinkingFailed" in html and "Traceback: boom" in html


@pytest.mark.django_db
def test_the_trace_list_shows_each_trace_with_its_services(admin_client, trace_store):
    html = admin_client.get("/traces/").content.decode()
    assert f'data-trace-id="{TRACE_ID}"' in html
    assert "thinker-api" in html and "thinker-microservice" in html
    assert "badge error" in html


@pytest.mark.django_db
def test_without_a_test_agent_the_page_says_why(admin_client, settings):
    settings.TRACE_STORE_URL = f"http://127.0.0.1:{closed_port()}"
    html = admin_client.get("/traces/").content.decode()
    assert 'id="unavailable"' in html
    assert "a real Datadog agent keeps no traces" in html


@pytest.mark.django_db
def test_a_trace_not_yet_sent_says_so(admin_client, settings):
    stub = StubServer(respond=lambda request: json_reply([])).start()
    settings.TRACE_STORE_URL = stub.url
    try:
        assert 'id="not-yet"' in admin_client.get("/traces/42/").content.decode()
    finally:
        stub.stop()


@pytest.mark.django_db
@pytest.mark.parametrize("trace_id", ["0", str(2**64), "9" * 40])
def test_a_trace_id_no_trace_can_have_is_not_found(admin_client, settings, trace_id):
    stub = StubServer(respond=lambda request: json_reply([])).start()
    settings.TRACE_STORE_URL = stub.url
    try:
        response = admin_client.get(f"/traces/{trace_id}/")
    finally:
        stub.stop()
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert stub.requests == []  # nothing to ask the agent about


@pytest.mark.django_db
def test_the_page_of_a_mixed_trace_names_each_rows_tracer(admin_client, settings):
    stub = StubServer(respond=serve([SPANS[1]], OTLP_THINKER)).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        html = admin_client.get(f"/traces/{TRACE_ID}/").content.decode()
    finally:
        stub.stop()
    assert html.count('<span class="badge tracer"') == 4
    assert html.count('traced by <span class="tracer">otel</span>') == 2
    assert html.count('traced by <span class="tracer">ddtrace</span>') == 2


VIEW, VIEW_CLASS, DISPATCH, GET = 7001, 7002, 7003, 7004
# The API's part of a trace as ddtrace's Django integration makes it for a DRF view: its view spans between the
# request and the HTTP hop, the last of them marked failed (a 400's ValidationError, as ddtrace records it).
WITH_VIEW_SPANS = [
    span(API_ROOT, 0, "thinker-api", "django.request", 1_000, 1_000),
    span(VIEW, API_ROOT, "thinker-api", "django.view", 1_010, 980),
    span(VIEW_CLASS, VIEW, "thinker-api", "django.view", 1_020, 960),
    span(DISPATCH, VIEW_CLASS, "thinker-api", "django.view.dispatch", 1_030, 940),
    span(GET, DISPATCH, "thinker-api", "django.view.get", 1_040, 920, **{"error.type": "ValidationError"}),
    span(HOP, GET, "requests", "requests.request", 1_050, 900),
]


def test_the_framework_spans_keep_their_rows_and_fold_under_their_request(settings):
    stub = StubServer(respond=serve([WITH_VIEW_SPANS], [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        trace = trace_get(trace_id=TRACE_ID)
    finally:
        stub.stop()
    assert [(row.span["name"], row.depth, row.folded_depth, row.folded_under) for row in trace.rows] == [
        ("django.request", 0, 0, ""),
        ("django.view", 1, 0, str(API_ROOT)),
        ("django.view", 2, 0, str(API_ROOT)),
        ("django.view.dispatch", 3, 0, str(API_ROOT)),
        ("django.view.get", 4, 0, str(API_ROOT)),
        ("requests.request", 5, 1, ""),
    ]
    request_row = trace.rows[0]
    assert [row.span_id for row in request_row.folds] == [str(span_id) for span_id in (VIEW, VIEW_CLASS, DISPATCH, GET)]
    assert request_row.folds_error and not request_row.error


@pytest.mark.django_db
def test_the_trace_page_draws_folded_rows_hidden_behind_a_button_on_their_request(admin_client, settings):
    stub = StubServer(respond=serve([WITH_VIEW_SPANS], [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        html = admin_client.get(f"/traces/{TRACE_ID}/").content.decode()
    finally:
        stub.stop()
    assert f'data-unfolds="{API_ROOT}"' in html and "+4 framework spans" in html
    assert html.count(f'data-folded-under="{API_ROOT}" hidden') == 4


def decided(span_: dict, priority: float, maker: str) -> dict:
    """`span_` with ddtrace's sampling tags, as measured: a rule's keep is 2, its drop -1, the default's keep 1."""
    return {**span_, "metrics": {"_sampling_priority_v1": priority}, "meta": {**span_["meta"], "_dd.p.dm": maker}}


@pytest.mark.parametrize(
    ("priority", "maker", "said"),
    [
        (2.0, "-3", "kept by a sampling rule"),
        (-1.0, "-3", "dropped by a sampling rule"),
        (1.0, "-0", "kept by the tracer's default rate"),
        (0.0, "-1", "dropped by the agent's rate"),
        (2.0, "-4", "kept by a manual decision in code"),
    ],
)
def test_a_traces_sampling_decision_is_read_from_its_spans_own_tags(priority, maker, said):
    api_root, thinker_root = SPANS[1][0], SPANS[0][0]
    spans = [decided(thinker_root, priority, maker), decided(api_root, priority, maker)]
    assert str(sampling_of(spans)) == said


def test_a_trace_whose_services_decided_apart_says_it_is_split():
    spans = [decided(SPANS[1][0], 2.0, "-3"), decided(SPANS[0][0], -1.0, "-3")]
    assert sampling_of(spans).split
    assert str(sampling_of(spans)) == "kept by a sampling rule (split between services!)"  # the root's decision


def test_a_trace_of_opentelemetry_spans_alone_was_kept_by_its_sdk():
    assert str(sampling_of([SPANS[1][0]])) == "kept by the OpenTelemetry SDK's sampler"


@pytest.mark.django_db
def test_the_trace_list_says_each_decision_and_filters_to_the_kept(admin_client, settings):
    kept = [decided(span_, 2.0, "-3") for chunk in SPANS for span_ in chunk]
    dropped = [{**decided(span_, -1.0, "-3"), "trace_id": TRACE_ID + 1} for chunk in SPANS for span_ in chunk]
    stub = StubServer(respond=serve([kept, dropped], [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        everything = admin_client.get("/traces/").content.decode()
        kept_only = admin_client.get("/traces/?kept=1").content.decode()
        page = admin_client.get(f"/traces/{TRACE_ID}/").content.decode()
    finally:
        stub.stop()
    assert f'data-trace-id="{TRACE_ID + 1}"' in everything and "dropped by a sampling rule" in everything
    assert f'data-trace-id="{TRACE_ID}"' in kept_only and f'data-trace-id="{TRACE_ID + 1}"' not in kept_only
    assert "kept by a sampling rule" in page


# An admin edit in step 6: the API answers at 1_000 + 400, the worker's task runs on to 3_000.
TASK, RETHINK = 9007199254740993010, 9007199254740993011
EDIT_SPANS = [
    [
        span(API_ROOT, 0, "thinker-api", "django.request", 1_000, 400),
        span(HOP, API_ROOT, "thinker-api", "celery.apply", 1_300, 50, **{"span.kind": "producer"}),
    ],
    [
        span(TASK, HOP, "thinker-worker", "celery.run", 1_500, 1_500, **{"span.kind": "consumer"}),
        span(RETHINK, TASK, "thinker-worker", "think", 1_600, 1_300, subject="war"),
    ],
]


def test_a_trace_that_goes_on_after_its_request_answered_marks_the_answer(admin_client, settings):
    stub = StubServer(respond=serve(EDIT_SPANS, [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        trace = trace_get(trace_id=TRACE_ID)
        html = admin_client.get(f"/traces/{TRACE_ID}/").content.decode()
    finally:
        stub.stop()
    assert [(row.span["name"], row.depth) for row in trace.rows] == [
        ("django.request", 0), ("celery.apply", 1), ("celery.run", 2), ("think", 3),
    ]  # fmt: skip
    assert trace.answered_pct == pytest.approx(20.0) and trace.after_answer_ms == pytest.approx(0.0016)
    assert 'id="answered" style="left: 20.000%"' in html and "ms after the answer" in html


@pytest.mark.usefixtures("trace_store")
def test_a_trace_that_ends_with_its_request_has_no_answer_mark(admin_client):
    assert trace_get(trace_id=TRACE_ID).answered_pct is None
    assert 'id="answered"' not in admin_client.get(f"/traces/{TRACE_ID}/").content.decode()


@pytest.fixture(scope="module")
def real_agent(tmp_path_factory):
    """Datadog's test agent itself: it keeps what a client sends, checking the ids and tags but not the times."""
    agent = start_trace_agent(tmp_path_factory.mktemp("agent"))
    yield agent
    agent.process.kill()


def test_spans_a_client_sent_malformed_are_left_out_and_both_pages_still_answer(client, settings, real_agent, caplog):
    settings.TRACE_STORE_URL, settings.TRACE_STORE_OTLP_URL = real_agent.url, real_agent.otlp_url
    settings.TRACE_PAGES_OPEN = True
    no_start, string_duration = TRACE_ID + 1, TRACE_ID + 2
    without_start = {**span(11, 0, "x", "bad", 0, 5), "trace_id": no_start}
    del without_start["start"]
    sent = [
        SPANS[1],
        [{**span(12, 0, "x", "bad", 0, 5), "trace_id": string_duration, "duration": "abc"}],
        [without_start],
    ]
    assert requests.put(f"{real_agent.url}/v0.4/traces", json=sent, timeout=5).ok

    with caplog.at_level(logging.WARNING, logger="api_app.traces"):
        listed = client.get("/traces/")
    assert listed.status_code == 200
    assert str(TRACE_ID) in listed.content.decode()
    assert "Left out 2 of the test agent's spans that the trace pages cannot draw" in caplog.text
    for trace_id in (TRACE_ID, no_start, string_duration):
        assert client.get(f"/traces/{trace_id}/").status_code == 200


def test_a_span_id_sent_twice_one_its_own_parent_is_drawn_once_not_for_ever():
    # The test agent itself hangs on such a payload, so a stub serves it.
    loop = [{**span(13, 0, "x", "root", 0, 5)}, {**span(13, 13, "x", "again", 1, 2)}]
    stub = StubServer(respond=serve([loop], [])).start()
    try:
        with override_settings(TRACE_STORE_URL=stub.url, TRACE_STORE_OTLP_URL=stub.url):
            trace = trace_get(trace_id=TRACE_ID)
    finally:
        stub.stop()
    assert trace is not None and [row.span["name"] for row in trace.rows] == ["root", "again"]


@pytest.mark.parametrize("limit", ["0", "501", "ten", "-1", "2.5", "\u0663"])
def test_a_list_limit_that_is_no_count_of_traces_is_a_400_saying_what_it_takes(admin_client, trace_store, limit):
    response = admin_client.get("/traces/", {"limit": limit})
    assert response.status_code == 400
    assert response.json()["detail"] == "limit is how many traces to list: a whole number from 1 to 500."


def test_the_list_shows_as_many_traces_as_its_limit_newest_first(admin_client, settings):
    older = [{**s, "trace_id": TRACE_ID - 1, "start": s["start"] - 500} for s in SPANS[1]]
    stub = StubServer(respond=serve([older, *SPANS], [])).start()
    settings.TRACE_STORE_URL = settings.TRACE_STORE_OTLP_URL = stub.url
    try:
        one, both = (admin_client.get("/traces/", {"limit": limit}).content.decode() for limit in ("1", "2"))
    finally:
        stub.stop()
    assert str(TRACE_ID) in one and str(TRACE_ID - 1) not in one
    assert str(TRACE_ID) in both and str(TRACE_ID - 1) in both
