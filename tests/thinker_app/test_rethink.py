"""Step 6 in-process (thinker_app/services.py `rethink`, thinker_app/tasks.py, api_app/signals.py): an edit queues a
rethink of its subjects on the real broker, and a rethink memoizes the row as it is when it runs, under the
subject's single-flight lock. The worker as a real process: tests/e2e/test_queue.py."""

import pytest

from core.steps import STEPS
from thinker_app.services import DEFAULT_AUTHOR, ThinkerBusy, rethink, think, think_with_memo_outcome
from thoughts.memo import memo_claim, memo_set, thought_key
from thoughts.models import Thought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]


@pytest.fixture(autouse=True)
def no_pause(settings) -> None:
    settings.THINK_DELAY_SECONDS = 0


def test_a_rethink_memoizes_the_row_whatever_the_memo_holds():
    war = Thought.objects.get(subject="war")
    memo_set(thought_key("war"), {"id": war.id, "quote": "An old quote.", "author": war.author, "subject": "war"})

    assert rethink(subject="war")["quote"] == war.quote
    assert think_with_memo_outcome(subject="war") == (rethink(subject="war"), "hit")


def test_a_rethink_of_an_unknown_subject_memoizes_the_default():
    assert rethink(subject="chess")["author"] == DEFAULT_AUTHOR
    assert think_with_memo_outcome(subject="chess").memo == "hit"


def test_a_rethink_waits_for_a_think_in_progress_then_thinks_itself(settings):
    settings.THINK_LOCK_TIMEOUT_SECONDS = 2
    war = Thought.objects.get(subject="war")
    claim = memo_claim(thought_key("war"))  # a think in progress, which read the row before the edit
    memo_set(thought_key("war"), {"id": war.id, "quote": "Read before.", "author": war.author, "subject": "war"})
    claim.release()  # ... and is done

    assert rethink(subject="war")["quote"] == war.quote  # not the answer of the think it waited for


def test_a_rethink_gives_up_when_the_lock_stays_held(settings):
    settings.THINK_LOCK_TIMEOUT_SECONDS = 5
    claim = memo_claim(thought_key("war"))  # another leader's, held 5 s
    assert claim.leader
    settings.THINK_LOCK_TIMEOUT_SECONDS = 0.2
    with pytest.raises(ThinkerBusy):
        rethink(subject="war")
    claim.release()


def test_an_edit_queues_a_rethink_of_its_subject_after_commit(queued_rethinks, django_capture_on_commit_callbacks):
    war = Thought.objects.get(subject="war")
    war.quote = "War is edited."
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        war.save()
    assert queued_rethinks() == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued_rethinks() == ["war"]


def test_a_move_and_a_delete_queue_every_subject_they_touch(queued_rethinks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        war = Thought.objects.get(subject="war")
        war.subject = "chess"
        war.save()
    with django_capture_on_commit_callbacks(execute=True):
        Thought.objects.get(subject="music").delete()
    assert queued_rethinks() == ["chess", "war", "music"]


def test_before_step_6_an_edit_queues_nothing(settings, queued_rethinks, django_capture_on_commit_callbacks):
    settings.STEP = STEPS[5]
    with django_capture_on_commit_callbacks(execute=True):
        Thought.objects.filter(subject="war").first().save()
    assert queued_rethinks() == []
    assert think(subject="war")["subject"] == "war"
