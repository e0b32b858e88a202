"""Many requests at once: a stampede thinks once, slow misses never starve hits, and Redis keys expire."""

import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait

import pytest
import redis
import requests

from harness.processes import Stack, boot_stack, start_gunicorn, think, thinker_env, wait_until
from harness.spans import by_name, joined

# Runs on both database engines (make test): fifty requests at once on the thinker's database connections.
pytestmark = pytest.mark.database


@pytest.mark.usefixtures("fresh_memo")
def test_fifty_concurrent_requests_for_a_fresh_subject_think_once(stack, trace_agent):
    # Through the API, onto the thinker's 16 threads: the lock is in Redis (the next test splits it across processes).
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda _: think(stack, "religion"), range(50)))

    assert [response.status_code for response in responses] == [200] * 50
    assert {response.json()["author"] for response in responses} == {"Albert Einstein"}
    traces = [trace_agent.wait_for_trace(r.headers["X-Trace-Id"], joined(thinker_calls=1)) for r in responses]
    think_spans = [span for spans in traces for span in by_name(spans, "think")]
    assert len(think_spans) == 50
    assert [span["meta"]["think.cache_hit"] for span in think_spans].count("false") == 1


@pytest.mark.usefixtures("fresh_memo")
def test_two_thinker_processes_share_the_single_flight(stack, e2e_logs):
    """Deterministic across processes: half the stampede to each of two separate thinker servers."""
    second_url, second = start_gunicorn("thinker-second", {**thinker_env(stack.env), "GUNICORN_WORKERS": "1"}, e2e_logs)
    try:
        logs_before = (len(stack.thinker.log()), len(second.log()))
        urls = [stack.thinker_url, second_url] * 25
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(lambda url: requests.get(f"{url}/?subject=technology", timeout=15), urls))
        assert {answer.status_code for answer in answers} == {200}
        thoughts = stack.thinker.log()[logs_before[0] :].count("Thought about 'technology'") + second.log()[
            logs_before[1] :
        ].count("Thought about 'technology'")
        assert thoughts == 1
    finally:
        second.kill()


@pytest.fixture(scope="module")
def slow_stack(e2e_logs, redis_url, trace_agent) -> Iterator[Stack]:
    """Thinking takes 3 s and the API gives up after 1 s: misses stay in flight, then time out."""
    stack = boot_stack(
        e2e_logs, redis_url, trace_agent.url, THINK_DELAY_SECONDS="3", THINKER_TIMEOUT_SECONDS="1", GUNICORN_WORKERS="1"
    )
    yield stack
    stack.kill()


def test_hits_keep_answering_while_misses_are_in_flight(slow_stack):
    # Memoize `war` straight through the thinker (slower than the API's timeout).
    assert requests.get(f"{slow_stack.thinker_url}/?subject=war", timeout=10).status_code == 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        misses = [pool.submit(think, slow_stack, f"miss-{secrets.token_hex(3)}") for _ in range(6)]
        hit = think(slow_stack, "war")
        pending_when_the_hit_answered = sum(not miss.done() for miss in misses)
        wait(misses)

    assert hit.status_code == 200 and hit.json()["author"] == "Agatha Christie"
    assert pending_when_the_hit_answered == 6
    assert {miss.result().status_code for miss in misses} == {504}


def test_a_late_answer_after_a_504_is_discarded_and_its_thought_is_memoized(slow_stack):
    subject = f"late-{secrets.token_hex(3)}"
    first = think(slow_stack, subject)
    assert first.status_code == 504
    assert first.json()["error"] == "thinker_timeout"
    # The thinker finishes on its own and memoizes; the API, which stopped waiting, is unharmed.
    later = wait_until(
        lambda: (lambda r: r if r.status_code == 200 else None)(think(slow_stack, subject)),
        timeout=15,
        what="the late thought to be memoized",
        interval=0.5,
    )
    assert later.json()["subject"] == subject


def test_every_key_a_run_of_distinct_subjects_leaves_expires(stack):
    subjects = [f"distinct-{i}-{secrets.token_hex(2)}" for i in range(30)]
    with ThreadPoolExecutor(max_workers=15) as pool:
        assert {r.status_code for r in pool.map(lambda s: think(stack, s), subjects)} == {200}

    client = redis.Redis.from_url(stack.redis_url)
    keys = list(client.scan_iter("thinker:*"))
    assert len(keys) >= 30
    assert all(0 < client.ttl(key) <= 30 for key in keys), "a key without an expiry would grow Redis forever"
