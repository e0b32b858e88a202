"""One JSON error shape for both services: {"error": <code>, "detail": <sentence>, "fields": {...}?}."""

import logging
from typing import Any

from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.json_errors import SERVER_ERROR_DETAIL, error_body, error_code

logger = logging.getLogger(__name__)


class ErrorSerializer(serializers.Serializer):
    """The error shape of both services (documented in their OpenAPI schemas)."""

    error = serializers.CharField(help_text="A stable code, e.g. thinker_unavailable.")
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")


class ValidationErrorSerializer(ErrorSerializer):
    # The body's key is `fields`; DRF's metaclass takes declared fields out of the class, so Serializer.fields stays.
    fields = serializers.DictField(help_text="DRF's field errors: field name (and list index) to messages.")  # type: ignore[assignment]


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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler that rewrites every API error into the project's error shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API exception. The stack goes to the log and, via the request span, to the trace;
        # never into the response, whatever DEBUG says.
        if isinstance(exc, SuspiciousOperation):  # e.g. more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return Response({"error": error_code(400), "detail": str(exc)}, status=400)
        if isinstance(exc, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", exc)
            return Response(
                {"error": "database_unavailable", "detail": "The database is unreachable; try again shortly."},
                status=503,
            )
        logger.error("Unhandled %s: %s", type(exc).__name__, exc, exc_info=exc)
        return Response({"error": error_code(500), "detail": SERVER_ERROR_DETAIL}, status=500)
    if isinstance(exc, exceptions.ValidationError):
        body = {"error": "invalid_request", "detail": _first_message(exc.detail), "fields": exc.detail}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = {"error": code if isinstance(code, str) else "error", "detail": str(detail)}
    response.data = body
    return response


def json_error(status: int, detail: str) -> HttpResponse:
    return HttpResponse(error_body(status, detail), status=status, content_type="application/json")


# What an error echoes of the request (a path, a Host, Django's message about it) at most: enough to recognise
# it, never the whole 64 KB a request line may hold.
ECHO_MAX_CHARS = 100


def echoed(value: str) -> str:
    """`value` as an error repeats it: cut at ECHO_MAX_CHARS."""
    return (
        value if len(value) <= ECHO_MAX_CHARS else f"{value[:ECHO_MAX_CHARS]}... (cut at {ECHO_MAX_CHARS} characters)"
    )


# Django's handler400/403/404/500 (both URLconfs).
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, DisallowedHost):
        host = echoed(request.META.get("HTTP_HOST", ""))
        return json_error(400, f"This service does not answer to the Host {host!r} (DJANGO_ALLOWED_HOSTS).")
    return json_error(400, echoed(str(exception)) if exception else "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_error(403, "You may not do that.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_error(404, f"No such path: {echoed(request.path)}")


def server_error(request: HttpRequest) -> HttpResponse:
    return json_error(500, SERVER_ERROR_DETAIL)
