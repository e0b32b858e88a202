"""Errors in the trace: a failing or slow thinker shows in both services' spans and answers 502/504 JSON."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import requests

from harness.processes import ADMIN, admin_post, admin_session, stack_env, start_api, think
from harness.spans import api_root, by_name, dump, joined, thinker_requests
from tests.stubs import StubServer, json_reply


def test_a_subject_that_fails_to_think_is_a_502_and_an_error_in_both_services(stack, trace_agent):
    response = think(stack, "peace")
    assert response.status_code == 502
    assert response.json()["error"] == "thinker_unavailable"
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    (think_span,) = by_name(spans, "think")
    assert think_span["error"] == 1
    assert think_span["meta"]["error.type"].endswith("ThinkingFailed")
    assert "peace" in think_span["meta"]["error.message"]
    assert "raise ThinkingFailed" in think_span["meta"]["error.stack"]
    # Each service's request span is marked failed by its 5xx; ddtrace records the exception and its stack on the
    # view spans it raised through (DRF's dispatch and the view's get), as in any DRF app.
    thinker_root, root = thinker_requests(spans)[0], api_root(spans)
    assert (thinker_root["error"], root["error"]) == (1, 1), dump(spans)
    for service, error_type in (("thinker-microservice", "ThinkingFailed"), ("thinker-api", "ThinkerUnavailable")):
        views = [s for s in spans if s["service"] == service and s["name"] == "django.view.get"]
        assert [view["meta"].get("error.type", "").rpartition(".")[2] for view in views] == [error_type], dump(spans)
        assert error_type in views[0]["meta"]["error.stack"]


@pytest.mark.parametrize(
    "method, query, status, error",
    [("GET", "subject=", 400, "invalid_request"), ("POST", "subject=war", 405, "method_not_allowed")],
)
def test_a_client_error_answers_4xx_and_leaves_no_error_in_the_trace(stack, trace_agent, method, query, status, error):
    """A bad request is the caller's mistake: it must not count as an error of the service in Datadog."""
    response = requests.request(method, f"{stack.api_url}/think/?{query}", timeout=10)
    assert (response.status_code, response.json()["error"]) == (status, error)
    spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], lambda spans: bool(spans))
    root = api_root(spans)
    assert root["meta"]["http.status_code"] == str(status)
    assert root["error"] == 0 and not any(key.startswith("error.") for key in root["meta"]), dump(spans)


def test_the_thinker_answers_a_failure_as_json_without_a_stack_trace(stack):
    response = requests.get(f"{stack.thinker_url}/?subject=peace", timeout=10)
    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert "Traceback" not in response.text and "ThinkingFailed" not in response.text


@pytest.fixture
def slow_thinker() -> Iterator[StubServer]:
    stub = StubServer(
        respond=lambda request: json_reply({"id": 1, "quote": "q", "author": "a", "subject": "s"}, delay_seconds=3)
    ).start()
    yield stub
    stub.stop()


def test_a_thinker_slower_than_the_timeout_is_a_504_marked_in_the_trace(e2e_logs, redis_url, trace_agent, slow_thinker):
    common = stack_env(e2e_logs, redis_url, trace_agent.url, THINKER_TIMEOUT_SECONDS="0.3", GUNICORN_WORKERS="1")
    api_url, api = start_api(e2e_logs, common, slow_thinker.url)
    try:
        response = requests.get(f"{api_url}/think/?subject=war", timeout=10)
    finally:
        api.stop()
    assert response.status_code == 504
    assert response.json() == {"error": "thinker_timeout", "detail": "The thinker did not answer within 0.3 s."}
    spans = trace_agent.wait_for_trace(
        response.headers["X-Trace-Id"], lambda spans: bool(by_name(spans, "requests.request"))
    )
    (hop,) = by_name(spans, "requests.request")
    assert hop["error"] == 1 and "Timeout" in hop["meta"]["error.type"], dump(spans)
    assert api_root(spans)["error"] == 1


@contextmanager
def database_locked(database_url: str) -> Iterator[None]:
    """The stack's database held by another client: SQLite's whole file (BEGIN EXCLUSIVE), PostgreSQL's thought
    table (LOCK TABLE), released when the block ends."""
    holder: sqlite3.Connection | psycopg.Connection
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder = psycopg.connect(database_url)
        holder.execute("LOCK TABLE thinker_app_thought IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.database
def test_an_admin_save_while_the_database_is_locked_is_a_503_page_and_the_edit_can_be_saved_again(stack):
    """#44, 6: the save answered a raw JSON 500 in the admin's browser. The admin is HTML: its answer is a page
    that says nothing was saved and to try again; the API's own endpoints keep the JSON shape."""
    admin = admin_session(stack.api_url, *ADMIN)
    edit = {"quote": "War, saved once the lock is gone.", "author": "Agatha Christie", "subject": "war"}
    with database_locked(stack.env["DATABASE_URL"]):
        refused = admin_post(admin, stack.api_url, "/admin/thinker_app/thought/3/change/", edit)
    assert refused.status_code == 503 and refused.headers["Content-Type"].startswith("text/html"), refused.text[:300]
    assert "Nothing was saved" in refused.text and "Traceback" not in refused.text
    assert "War, saved once" not in think(stack, "war").text  # nothing saved, nothing memoized

    saved = admin_post(admin, stack.api_url, "/admin/thinker_app/thought/3/change/", edit)  # the same form again
    assert saved.status_code == 302
    assert "AttributeError" not in stack.api.log()
