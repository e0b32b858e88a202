"""The services' JSON error body, written the same way by every server that answers: Django (core/errors.py),
gunicorn for what it rejects before Django runs (gunicorn.conf.py), and runserver for the same under
`make run` (core/management/commands/runserver.py). Plain Python: gunicorn's master loads it with its
config, before any Django."""

import json

# The code for each status a server answers on its own, before or outside a view.
ERROR_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 414: "uri_too_long", 417: "expectation_failed",
    431: "headers_too_large", 500: "server_error", 501: "not_implemented", 505: "http_version_not_supported",
}  # fmt: skip
SERVER_ERROR_DETAIL = "The server failed to answer; the error is in the logs and the trace."


def error_code(status: int) -> str:
    return ERROR_CODES.get(status, "server_error" if status >= 500 else "bad_request")


def error_body(status: int, detail: str, code: str | None = None) -> bytes:
    """{"error": <code>, "detail": <sentence>}, encoded; the code is `status`'s unless given."""
    return json.dumps({"error": code or error_code(status), "detail": detail}).encode()
