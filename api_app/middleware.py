from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from core.tracing import current_trace_id

TRACE_ID_HEADER = "X-Trace-Id"
TRACE_URL_HEADER = "X-Trace-Url"


class TraceIdHeaderMiddleware:
    """Answer with the trace's id and its page, so `curl -i` leads straight to the trace.

    The id is the low 64 bits in decimal: what the agent's `trace_id` field holds (both tracers make
    128-bit ids; ddtrace carries the high half in the `_dd.p.tid` tag).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        trace_id = current_trace_id()
        if trace_id is not None:
            response[TRACE_ID_HEADER] = str(trace_id)
            page = reverse("trace-detail", args=[trace_id])
            try:
                response[TRACE_URL_HEADER] = request.build_absolute_uri(page)
            except DisallowedHost:  # the 400 that refused the Host still names its trace, by path
                response[TRACE_URL_HEADER] = page
        return response
