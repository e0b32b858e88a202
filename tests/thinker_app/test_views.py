import pytest

from core.steps import STEPS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("clean_memo"),
    pytest.mark.thinker,
]


@pytest.fixture(autouse=True)
def no_pause(settings) -> None:
    settings.THINK_DELAY_SECONDS = 0


def test_the_thinker_answers_a_thought_as_json(client):
    response = client.get("/", {"subject": "mankind"})
    assert response.status_code == 200
    assert response.json() == {
        "id": 6,
        "quote": "I think that God in creating Man somewhat overestimated his ability.",
        "author": "Oscar Wilde",
        "subject": "mankind",
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "subject: This field is required."),
        ("?subject=", "subject: This field may not be blank."),
        ("?subject=" + "a" * 33, "subject: Ensure this field has no more than 32 characters."),
        ("?subject=a%07b", "subject: A subject is printable text: control and invisible characters are not allowed."),
        (
            "?subject=%0d%0awar",
            "subject: A subject is printable text: control and invisible characters are not allowed.",
        ),
        ("?subject=war&subject=music", "subject: Ask the thinker for one subject at a time."),
    ],
)
def test_the_thinker_refuses_bad_input_with_a_400_naming_the_problem(client, query, message):
    response = client.get("/" + query)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["detail"] == message


def test_the_thinker_says_whether_its_memo_answered(client):
    assert [client.get("/", {"subject": "war"}).headers["X-Think-Memo"] for _ in range(2)] == ["miss", "hit"]


@pytest.mark.parametrize("step", [1, 4])
def test_before_the_memo_the_thinker_says_it_is_off(client, settings, step):
    settings.STEP = STEPS[step]
    assert client.get("/", {"subject": "war"}).headers["X-Think-Memo"] == "off"


def test_healthz_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(("accept", "status"), [("*/*", 200), ("application/json", 200), ("text/html", 406)])
def test_the_thinker_answers_json_and_refuses_what_it_cannot_render(client, accept, status):
    response = client.get("/", {"subject": "war"}, HTTP_ACCEPT=accept)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_a_subject_in_spaces_is_thought_about_trimmed(client):
    assert client.get("/", {"subject": " war "}).json()["subject"] == "war"


def test_a_failure_while_thinking_is_answered_by_drfs_handler(client, settings):
    settings.THINK_FAIL_SUBJECTS = {"peace"}
    response = client.get("/", {"subject": "peace"})
    assert response.status_code == 500 and response.json()["error"] == "server_error"


@pytest.mark.parametrize(
    ("asked", "subject"), [("  war  ", "war"), ("\u00a0war\u3000", "war"), ("art\u00a0work", "art\u00a0work")]
)
def test_spaces_at_a_subjects_ends_are_trimmed_and_inside_it_kept(client, asked, subject):
    assert client.get("/", {"subject": asked}).json()["subject"] == subject
