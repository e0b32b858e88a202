"""thoughts/signals.py: a thought written anywhere (here the ORM, as a shell or a script would) is
forgotten by the memo once the write commits. The admin's writes: test_admin.py."""

import pytest

from thinker_app.services import DEFAULT_AUTHOR, think
from thoughts.models import Thought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]


@pytest.fixture(autouse=True)
def no_pause(settings) -> None:
    settings.THINK_DELAY_SECONDS = 0


def test_a_new_thought_replaces_the_memoized_default(django_capture_on_commit_callbacks):
    assert think(subject="chess")["author"] == DEFAULT_AUTHOR  # memoized
    with django_capture_on_commit_callbacks(execute=True):
        Thought.objects.create(subject="chess", quote="Chess is life.", author="Bobby Fischer")
    assert think(subject="chess")["author"] == "Bobby Fischer"


def test_a_thought_saved_under_another_subject_is_forgotten_under_both(django_capture_on_commit_callbacks):
    war = Thought.objects.get(subject="war")
    think(subject="war")
    think(subject="chess")
    war.subject = "chess"
    with django_capture_on_commit_callbacks(execute=True):
        war.save()
    assert think(subject="chess")["quote"] == war.quote
    assert think(subject="war")["author"] == DEFAULT_AUTHOR


def test_a_deleted_thought_is_forgotten(django_capture_on_commit_callbacks):
    think(subject="music")
    with django_capture_on_commit_callbacks(execute=True):
        Thought.objects.get(subject="music").delete()
    assert think(subject="music")["author"] == DEFAULT_AUTHOR


def test_nothing_is_forgotten_before_the_write_commits(django_capture_on_commit_callbacks):
    think(subject="war")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Thought.objects.filter(subject="war").first().delete()
    assert think(subject="war")["author"] != DEFAULT_AUTHOR  # the memo still answers
    assert len(callbacks) == 1
