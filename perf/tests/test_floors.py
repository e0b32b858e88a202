"""The bench's traced floor, which `make bench` measures beside ours, must make the workshop's whole hit trace.

The Django floor: each service's framework choices and ddtrace's default spans, the yardstick of ours
(perf/BENCHMARKS.md).
"""

import ast
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from api_app.traces import is_framework_span
from harness.processes import Stack, TraceAgent, think, wait_until
from harness.spans import Span, dump, parent_past_framework
from perf.boots import DJANGO_FLOOR, boot_django_floor
from tests.conftest import thinker_settings

FLOORS: dict[str, tuple[Callable[..., Stack], str]] = {
    # service prefix: (boot, the request spans' name)
    "django-floor": (boot_django_floor, "django.request"),
}


@pytest.fixture(scope="module", params=list(FLOORS))
def floor(
    request: pytest.FixtureRequest, e2e_logs: Path, redis_url: str, trace_agent: TraceAgent
) -> Iterator[tuple[str, Stack]]:
    boot, _ = FLOORS[request.param]
    stack = boot(e2e_logs, redis_url, trace_agent.url)
    yield request.param, stack
    stack.kill()


def floor_trace(agent: TraceAgent, subject: str, api_service: str) -> list[Span]:
    """The trace whose `think` span carries `subject`, once the API's root span has arrived too."""

    def trace() -> list[Span] | None:
        for spans in agent.traces():
            if any(s["name"] == "think" and s["meta"].get("subject") == subject for s in spans) and any(
                s["service"] == api_service for s in spans
            ):
                return spans
        return None

    return wait_until(trace, timeout=15, what=f"{api_service}'s trace for {subject!r}", interval=0.2)


def test_each_floor_answers_a_hit_with_the_workshops_spans_and_ddtraces_view_spans_in_one_trace(floor, trace_agent):
    name, stack = floor
    subject = f"floor-{secrets.token_hex(4)}"
    response = think(stack, subject)
    assert response.status_code == 200
    assert response.json()["author"] == "Agatha Christie"

    spans = floor_trace(trace_agent, subject, f"{name}-api")
    request_span = FLOORS[name][1]
    chain = [
        (f"{name}-api", request_span),
        ("requests", "requests.request"),
        (f"{name}-thinker", request_span),
        (f"{name}-thinker", "think"),
        ("redis", "redis.command"),
    ]
    # The workshop's five spans, each under the one before once ddtrace's view spans are folded, as ours.
    own = [span for span in spans if not is_framework_span(span)]
    assert len(own) == len(chain), dump(spans)
    by_parent = {parent_past_framework(spans, span): span for span in own}
    parent_id = 0
    for service, span_name in chain:  # each span is the only child of the one before
        span = by_parent[parent_id]
        assert (span["service"], span["name"]) == (service, span_name), dump(spans)
        parent_id = span["span_id"]
    views = [(s["service"], s["name"]) for s in spans if is_framework_span(s)]
    view_names = ["django.view", "django.view", "django.view.setup", "django.view.dispatch", "django.view.get"]
    assert sorted(views) == sorted((f"{name}-{side}", view) for side in ("api", "thinker") for view in view_names)
    assert span["resource"] == "GET", dump(spans)  # the Redis span: one read, the memo
    assert not any(span["error"] for span in spans), dump(spans)
    thinker_request = next(s for s in spans if s["service"] == f"{name}-thinker" and s["name"] == request_span)
    assert thinker_request["meta"]["http.status_code"] == "200", dump(spans)


def floor_literals() -> dict[str, object]:
    """The floor's module-level literals (API_APPS, API_MIDDLEWARE, THINKER_MIDDLEWARE, REST_FRAMEWORK), read without
    running it: it configures Django for itself, apart from our settings, as a floor must."""
    tree = ast.parse((DJANGO_FLOOR / "wsgi.py").read_text())
    return {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
        and target.id in {"API_APPS", "API_MIDDLEWARE", "THINKER_MIDDLEWARE", "REST_FRAMEWORK"}
    }


def test_the_floor_makes_the_framework_choices_our_services_make(settings):
    """The yardstick holds only while it stays our framework choices: Django's apps and middleware, DRF's policy."""
    floor = floor_literals()
    assert floor["API_APPS"] == [app for app in settings.INSTALLED_APPS if app.startswith("django.contrib.")]
    assert floor["API_MIDDLEWARE"] == [name for name in settings.MIDDLEWARE if not name.startswith("api_app.")]
    assert floor["THINKER_MIDDLEWARE"] == thinker_settings()["MIDDLEWARE"]
    ours = dict(settings.REST_FRAMEWORK)
    # Our error shape and drf-spectacular's schema class are our code and the schema's, which a hit does not run.
    for key in ("EXCEPTION_HANDLER", "DEFAULT_SCHEMA_CLASS"):
        ours.pop(key)
    assert floor["REST_FRAMEWORK"] == ours
