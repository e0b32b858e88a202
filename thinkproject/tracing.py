"""The project's one place for tracing code: what ddtrace-run and tracing.env cannot say."""
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from ddtrace import config
from ddtrace.propagation.http import HTTPPropagator
from ddtrace.trace import Span, TraceFilter, tracer
from django.conf import settings
from django.views import View
from wrapt import BaseObjectProxy

from thinkproject.health import UNTRACED_PATH_PREFIXES

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

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
    """Set up ddtrace's global tracer for this service (called once, when Django loads the apps)."""
    tracer.configure(trace_processors=[DropOwnTraffic(), DropCachedValues()])
    # The seed's warning: our trace headers go only to infrastructure we own. ddtrace's requests
    # integration has no per-session switch, so it injects nowhere and the thinker client injects
    # for itself (api_app/thinker_client.py).
    config.requests["distributed_tracing"] = False
    # ddtrace continues an incoming trace only in the thinker (callers are ours) and only in `auto`;
    # in `manual` the thinker does it itself (continue_trace_from_headers). Read per request.
    config.django["distributed_tracing_enabled"] = (
        settings.TRACE_CONTINUE_INCOMING and settings.TRACE_PROPAGATION == "auto"
    )


def one_view_span(view_class: type[View], **initkwargs: Any) -> Callable[..., Any]:
    """`view_class.as_view()` traced as one `django.view` span named after the class.

    ddtrace wraps the view function twice (as_view, then path()) and every lifecycle method of
    every class in the view's MRO: a DRF view is five `django.view*` spans per request that teach
    nothing the request span does not; with Django's cache span they were a fifth of what tracing
    cost a cache hit (BENCHMARKS.md). This keeps as_view's span, drops path()'s (it skips what ddtrace already
    wrapped) and gives `view_class` the unwrapped methods; other views keep ddtrace's default.
    Without ddtrace it is the plain view.
    """
    view = view_class.as_view(**initkwargs)
    # DRF's as_view returns csrf_exempt(view): a plain wrapper around ddtrace's FunctionWrapper.
    inner = getattr(view, "__wrapped__", view)
    inner.csrf_exempt = getattr(view, "csrf_exempt", False)
    for name in (*view_class.http_method_names, "setup", "dispatch", "http_method_not_allowed"):
        method = next((vars(cls)[name] for cls in view_class.__mro__ if name in vars(cls)), None)
        if isinstance(method, BaseObjectProxy):
            setattr(view_class, name, method.__wrapped__)
    return inner


def inject_trace_headers(headers: dict[str, str] | Any) -> None:
    """Write the current span's trace headers (x-datadog-*, traceparent, ...) into `headers`."""
    span = tracer.current_span()
    if span is not None:
        HTTPPropagator.inject(span.context, headers)


def continue_trace_from_headers(app: WSGIApp) -> WSGIApp:
    """The seed's step 2 on the thinker's side: adopt the caller's trace from its headers.

    It runs around Django, not inside it: in a Django middleware the request span has already
    started a new trace, and assigning span.trace_id / span.parent_id as the Flask seed did makes
    ddtrace 4 drop the thinker's whole trace (both measured with ddtrace 4.16).
    """

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
        tracer.context_provider.activate(HTTPPropagator.extract(headers))
        try:
            return app(environ, start_response)
        finally:
            tracer.context_provider.activate(None)  # the next request on this thread starts clean

    return wsgi
