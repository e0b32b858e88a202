"""core/json_errors.py: the one error body Django, gunicorn and runserver write (each server's own answers:
tests/e2e/test_rejected_requests.py)."""

import json

import pytest

from core.json_errors import ERROR_CODES, error_body, error_code


def test_the_body_is_the_services_error_shape():
    assert json.loads(error_body(414, "Request Line is too large")) == {
        "error": "uri_too_long",
        "detail": "Request Line is too large",
    }
    assert json.loads(error_body(503, "Later.", code="database_unavailable"))["error"] == "database_unavailable"


@pytest.mark.parametrize(("status", "code"), [(418, "bad_request"), (502, "server_error"), *ERROR_CODES.items()])
def test_every_status_has_a_code_and_one_nobody_named_falls_back_by_class(status, code):
    assert error_code(status) == code


def test_djangos_handlers_write_it(client):
    response = client.get("/no-such-path")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.content == error_body(404, "No such path: /no-such-path")
