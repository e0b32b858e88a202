"""Every answer of both services carries its Content-Length (Django's CommonMiddleware), and each answers only the
host names it is reached by (DJANGO_ALLOWED_HOSTS)."""

import pytest

from tests.stubs import json_reply, thought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]

ANSWERS = [
    ("get", "/?subject=war", 200),
    ("get", "/?subject=", 400),  # DRF's error
    ("delete", "/?subject=war", 405),
    ("get", "/no-such-page", 404),
    ("get", "/healthz", 200),
    ("get", "/readyz", 200),
    ("get", "/schema/", 200),
]


@pytest.fixture(autouse=True)
def no_pause(settings) -> None:
    settings.THINK_DELAY_SECONDS = 0


@pytest.mark.thinker
@pytest.mark.parametrize(("method", "path", "status"), ANSWERS)
def test_every_thinker_answer_carries_its_length(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Length"] == str(len(response.content))
    assert not response.has_header("X-Frame-Options")  # the thinker's own middleware answered, not the API's


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/think/?subject=war", 200), ("get", "/think/?subject=", 400), ("get", "/no-such-page", 404)],
)
def test_every_api_answer_carries_its_length(client, stub_thinker, method, path, status):
    stub_thinker.respond = lambda request: json_reply(thought(request.query["subject"][0]))
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response["Content-Length"] == str(len(response.content))
