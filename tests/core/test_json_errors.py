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


def test_a_404_echoes_at_most_a_hundred_characters_of_the_path(client):
    response = client.get("/" + "a" * 20_000)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail == "No such path: /" + "a" * 99 + "... (cut at 100 characters)"


@pytest.mark.parametrize("marker", [pytest.param("api"), pytest.param("thinker", marks=pytest.mark.thinker)])
def test_a_host_the_service_does_not_answer_to_is_a_400_in_json(client, marker):
    response = client.get("/healthz", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {
        "error": "bad_request",
        "detail": "This service does not answer to the Host 'evil.example' (DJANGO_ALLOWED_HOSTS).",
    }
