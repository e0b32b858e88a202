"""One hand-made ddtrace request span around a WSGI app: the least a framework integration's request span does.

The span a framework integration would make: service from DD_SERVICE, type `web`, resource `GET <path>`,
the method, route and status tags, the caller's trace continued where the service is private. Used by
perf/tracer_floor and by perf/django_floor with ddtrace's Django integration switched off, so the bench
can show what that integration's request span costs beyond this one.
"""

from collections.abc import Callable, Iterable
from typing import Any

from ddtrace.propagation.http import HTTPPropagator
from ddtrace.trace import tracer

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def request_headers(environ: dict[str, Any]) -> dict[str, str]:
    return {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}


def traced(app: WSGIApp, *, continue_callers_trace: bool) -> WSGIApp:
    """`app` inside a request span; only a private service (`continue_callers_trace`) trusts trace headers.

    With tracing off (DD_TRACE_ENABLED=false), `app` itself, as ddtrace leaves its integrations unpatched then:
    the untraced twin must not pay for spans nobody sends.
    """
    if not tracer.enabled:
        return app

    def traced_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        context = HTTPPropagator.extract(request_headers(environ)) if continue_callers_trace else None
        tracer.context_provider.activate(context)
        path = environ.get("PATH_INFO", "/")
        with tracer.trace("http.request", resource=f"{environ['REQUEST_METHOD']} {path}", span_type="web") as span:
            span.set_tag("span.kind", "server")
            span.set_tag("http.method", environ["REQUEST_METHOD"])
            span.set_tag("http.route", path)

            def status_recorded(status: str, headers: list, exc_info: Any = None) -> Callable[..., Any]:
                span.set_tag("http.status_code", status.split(" ", 1)[0])
                return start_response(status, headers, exc_info)

            # Both apps answer with a list, so the span may end before the server writes it.
            return app(environ, status_recorded)

    return traced_app
