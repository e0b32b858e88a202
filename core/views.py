"""DRF views with a quick path for the one request each service serves on every hit."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

# Accept headers that DRF's negotiation answers with JSON (the views render JSON only); curl and requests send */*.
JSON_ACCEPTED = {"*/*", "application/json"}


class QuickGetAPIView(APIView):
    """An APIView whose common GET skips DRF's request, negotiation and response objects.

    `quick_get` answers a GET of the common case with the data and headers DRF would render. The answer
    is the same bytes and headers DRF gives (each service's tests compare the two); a hit costs less
    (perf/BENCHMARKS.md). Everything else, and every exception `quick_get` raises, goes DRF's way: its
    exception handler answers, and ddtrace's hook on it marks the span failed.
    """

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
        return HttpResponse(
            JSONRenderer().render(data),
            content_type="application/json",
            headers={**self.default_response_headers, **headers},
        )
