"""ddtrace's side of the facade, for a service started under ddtrace-run (the default, as the workshop runs it)."""

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from urllib.parse import urlsplit

from ddtrace import config
from ddtrace.propagation.http import HTTPPropagator
from ddtrace.trace import Span, TraceFilter, tracer

from core.tracing.backend import LOW_64_BITS, SpanTags

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
    """Drop the traces of requests about the system rather than of it: health checks (polled every few seconds)
    and the API's trace pages (reading traces would add a trace per look). They would bury the workshop's traces."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)

    def process_trace(self, trace: list[Span]) -> list[Span] | None:
        for span in trace:
            if span.name == "django.request" and urlsplit(span.get_tag("http.url") or "").path.startswith(self.paths):
                return None
        return trace


class DropStrayCalls(TraceFilter):
    """Drop the traces that start with a Redis command or a database query, outside any request or task: Celery's
    broker upkeep (step 6's worker polls its queue, restores unacknowledged tasks, answers pings: a trace every
    second or so) and each start's own queries (runserver's check for unapplied migrations: ten one-span traces).
    A user's calls always come under a request or a task. (The OpenTelemetry SDK's side: otel.py's.)"""

    def process_trace(self, trace: list[Span]) -> list[Span] | None:
        for span in trace:
            if span.parent_id is None and span.span_type in ("redis", "sql"):
                return None
        return trace


class Ddtrace:
    """The facade's backend under ddtrace-run (core.tracing.backend.Backend)."""

    def configure(self, *, service_name: str, continue_incoming: bool, untraced_paths: Sequence[str]) -> None:
        # ddtrace-run names the service from DD_SERVICE, which the launcher defaults to `service_name`.
        tracer.configure(trace_processors=[DropOwnTraffic(untraced_paths), DropStrayCalls(), DropCachedValues()])
        # The seed's warning: our trace headers go only to infrastructure we own. ddtrace's requests
        # integration has no per-session switch, so it injects nowhere and the thinker client injects
        # for itself (api_app/thinker_client.py).
        config.requests["distributed_tracing"] = False
        # Read per request: whether ddtrace's Django integration continues an incoming trace.
        config.django["distributed_tracing_enabled"] = continue_incoming

    @contextmanager
    def span(self, name: str, tags: Mapping[str, str]) -> Iterator[SpanTags]:
        with tracer.trace(name) as dd_span:
            for key, value in tags.items():
                dd_span.set_tag(key, value)
            yield dd_span

    def current_trace_id(self) -> int | None:
        root = tracer.current_root_span()
        return None if root is None else root.trace_id & LOW_64_BITS

    def inject_headers(self, headers: MutableMapping[str, str]) -> None:
        current = tracer.current_span()
        if current is not None:
            HTTPPropagator.inject(current.context, headers)  # type: ignore[arg-type]  # it only sets items

    @contextmanager
    def continued_from(self, headers: Mapping[str, str]) -> Iterator[None]:
        tracer.context_provider.activate(HTTPPropagator.extract(dict(headers)))
        try:
            yield
        finally:
            tracer.context_provider.activate(None)

    def log_ids(self) -> tuple[str, str] | None:
        return None  # ddtrace's log injection (DD_LOGS_INJECTION) adds them itself
