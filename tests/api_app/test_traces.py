"""The trace page: reads the test agent's HTTP API (a stub serving spans here), staff only unless TRACE_PAGES_OPEN."""

import pytest

from api_app.traces import trace_get
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


@pytest.fixture
def trace_store(settings):
    stub = StubServer(respond=lambda request: json_reply(SPANS)).start()
    settings.TRACE_STORE_URL = stub.url
    yield stub
    stub.stop()


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
