from collections.abc import Callable

from ddtrace.trace import tracer
from django.http import HttpRequest, HttpResponse

TRACE_ID_HEADER = "X-Trace-Id"
TRACE_URL_HEADER = "X-Trace-Url"
_LOW_64_BITS = (1 << 64) - 1


class TraceIdHeaderMiddleware:
    """Answer with the trace's id and its page, so `curl -i` leads straight to the trace.

    The id is the low 64 bits in decimal: what the agent's `trace_id` field holds (ddtrace 4
    makes 128-bit ids and carries the high half in the `_dd.p.tid` tag).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        root = tracer.current_root_span()
        if root is not None:
            trace_id = root.trace_id & _LOW_64_BITS
            response[TRACE_ID_HEADER] = str(trace_id)
            response[TRACE_URL_HEADER] = request.build_absolute_uri(f"/traces/{trace_id}/")
        return response
