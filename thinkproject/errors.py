"""One JSON error shape for both services: {"error": <code>, "detail": <sentence>, "fields": {...}?}."""
from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _first_message(errors: Any, path: str = "") -> str:
    """The first message in DRF's nested errors, prefixed by where it applies (`subject[1]: ...`)."""
    if isinstance(errors, dict) and errors:
        key, value = next(iter(errors.items()))
        if key == "non_field_errors":
            return _first_message(value, path)
        if isinstance(key, int) or str(key).isdigit():
            return _first_message(value, f"{path}[{key}]")
        return _first_message(value, f"{path}.{key}" if path else str(key))
    if isinstance(errors, list) and errors:
        return _first_message(errors[0], path)
    return f"{path}: {errors}" if path else str(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that rewrites every API error into the project's error shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django's handler500 answers (JSON, no traceback)
    if isinstance(exc, exceptions.ValidationError):
        body = {"error": "invalid_request", "detail": _first_message(exc.detail), "fields": exc.detail}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {"error": code if isinstance(code, str) else "error", "detail": str(detail)}
    response.data = body
    return response


def json_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error(404, "not_found", f"No such path: {request.path}")


def server_error(request: HttpRequest) -> JsonResponse:
    # Never a traceback in a response: the span and the log line carry it.
    return json_error(500, "server_error", "The server failed to answer; the error is in the logs and the trace.")
