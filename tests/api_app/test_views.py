import logging

import pytest

from core.contract import INVISIBLE_CHARACTERS_MESSAGE
from core.steps import STEPS
from tests.conftest import closed_port
from tests.stubs import json_reply, thought


def test_one_subject_answers_the_thinkers_thought(client, stub_thinker):
    stub_thinker.respond = lambda request: json_reply(thought(request.query["subject"][0]))
    response = client.get("/think/", {"subject": "war"})
    assert response.status_code == 200
    assert response.json() == thought("war")
    assert [request.query for request in stub_thinker.requests] == [{"subject": ["war"]}]


def test_the_thinkers_memo_outcome_is_passed_on_one_per_subject_in_the_order_asked(client, stub_thinker):
    outcomes = {"war": "hit", "music": "miss", "art": "off"}
    stub_thinker.respond = lambda request: json_reply(
        thought(request.query["subject"][0]), headers={"X-Think-Memo": outcomes[request.query["subject"][0]]}
    )
    assert client.get("/think/?subject=music").headers["X-Think-Memo"] == "miss"
    assert client.get("/think/?subject=war&subject=music&subject=art").headers["X-Think-Memo"] == "hit,miss,off"


INVISIBLE = f"subject[0]: {INVISIBLE_CHARACTERS_MESSAGE}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "subject: Ask about a subject, e.g. /think/?subject=war."),
        ("?subject=", "subject[0]: This field may not be blank."),
        ("?subject=war&subject=", "subject[1]: This field may not be blank."),
        ("?subject=" + "x" * 33, "subject[0]: Ensure this field has no more than 32 characters."),
        ("?subject=a%0Ab", INVISIBLE),
        ("?subject=%0d%0aSet-Cookie:%20x=1", INVISIBLE),  # trimmed before the check, it was "Set-Cookie: x=1"
        ("?subject=war%09", INVISIBLE),
        ("?subject=war%00", INVISIBLE),
        ("?subject=%E2%80%AEraw", INVISIBLE),  # U+202E, right-to-left override
        ("?subject=w%E2%80%8Bar", INVISIBLE),  # U+200B, zero-width space
        ("?subject=w%FFr", "subject[0]: A subject is UTF-8 text: this one has bytes that are not UTF-8."),
        ("?" + "&".join(["subject=war"] * 11), "subject: Ask about at most 10 subjects at once."),
    ],
)
def test_bad_input_is_a_400_naming_the_problem_and_never_reaches_the_thinker(client, stub_thinker, query, message):
    response = client.get("/think/" + query)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["detail"] == message
    assert "subject" in body["fields"]
    assert stub_thinker.requests == []


def test_an_unreachable_thinker_is_a_502_with_a_log_line(client, settings, caplog):
    settings.THINKER_URL = f"http://127.0.0.1:{closed_port()}"
    with caplog.at_level(logging.WARNING, logger="api_app.thinker_client"):
        response = client.get("/think/", {"subject": "war"})
    assert response.status_code == 502
    assert response.json()["error"] == "thinker_unavailable"
    assert "unreachable" in caplog.text


def test_a_thinker_slower_than_the_timeout_is_a_504(client, stub_thinker, settings):
    settings.THINKER_TIMEOUT_SECONDS = 0.2
    stub_thinker.respond = lambda request: json_reply(thought("war"), delay_seconds=1.0)
    response = client.get("/think/", {"subject": "war"})
    assert response.status_code == 504
    assert response.json() == {"error": "thinker_timeout", "detail": "The thinker did not answer within 0.2 s."}


def test_the_index_links_think_the_admin_and_the_traces(client, settings):
    settings.TRACE_UI_URL = "http://127.0.0.1:8080"
    body = client.get("/").json()
    assert body == {
        "think": "http://testserver/think/?subject=war",
        "admin": "http://testserver/admin/",
        "schema": "http://testserver/api/schema/",
        "traces": "http://testserver/traces/",
        "trace_agent_ui": "http://127.0.0.1:8080",
        "workshop_step": "6 of 6: across a queue (STEP=1..6 at start-up)",
        "see_a_trace": body["see_a_trace"],
    }


def test_the_index_says_which_workshop_step_the_api_runs(client, settings):
    settings.STEP = STEPS[2]
    assert client.get("/").json()["workshop_step"] == "2 of 6: joined by hand (STEP=1..6 at start-up)"


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.django_db
def test_a_browser_gets_the_demo_page_with_a_button_per_seed_subject_and_the_seeds_errors(client, settings):
    settings.STEP = STEPS[2]
    response = client.get("/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    subjects = ["religion", "technology", "war", "work", "music", "mankind", "art", "peace"]
    assert [f'data-subject="{subject}"' in html for subject in subjects] == [True] * len(subjects)
    assert "2 of 6: joined by hand" in html and "No memo before step 5" in html
    assert '"/think/"' in html  # where the page's script asks


@pytest.mark.parametrize("accept", ["*/*", "application/json", None])
def test_curl_and_api_clients_keep_the_json_index(client, accept):
    response = client.get("/", **({"HTTP_ACCEPT": accept} if accept else {}))
    assert response["Content-Type"] == "application/json"


def test_an_error_on_the_index_is_json_even_for_a_browser(client):
    response = client.post("/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_options_on_the_index_is_json_even_for_a_browser(client):
    response = client.options("/", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("format_", ["html", "\u00ad\u00c9", "xml"])
def test_the_index_negotiates_by_accept_only_and_ignores_a_format_parameter(client, format_):
    response = client.get("/", {"format": format_})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("open_pages", "staff", "hint"), [(False, False, True), (False, True, False), (True, False, False)]
)
def test_the_demo_page_says_when_trace_links_need_a_login(client, admin_client, settings, open_pages, staff, hint):
    settings.TRACE_PAGES_OPEN = open_pages
    html = (admin_client if staff else client).get("/", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert ('id="login-hint"' in html) == hint


@pytest.mark.parametrize(("accept", "status"), [("*/*", 200), ("application/json", 200), ("text/html", 406)])
def test_think_answers_json_and_refuses_what_it_cannot_render(client, stub_thinker, accept, status):
    stub_thinker.respond = lambda request: json_reply(thought(request.query["subject"][0]))
    response = client.get("/think/", {"subject": "war"}, HTTP_ACCEPT=accept)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_subjects_in_spaces_are_asked_of_the_thinker_trimmed(client, stub_thinker):
    stub_thinker.respond = lambda request: json_reply(thought(request.query["subject"][0]))
    assert client.get("/think/", {"subject": [" war ", "戦争 "]}).json() == [thought("war"), thought("戦争")]
