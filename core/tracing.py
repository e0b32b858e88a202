"""The project's one place for tracing code: what ddtrace-run, tracing.env and the OTel SDK cannot say.

Our code traces through the functions below (`span`, `current_trace_id`, `inject_headers`,
`continued_from`), never a tracer itself, so either tracer can run a service (`settings.TRACER`,
core/tracers.py): ddtrace's side is here, the OpenTelemetry SDK's in core/otel.py.
"""

import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Protocol
from urllib.parse import urlsplit

from ddtrace import config
from ddtrace.propagation.http import HTTPPropagator
from ddtrace.trace import Span, TraceFilter, tracer
from django.conf import settings

from core.health import UNTRACED_PATH_PREFIXES
from core.otlp_spans import LOW_64_BITS


class SpanTags(Protocol):
    def set_tag(self, key: str, value: str) -> None: ...


def _otel() -> bool:
    return settings.TRACER == "otel"


@contextmanager
def span(name: str, **tags: str) -> Iterator[SpanTags]:
    """A span of our own around a block (the workshop's `think`), child of the current one, with `tags`,
    marked failed with the exception if the block raises."""
    if _otel():
        from core import otel

        with otel.span(name, tags) as otel_span:
            yield otel_span
        return
    with tracer.trace(name) as dd_span:
        for key, value in tags.items():
            dd_span.set_tag(key, value)
        yield dd_span


def current_trace_id() -> int | None:
    """The current trace's id as the agent stores it (its low 64 bits), or None outside a trace."""
    if _otel():
        from core import otel

        return otel.current_trace_id()
    root = tracer.current_root_span()
    return None if root is None else root.trace_id & LOW_64_BITS


def inject_headers(headers: MutableMapping[str, str]) -> None:
    """Write the current span's trace headers into `headers`: ddtrace's (x-datadog-*, W3C traceparent and
    tracestate), or the OpenTelemetry SDK's (W3C). Both tracers read W3C's."""
    if _otel():
        from core import otel

        otel.inject_headers(headers)
        return
    current = tracer.current_span()
    if current is not None:
        HTTPPropagator.inject(current.context, headers)  # type: ignore[arg-type]  # it only sets items


@contextmanager
def continued_from(headers: Mapping[str, str]) -> Iterator[None]:
    """Within the block, the trace `headers` carry is the current one; after it, none (the next request
    on this thread starts clean)."""
    if _otel():
        from core import otel

        with otel.continued_from(headers):
            yield
        return
    tracer.context_provider.activate(HTTPPropagator.extract(dict(headers)))
    try:
        yield
    finally:
        tracer.context_provider.activate(None)


# Redis commands whose arguments after the key are the cached value.
_VALUE_WRITING_COMMANDS = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "MSET", "APPEND"}


class DropCachedValues(TraceFilter):
    """Keep memoized values out of `redis.raw_command`: the key shows, the value does not.

    ddtrace puts the whole command in that tag (DD_REDIS_RESOURCE_ONLY_COMMAND shortens only the
    resource, DD_REDIS_CMD_MAX_LENGTH only truncates), so a SET would carry the cached thought.
    """

    def process_trace(self, trace: list[Span]) -> list[Span]:
        for span in trace:
            if span.span_type != "redis":
                continue
            raw = span.get_tag("redis.raw_command")
            if not raw:
                continue
            command, _, rest = raw.partition(" ")
            if command.upper() in _VALUE_WRITING_COMMANDS:
                key = rest.partition(" ")[0]
                span.set_tag("redis.raw_command", f"{command} {key} ?")
        return trace


class DropOwnTraffic(TraceFilter):
    """Drop the traces of health checks (polled every few seconds) and of the trace page (reading traces
    would add a trace per look): they would bury the workshop's traces."""

    def process_trace(self, trace: list[Span]) -> list[Span] | None:
        for span in trace:
            if span.name == "django.request" and urlsplit(span.get_tag("http.url") or "").path.startswith(
                UNTRACED_PATH_PREFIXES
            ):
                return None
        return trace


def configure_tracing() -> None:
    """Set up this service's tracer (called once, when Django loads the apps: core/apps.py)."""
    from core.propagation import continues_incoming_automatically

    if _otel():
        from core import otel
        from core.traced import SDK_VARIABLE

        # Started by core.traced (a service, not a management command): set the SDK up. Otherwise the
        # OpenTelemetry API makes no spans, as ddtrace makes none without ddtrace-run.
        if os.environ.get(SDK_VARIABLE):
            otel.configure(continue_incoming=continues_incoming_automatically())
        return
    tracer.configure(trace_processors=[DropOwnTraffic(), DropCachedValues()])
    # The seed's warning: our trace headers go only to infrastructure we own. ddtrace's requests
    # integration has no per-session switch, so it injects nowhere and the thinker client injects
    # for itself (api_app/thinker_client.py).
    config.requests["distributed_tracing"] = False
    # Read per request: whether ddtrace continues an incoming trace (core/propagation.py says when).
    config.django["distributed_tracing_enabled"] = continues_incoming_automatically()
