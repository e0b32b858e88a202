"""thinker_app/dead_letters.py on the real broker: what the worker refuses is kept, bounded, and keeping it never
fails the worker. The worker refusing real messages: tests/e2e/test_queue.py."""

import json
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from tests.conftest import closed_port
from thinker_app.dead_letters import DEAD_LETTER_BODY_CHARS, DEAD_LETTERS_KEPT, keep_dead_letter


@pytest.fixture
def dead_letters() -> Iterator[redis.Redis]:
    """The broker, with this test process's dead letters emptied before and after."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(settings.DEAD_LETTERS_KEY)
    yield broker
    broker.delete(settings.DEAD_LETTERS_KEY)


def kept(broker: redis.Redis) -> list[dict]:
    return [json.loads(record) for record in broker.lrange(settings.DEAD_LETTERS_KEY, 0, -1)]


def test_a_dead_letter_keeps_why_which_task_and_the_body_cut_short(dead_letters, caplog):
    keep_dead_letter("its subject is a int, not text", task="thinker_app.tasks.rethink", task_id="1", body=b"x" * 10**6)

    (record,) = kept(dead_letters)
    assert record["reason"] == "its subject is a int, not text" and record["task"] == "thinker_app.tasks.rethink"
    assert record["body"] == "x" * DEAD_LETTER_BODY_CHARS and record["body_chars"] == 10**6
    (line,) = caplog.messages
    assert "Refused task thinker_app.tasks.rethink[1]: its subject is a int" in line and len(line) < 200


def test_arguments_celery_decoded_are_kept_as_json(dead_letters):
    keep_dead_letter("why", task=None, task_id=None, body=[[{"subject": "war"}], {}])
    assert kept(dead_letters)[0]["body"] == '[[{"subject": "war"}], {}]'


def test_only_the_newest_are_kept(dead_letters):
    for n in range(DEAD_LETTERS_KEPT + 5):
        keep_dead_letter(f"refusal {n}", task=None, task_id=None, body=b"")
    records = kept(dead_letters)
    assert len(records) == DEAD_LETTERS_KEPT and records[0]["reason"] == f"refusal {DEAD_LETTERS_KEPT + 4}"


def test_a_broker_that_cannot_take_it_costs_a_log_line_not_the_worker(settings, caplog):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/1"
    keep_dead_letter("why", task="thinker_app.tasks.rethink", task_id="2", body=b"")
    assert "could not keep it" in caplog.text
