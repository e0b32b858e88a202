from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connections

from core.contract import ThoughtData
from thinker_app.services import think
from thoughts.memo import lock_key, thought_key

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("clean_memo")]


@pytest.fixture
def think_delay() -> float:
    return 0.3  # long enough for a dozen threads to pile onto one miss


def think_in_thread(subject: str) -> ThoughtData:
    try:
        return think(subject=subject)
    finally:
        connections.close_all()


def test_concurrent_misses_on_one_subject_think_once(pauses):
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(think_in_thread, ["war"] * 12))
    assert pauses == [0.3]
    assert {answer["author"] for answer in answers} == {"Agatha Christie"}
    assert not cache.has_key(lock_key(thought_key("war")))


def test_concurrent_misses_on_different_subjects_do_not_wait_for_each_other(pauses):
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(think_in_thread, ["war", "music", "work"]))
    assert len(pauses) == 3
    assert [answer["subject"] for answer in answers] == ["war", "music", "work"]


def test_a_waiter_thinks_for_itself_when_the_lock_holder_died(pauses, settings):
    settings.THINK_LOCK_TIMEOUT_SECONDS = 2
    # A holder that took the lock and died: its lock expires after 0.3 s, with no value written.
    assert cache.set(lock_key(thought_key("war")), "dead-holder", timeout=0.3)

    assert think(subject="war")["author"] == "Agatha Christie"
    assert pauses == [0.3]
