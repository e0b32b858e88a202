import logging

import pytest
from django.core.cache import cache

from thinker_app.services import think
from thoughts.memo import _RateLimitedWarning, forget_thoughts, lock_key, memo_get, memo_set, thought_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_memo")]


def test_memo_round_trips_json_data():
    memo_set(thought_key("war"), {"id": 3, "quote": "q", "author": "a", "subject": "war"})
    assert memo_get(thought_key("war")) == {"id": 3, "quote": "q", "author": "a", "subject": "war"}


# Subjects built to collide with another's key: a separator, its encoding, the lock's suffix, spaces, non-ASCII.
TRICKY_SUBJECTS = ["war", "war:lock", "war%3Alock", "war:", ":lock", "war lock", "war%20lock", "wár", "war/lock", "%"]


def test_no_subject_names_another_subjects_memo_or_lock():
    memos = [thought_key(subject) for subject in TRICKY_SUBJECTS]
    locks = [lock_key(key) for key in memos]
    assert len(set(memos) | set(locks)) == 2 * len(TRICKY_SUBJECTS)


def test_a_value_that_is_not_json_reads_as_a_miss(caplog):
    cache.client.get_client(write=True).set(cache.make_key(thought_key("war")), b"\x80not json")
    assert memo_get(thought_key("war")) is None
    assert "is not JSON" in caplog.text


def test_forget_thoughts_drops_only_the_named_subjects():
    memo_set(thought_key("war"), {"id": 3})
    memo_set(thought_key("music"), {"id": 5})
    forget_thoughts(subjects={"war"})
    assert memo_get(thought_key("war")) is None
    assert memo_get(thought_key("music")) == {"id": 5}


@pytest.mark.usefixtures("redis_down")
def test_without_redis_think_still_answers_from_the_database(settings):
    settings.THINK_DELAY_SECONDS = 0
    assert think(subject="war")["author"] == "Agatha Christie"
    assert think(subject="war")["author"] == "Agatha Christie"


@pytest.mark.usefixtures("redis_down")
def test_without_redis_one_warning_is_logged_per_interval_not_per_request(caplog, settings):
    settings.THINK_DELAY_SECONDS = 0
    with caplog.at_level(logging.WARNING, logger="thoughts.memo"):
        for _ in range(3):
            think(subject="war")
        forget_thoughts(subjects={"war"})
    warnings = [record for record in caplog.records if record.name == "thoughts.memo"]
    assert len(warnings) == 1
    assert "Redis unreachable" in warnings[0].getMessage()


def test_the_next_warning_counts_the_errors_the_interval_swallowed(caplog, settings):
    warn = _RateLimitedWarning()
    settings.REDIS_WARNING_INTERVAL_SECONDS = 3600
    with caplog.at_level(logging.WARNING, logger="thoughts.memo"):
        for _ in range(3):
            warn("GET", OSError("refused"))
        settings.REDIS_WARNING_INTERVAL_SECONDS = 0
        warn("SET", OSError("refused"))
    assert len(caplog.records) == 2
    assert "2 similar errors" in caplog.records[1].getMessage()
