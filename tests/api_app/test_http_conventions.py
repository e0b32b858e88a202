"""Methods, HEAD, OPTIONS, content negotiation and odd query strings, as DRF and Django conventions say."""

import pytest

from tests.stubs import json_reply


@pytest.fixture(autouse=True)
def thinker(stub_thinker):
    stub_thinker.respond = lambda request: json_reply(
        {"id": 1, "quote": "q", "author": "a", "subject": request.query["subject"][0]}
    )
    return stub_thinker


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_are_a_405_with_a_json_body_and_an_allow_header(client, method):
    response = getattr(client, method)("/think/?subject=war")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/think/?subject=war")
    assert response.status_code == 200
    assert response.content == b""


def test_options_describes_the_endpoint(client):
    response = client.options("/think/")
    assert response.status_code == 200
    assert response.json()["name"] == "Think"


def test_an_unsupported_accept_header_is_a_406_in_json(client):
    response = client.get("/think/?subject=war", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["error"] == "not_acceptable"


def test_unicode_subjects_round_trip(client):
    response = client.get("/think/", {"subject": "戦争 🕊️"})
    assert response.status_code == 200
    assert response.json()["subject"] == "戦争 🕊️"


def test_more_parameters_than_django_accepts_is_a_json_400(client, thinker):
    response = client.get("/think/?" + "&".join(["subject=war"] * 1001))
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert thinker.requests == []


def test_unknown_parameters_are_ignored(client):
    assert client.get("/think/?subject=war&mood=grim").status_code == 200


@pytest.mark.thinker
@pytest.mark.django_db
def test_the_thinker_refuses_other_methods_too(client):
    response = client.delete("/?subject=war")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_the_api_publishes_its_openapi_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    parameters = schema["paths"]["/think/"]["get"]["parameters"]
    assert parameters[0]["name"] == "subject" and parameters[0]["schema"]["maxItems"] == 10
    assert set(schema["paths"]["/think/"]["get"]["responses"]) == {"200", "400", "502", "503", "504"}


@pytest.mark.thinker
def test_the_thinker_publishes_its_openapi_schema(client):
    schema = client.get("/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert set(schema["paths"]["/"]["get"]["responses"]) == {"200", "400", "500", "503"}
