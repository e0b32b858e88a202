"""The project's one place for tracing code: what ddtrace-run, tracing.env and the OpenTelemetry SDK cannot say.

Our code traces through the functions below, never a tracer itself, so either tracer can run a service.
`configure` chooses the backend once, when Django loads the apps (core/apps.py), from `settings.TRACER`:
ddtrace's (dd.py, the process started under ddtrace-run) or the OpenTelemetry SDK's (otel.py). The launcher,
`python -m core.tracing.launch`, starts a service under its tracer (launch.py); propagation.py is what each workshop
step does with trace headers.
"""

import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager

from core.service import Tracer
from core.tracing.backend import LOW_64_BITS, Backend, SpanTags, Untraced

__all__ = ["LOW_64_BITS", "SpanTags", "configure", "continued_from", "current_trace_id", "inject_headers", "span"]

_backend: Backend | None = None


def configure(*, tracer: Tracer, service_name: str, continue_incoming: bool, untraced_paths: Sequence[str]) -> None:
    """Choose and set up this process's backend: `service_name` in traces; `continue_incoming`, whether the web
    framework's integration continues callers' traces; `untraced_paths`, request paths whose traces are dropped."""
    global _backend
    if tracer == "otel":
        from core.tracing.otel import OpenTelemetry

        _backend = OpenTelemetry()
    elif "ddtrace" not in sys.modules:
        # Not started under ddtrace-run (a management command: migrate, collectstatic, shell): nothing traces this
        # process, and importing ddtrace here would cost it a second and about 45 MB for nothing.
        _backend = Untraced()
    else:
        from core.tracing.dd import Ddtrace

        _backend = Ddtrace()
    _backend.configure(service_name=service_name, continue_incoming=continue_incoming, untraced_paths=untraced_paths)


def _current() -> Backend:
    if _backend is None:
        raise RuntimeError("core.tracing.configure() has not run: the core app configures it (core/apps.py).")
    return _backend


@contextmanager
def span(name: str, **tags: str) -> Iterator[SpanTags]:
    """A span of our own around a block (the workshop's `think`), child of the current one, with `tags`,
    marked failed with the exception if the block raises."""
    with _current().span(name, tags) as current:
        yield current


def current_trace_id() -> int | None:
    """The current trace's id as the agent stores it (its low 64 bits), or None outside a trace."""
    return _current().current_trace_id()


def inject_headers(headers: MutableMapping[str, str]) -> None:
    """Write the current span's trace headers into `headers`: ddtrace's (x-datadog-*, W3C traceparent and
    tracestate), or the OpenTelemetry SDK's (W3C). Both tracers read W3C's."""
    _current().inject_headers(headers)


@contextmanager
def continued_from(headers: Mapping[str, str]) -> Iterator[None]:
    """Within the block, the trace `headers` carry is the current one; after it, none (the next request
    on this thread starts clean)."""
    with _current().continued_from(headers):
        yield


def log_ids() -> tuple[str, str] | None:
    """The current trace and span ids for a log line where the tracer does not add them (OpenTelemetry), else None."""
    return None if _backend is None else _backend.log_ids()
