import pytest

from tests.conftest import closed_port
from tests.stubs import json_reply

pytestmark = pytest.mark.django_db


@pytest.mark.thinker
def test_the_thinker_is_ready_when_its_database_and_redis_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}


@pytest.mark.thinker
@pytest.mark.usefixtures("redis_down")
def test_the_thinker_is_not_ready_without_redis_and_says_why(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("ConnectionError")


@pytest.mark.thinker
@pytest.mark.usefixtures("redis_down")
def test_liveness_does_not_depend_on_redis(client):
    assert client.get("/healthz").status_code == 200


def test_the_api_is_ready_when_the_thinker_answers(client, stub_thinker):
    stub_thinker.respond = lambda request: json_reply({"status": "ok"})
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "thinker": "ok"}
    assert [request.path for request in stub_thinker.requests] == ["/healthz"]


def test_the_api_is_not_ready_while_the_thinker_is_down(client, settings):
    settings.THINKER_URL = f"http://127.0.0.1:{closed_port()}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["thinker"].startswith("ConnectionError")
