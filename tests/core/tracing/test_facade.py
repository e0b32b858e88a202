"""core/tracing/__init__.py: one facade, its backend chosen once at configure time."""

import sys
from collections.abc import Iterator

import pytest
from ddtrace.trace import tracer
from django.apps import apps

from core import tracing
from core.tracing.backend import Untraced
from core.tracing.dd import Ddtrace
from core.tracing.otel import OpenTelemetry


@pytest.fixture
def unconfigured() -> Iterator[None]:
    tracing._backend = None
    yield
    apps.get_app_config("core").ready()  # the test settings' own configuration, as Django made it


@pytest.mark.usefixtures("unconfigured")
def test_before_configure_the_facade_says_so_instead_of_guessing_a_tracer():
    with pytest.raises(RuntimeError, match="configure"):
        tracing.current_trace_id()
    assert tracing.log_ids() is None  # a log line may come before Django loads the apps


@pytest.mark.usefixtures("unconfigured")
@pytest.mark.parametrize(("name", "backend"), [("ddtrace", Ddtrace), ("otel", OpenTelemetry)])
def test_configure_picks_the_backend_that_every_call_then_goes_to(name, backend):
    # Without the launcher's variable the OpenTelemetry SDK stays unset, as for a management command.
    tracing.configure(tracer=name, service_name="thinker-api", continue_incoming=False, untraced_paths=("/healthz",))
    assert isinstance(tracing._backend, backend)
    assert tracing.current_trace_id() is None  # outside any span


@pytest.mark.usefixtures("unconfigured")
def test_a_process_not_started_under_ddtrace_imports_no_tracer_and_its_spans_do_nothing(monkeypatch):
    # A management command (migrate, collectstatic): ddtrace-run would have imported ddtrace before Django.
    with monkeypatch.context() as patched:  # undone before `unconfigured` configures the test settings' tracer again
        patched.delitem(sys.modules, "ddtrace")
        tracing.configure(tracer="ddtrace", service_name="thinker-api", continue_incoming=False, untraced_paths=())
        assert "ddtrace" not in sys.modules
    assert isinstance(tracing._backend, Untraced)
    headers: dict[str, str] = {}
    with tracing.span("think", subject="war") as span, tracing.continued_from({"x-datadog-trace-id": "1"}):
        span.set_tag("think.cache_hit", "false")
        tracing.inject_headers(headers)
        assert tracing.current_trace_id() is None
    assert headers == {}


def test_under_ddtrace_the_facades_span_is_ddtraces_with_its_tags():
    with tracer.trace("request") as root, tracing.span("think", subject="war") as span:
        assert tracing.current_trace_id() == root.trace_id & tracing.LOW_64_BITS
        headers: dict[str, str] = {}
        tracing.inject_headers(headers)
    assert span.get_tag("subject") == "war" and span.parent_id == root.span_id
    assert headers["x-datadog-parent-id"] == str(span.span_id)
