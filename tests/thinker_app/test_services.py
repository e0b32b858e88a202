import pytest
from django.core.cache import cache

from core.steps import STEPS
from thinker_app.services import DEFAULT_AUTHOR, DEFAULT_QUOTE, NoThought, think, thought_data
from thoughts.memo import lock_key, thought_key
from thoughts.models import Thought

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]


def test_think_answers_the_seed_thought_in_the_seed_shape():
    assert think(subject="war") == {
        "id": 3,
        "quote": "One is left with the horrible feeling now that war settles nothing; "
        "that to win a war is as disastrous as to lose one.",
        "author": "Agatha Christie",
        "subject": "war",
    }


def test_first_call_pauses_then_queries_the_database_once(pauses, django_assert_num_queries):
    with django_assert_num_queries(1):
        think(subject="war")
    assert pauses == [0.01]


def test_second_call_within_ttl_is_served_from_cache(pauses, redis_commands, django_assert_num_queries):
    first = think(subject="war")
    pauses.clear()
    redis_commands.clear()

    with django_assert_num_queries(0):
        second = think(subject="war")

    assert second == first
    assert pauses == []
    assert [command[0] for command in redis_commands] == ["GET"]


def test_a_miss_claims_the_lock_sets_the_value_with_the_ttl_and_releases(pauses, redis_commands, settings):
    settings.THINK_CACHE_TTL_SECONDS = 30
    think(subject="music")
    assert [command[0] for command in redis_commands] == ["GET", "SET", "SET", "EVAL"]
    lock_set = redis_commands[1]
    assert lock_set[1].endswith("think:music:lock") and "nx" in [str(arg).lower() for arg in lock_set]
    assert 0 < cache.ttl(thought_key("music")) <= 30
    assert not cache.has_key(lock_key(thought_key("music")))


def test_unknown_subject_gets_the_default_thought_and_saves_nothing(pauses):
    count = Thought.objects.count()
    assert think(subject="art") == {"id": None, "quote": DEFAULT_QUOTE, "author": DEFAULT_AUTHOR, "subject": "art"}
    assert Thought.objects.count() == count


def test_the_default_thought_is_memoized_too(pauses, django_assert_num_queries):
    think(subject="art")
    with django_assert_num_queries(0):
        assert think(subject="art")["author"] == DEFAULT_AUTHOR
    assert pauses == [0.01]


@pytest.fixture(params=[1, 2, 3], ids=lambda n: f"step{n}")
def before_the_datastore(request, settings) -> None:
    settings.STEP = STEPS[request.param]


@pytest.mark.usefixtures("before_the_datastore")
def test_before_the_datastore_the_seeds_thoughts_answer_as_the_database_would(pauses, django_assert_num_queries):
    migrated = [thought_data(thought) for thought in Thought.objects.all()]
    with django_assert_num_queries(0):
        answers = [think(subject=thought["subject"]) for thought in migrated]
    assert answers == migrated


@pytest.mark.usefixtures("before_the_datastore")
def test_before_the_datastore_an_unknown_subject_fails_as_the_seeds_did(pauses):
    with pytest.raises(NoThought, match="'peace'.*STEP=4"):
        think(subject="peace")


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_without_the_memo_every_call_thinks_and_redis_is_never_called(step, settings, pauses, redis_commands):
    settings.STEP = STEPS[step]
    assert think(subject="war") == think(subject="war")
    assert pauses == [0.01, 0.01]
    assert redis_commands == []


def test_the_datastore_step_reads_the_database_on_every_call(settings, pauses, django_assert_num_queries):
    settings.STEP = STEPS[4]
    with django_assert_num_queries(2):
        think(subject="war")
        assert think(subject="art")["author"] == DEFAULT_AUTHOR


def test_a_subject_ending_in_lock_is_its_own_subject_while_another_is_thought_about(pauses):
    # While war is thought about, its lock holds a token; asking about "war:lock" used to read that token as a memo.
    assert cache.set(lock_key(thought_key("war")), "a-leaders-token", timeout=5)
    assert think(subject="war:lock") == {
        "id": None, "quote": DEFAULT_QUOTE, "author": DEFAULT_AUTHOR, "subject": "war:lock"
    }  # fmt: skip
    assert cache.get(lock_key(thought_key("war"))) == "a-leaders-token"


def test_asking_about_x_lock_first_does_not_take_xs_lock(pauses):
    think(subject="war:lock")  # its memo once landed on war's lock, held for the memo's 30 s
    assert not cache.has_key(lock_key(thought_key("war")))


@pytest.mark.parametrize(
    "stored",
    [
        42,
        "a string",
        [1, 2],
        {"id": 3},
        {"id": "3", "quote": "q", "author": "a", "subject": "war"},
        {"id": 6, "quote": "Another subject's thought.", "author": "Oscar Wilde", "subject": "mankind"},
        {"id": 3, "quote": "q" * 1001, "author": "Agatha Christie", "subject": "war"},
        {"id": 3, "quote": "q", "author": "a" * 101, "subject": "war"},
    ],
    ids=[
        "a-number",
        "a-string",
        "a-list",
        "a-partial-thought",
        "a-string-id",
        "another-subjects-thought",
        "a-quote-longer-than-any-thought",
        "an-author-longer-than-any",
    ],  # fmt: skip
)
def test_a_memo_of_the_wrong_shape_is_a_miss_that_is_overwritten(pauses, stored, caplog):
    cache.set(thought_key("war"), stored, timeout=30)
    assert think(subject="war")["author"] == "Agatha Christie"
    assert pauses == [0.01]
    assert "is not a thought" in caplog.text
    assert cache.get(thought_key("war"))["author"] == "Agatha Christie"
