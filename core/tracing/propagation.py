"""The workshop's trace propagation across the hop, in one place: what each step does with trace headers.

`settings.STEP.propagation` (core/steps.py) is read here and nowhere else:
- `off` (step 1): no trace headers leave the API; the thinker starts a trace of its own (two traces).
- `manual` (step 2): our code writes the headers (`headers_for_thinker`) and the thinker continues them
  (`continue_incoming`), as the seed does by hand.
- `auto` (steps 3 to 5): the headers go on the wire with the request (`inject_on_the_wire`), and the
  tracer's Django integration continues them (`continues_incoming_automatically`).
Only the thinker continues a trace (`settings.SERVICE.continues_incoming`): the public API's callers are not
ours, so it starts a new trace whatever a client sends. And only the thinker client sends our headers.
The same under either tracer: both write and read W3C's `traceparent`.

Step 6 crosses a Celery queue too: the tracers' Celery integrations write and read the task's headers themselves,
when DD_CELERY_DISTRIBUTED_TRACING says so (`settings.QUEUE_PROPAGATION`); `carry_trace_headers` makes the two
tracers' headers meet.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

from core.tracing import continued_from, inject_headers

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def headers_for_thinker() -> dict[str, str]:
    """Step 2: the trace headers the thinker client sends, written by hand before the HTTP hop's span
    starts, so the thinker hangs under the view's span, beside the hop (the seed's shape)."""
    headers: dict[str, str] = {}
    if settings.STEP.propagation == "manual":
        inject_headers(headers)
    return headers


def inject_on_the_wire(headers: Any) -> None:
    """Steps 3 to 5: add the trace headers to a request the thinker client is sending, as the tracer's requests
    integration would. The current span is that integration's HTTP client span: the thinker's request
    becomes its child. (The integrations' own injection is off: they would send our headers anywhere.)"""
    if settings.STEP.propagation == "auto":
        inject_headers(headers)


def continues_incoming_automatically() -> bool:
    """Steps 3 to 5, on the thinker: the tracer's Django integration continues the caller's trace."""
    return settings.SERVICE.continues_incoming and settings.STEP.propagation == "auto"


def carry_trace_headers(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Step 6, Celery's `before_task_publish`: the producer span's trace headers at the top of the task's headers.

    The two tracers' integrations put them in different places. ddtrace writes them in a dict under the
    `headers` key, where its worker looks (`task.request.headers`); the OpenTelemetry instrumentation writes W3C's
    at the top, and its worker reads only there (`task.request.traceparent`): a ddtrace producer's task started a
    new trace on an OpenTelemetry worker. ddtrace's worker reads the top too when that dict is absent. And the
    public API under the SDK injects nothing through its propagator (core/tracing/otel.py), so its trace would not
    cross at all. Written at the top, the headers join every pair of tracers (docs/tracing.md has the table).
    """
    if headers is None or not (settings.STEP.queue and settings.QUEUE_PROPAGATION):
        return
    carried: dict[str, str] = {}
    inject_headers(carried)  # the integration's producer span is the current one: the worker's task is its child
    headers.update(carried)


def continue_incoming(application: WSGIApp) -> WSGIApp:
    """Step 2, on the thinker: `application`, adopting the caller's trace from its headers; else unchanged.

    It runs around Django, not inside it: in a Django middleware the request span has already
    started a new trace, and assigning span.trace_id / span.parent_id as the Flask seed did makes
    ddtrace 4 drop the thinker's whole trace (both measured with ddtrace 4.16).
    """
    if not (settings.SERVICE.continues_incoming and settings.STEP.propagation == "manual"):
        return application

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        with continued_from(headers):
            return application(environ, start_response)

    return wsgi
