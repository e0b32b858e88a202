"""The thinker's one middleware (the API's are in api_app/middleware.py)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

Handler = Callable[[HttpRequest], HttpResponseBase]


def content_length(get_response: Handler) -> Handler:
    """Every answer whose body is known carries its Content-Length, as the API's CommonMiddleware gives it.

    The thinker goes without CommonMiddleware (its host check and slash redirects are for the public API).
    Without a length, gunicorn sends the body chunked: one more write per answer, and a chunked read in the
    API's client.
    """

    def middleware(request: HttpRequest) -> HttpResponseBase:
        response = get_response(request)
        if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response

    return middleware
