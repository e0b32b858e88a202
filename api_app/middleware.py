from collections.abc import Awaitable, Callable

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

from api_app.urls import THINK_PATH
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
            response[TRACE_URL_HEADER] = request.build_absolute_uri(f"/traces/{trace_id}/")
        return response


class _NotOnThink(MiddlewareMixin):
    """Skips the middleware it is mixed into on /think/, the API's hot path, which uses no session, user or
    message: these three are there for the admin and the trace pages. Django has no per-URL middleware.

    Left on, they cost every hit about 5% of the API's instructions: ddtrace reads `request.user` to tag
    the request span, which makes the user load its session (perf/BENCHMARKS.md). Subclasses of Django's
    own, so the admin's system checks still find them.
    """

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if request.path_info == THINK_PATH:
            return self.get_response(request)
        return super().__call__(request)


class AdminSessionMiddleware(_NotOnThink, SessionMiddleware):
    pass


class AdminAuthenticationMiddleware(_NotOnThink, AuthenticationMiddleware):
    pass


class AdminMessageMiddleware(_NotOnThink, MessageMiddleware):
    pass
