"""DRF views with a quick path for the one request each service serves on every hit."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# Accept headers that DRF's negotiation answers with JSON (the views render JSON only); curl and requests send */*.
JSON_ACCEPTED = {"*/*", "application/json"}


class QuickGetAPIView(APIView):
    """An APIView whose common GET skips DRF's request, negotiation and response objects.

    `quick_get` answers a GET of the common case with the data and headers DRF would render. The answer
    is the same bytes and headers DRF gives (each service's tests compare the two); a hit costs less
    (perf/BENCHMARKS.md). Everything else, and every exception `quick_get` raises, goes DRF's way: its
    exception handler answers, and ddtrace's hook on it marks the span failed.

    Every answer carries its Content-Length. The thinker has no CommonMiddleware to add it, and without it
    gunicorn sends the body chunked: one more write per answer, and a chunked read in the API's client.
    """

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # DRF renders its Response after the view returns: the length is known only then.
            response.add_post_render_callback(_set_content_length)
        else:
            _set_content_length(response)
        return response

    def quick_get(self, request: HttpRequest) -> tuple[Any, dict[str, str]] | None:
        """A GET's data and headers, or None to let DRF answer it (it is not the common case)."""
        return None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "GET" or request.headers.get("Accept", "*/*") not in JSON_ACCEPTED:
            return super().dispatch(request, *args, **kwargs)
        try:
            answer = self.quick_get(request)
        except Exception as error:  # noqa: BLE001  # answered as DRF's dispatch answers it
            self.args, self.kwargs, self.headers = args, kwargs, self.default_response_headers
            self.request = self.initialize_request(request, *args, **kwargs)
            return self.finalize_response(self.request, self.handle_exception(error), *args, **kwargs)
        if answer is None:
            return super().dispatch(request, *args, **kwargs)
        data, headers = answer
        body = JSONRenderer().render(data)
        return HttpResponse(
            body,
            content_type="application/json",
            headers={**self.default_response_headers, **headers, "Content-Length": str(len(body))},
        )


def _set_content_length(response: HttpResponseBase) -> None:
    if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
