import logging
from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from core.tracing import current_trace_id

logger = logging.getLogger(__name__)

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


class AdminDatabaseUnavailableMiddleware:
    """The admin's answer when the database is locked or away mid-request: a 503 page that says nothing was saved
    and to try again, not the services' JSON 500 (the API's own endpoints answer 503 JSON, core/errors.py).

    The page is rendered without the request: its context processors would read the session, from the database
    that just failed, and wait for it again."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not request.path.startswith(reverse("admin:index")):
            return None
        logger.error(
            "Database unavailable during %s %s: %s; nothing was saved.", request.method, request.path, exception
        )
        page = render_to_string("api_app/database_unavailable.html", {"retry_after": self.RETRY_AFTER_SECONDS})
        return HttpResponse(page, status=503, headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)})
