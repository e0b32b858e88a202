import pytest

from thinker_app.services import DEFAULT_AUTHOR, think
from thoughts.models import Thought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]

CHANGELIST = "/admin/thinker_app/thought/"


@pytest.fixture(autouse=True)
def no_pause(settings) -> None:
    settings.THINK_DELAY_SECONDS = 0


def test_the_admin_needs_a_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def listed_authors(response) -> list[str]:
    return [thought.author for thought in response.context["cl"].result_list]


def test_the_admin_lists_every_thought(admin_client):
    assert len(listed_authors(admin_client.get(CHANGELIST))) == Thought.objects.count()


def test_the_admin_searches_thoughts(admin_client):
    assert listed_authors(admin_client.get(CHANGELIST, {"q": "Christie"})) == ["Agatha Christie"]


def test_the_admin_filters_thoughts_by_subject(admin_client):
    assert listed_authors(admin_client.get(CHANGELIST, {"subject": "music"})) == ["J. K. Rowling"]


def test_editing_a_quote_in_the_admin_shows_on_the_next_think(admin_client, django_capture_on_commit_callbacks):
    think(subject="war")  # memoized
    war = Thought.objects.get(subject="war")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{CHANGELIST}{war.pk}/change/", {"quote": "War never changes.", "author": war.author, "subject": "war"}
        )

    assert response.status_code == 302
    assert think(subject="war")["quote"] == "War never changes."


def test_moving_a_thought_to_another_subject_forgets_both_subjects(admin_client, django_capture_on_commit_callbacks):
    war = Thought.objects.get(subject="war")
    assert think(subject="peace")["author"] == DEFAULT_AUTHOR  # memoized default
    think(subject="war")  # memoized

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"{CHANGELIST}{war.pk}/change/", {"quote": war.quote, "author": war.author, "subject": "peace"}
        )

    assert think(subject="peace")["author"] == "Agatha Christie"
    assert think(subject="war")["author"] == DEFAULT_AUTHOR


def test_deleting_a_thought_in_the_admin_falls_back_to_the_default(admin_client, django_capture_on_commit_callbacks):
    music = Thought.objects.get(subject="music")
    think(subject="music")  # memoized

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{CHANGELIST}{music.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert think(subject="music")["author"] == DEFAULT_AUTHOR


def test_the_memo_is_forgotten_only_once_the_edit_commits(admin_client, django_capture_on_commit_callbacks):
    think(subject="war")
    war = Thought.objects.get(subject="war")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(f"{CHANGELIST}{war.pk}/change/", {"quote": "Later.", "author": war.author, "subject": "war"})
        assert think(subject="war")["quote"] != "Later."  # not committed yet: the memo still answers

    for callback in callbacks:
        callback()
    assert think(subject="war")["quote"] == "Later."


@pytest.mark.usefixtures("redis_down")
def test_an_admin_edit_while_redis_is_down_is_saved_not_lost(admin_client, django_capture_on_commit_callbacks):
    war = Thought.objects.get(subject="war")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{CHANGELIST}{war.pk}/change/",
            {"quote": "Written while Redis was away.", "author": war.author, "subject": "war"},
        )

    assert response.status_code == 302
    assert Thought.objects.get(pk=war.pk).quote == "Written while Redis was away."
