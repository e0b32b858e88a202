from collections.abc import Callable

from ddtrace.trace import tracer
from django.http import HttpRequest, HttpResponse

TRACE_ID_HEADER = "X-Trace-Id"
_LOW_64_BITS = (1 << 64) - 1


class TraceIdHeaderMiddleware:
    """Answer with the trace's id, so `curl -i` leads straight to the trace.

    The id is the low 64 bits in decimal: what the agent's `trace_id` field holds (ddtrace 4
    makes 128-bit ids and carries the high half in the `_dd.p.tid` tag).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        root = tracer.current_root_span()
        if root is not None:
            response[TRACE_ID_HEADER] = str(root.trace_id & _LOW_64_BITS)
        return response
