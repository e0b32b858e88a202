"""The workshop's own Flask app, which `make bench` measures beside ours: it must be the seed, working and traced."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import Stack, TraceAgent, think, wait_until
from harness.spans import Span, by_name, dump
from perf.boots import boot_flask_seed

SEED_SERVICES = {"seed-api", "seed-thinker"}


@pytest.fixture(scope="module")
def seed(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    stack = boot_flask_seed(e2e_logs, redis_url, trace_agent.url)
    yield stack
    stack.kill()


def seed_traces(agent: TraceAgent, subject: str, count: int) -> list[list[Span]]:
    """The `count` seed traces whose request asked about `subject`, oldest first, once each holds its thinker call."""

    def traces() -> list[list[Span]] | None:
        asked = [
            spans
            for spans in agent.traces()
            if any(s["service"] == "seed-api" and f"subject={subject}" in s["meta"].get("http.url", "") for s in spans)
            and by_name(spans, "think")
        ]
        return sorted(asked, key=lambda spans: min(s["start"] for s in spans)) if len(asked) == count else None

    return wait_until(traces, timeout=15, what=f"{count} seed traces for {subject!r}", interval=0.2)


@pytest.mark.parametrize(("subject", "author"), [("war", "Agatha Christie"), ("mankind", "Oscar Wilde")])
def test_the_seed_answers_the_workshops_curls_as_ours_does(seed, stack, subject, author):
    ours, theirs = think(stack, subject), think(seed, subject)
    assert theirs.status_code == ours.status_code == 200
    assert theirs.json() == ours.json()
    assert theirs.json()["author"] == author


def test_the_seed_thinks_once_then_serves_redis_in_one_trace_per_request(seed, trace_agent):
    subject = f"seed-{secrets.token_hex(4)}"
    first, second = think(seed, subject), think(seed, subject)
    assert (
        first.json()
        == second.json()
        == {
            "id": None,
            "quote": "Hmmm, that's something I'll need to think about.",
            "author": "The Machine",
            "subject": subject,
        }
    )

    miss, hit = seed_traces(trace_agent, subject, 2)
    for spans in (miss, hit):
        assert {span["service"] for span in spans} >= SEED_SERVICES, dump(spans)
        (hop,) = by_name(spans, "requests.request")
        (thinker_root,) = [s for s in by_name(spans, "flask.request") if s["service"] == "seed-thinker"]
        assert thinker_root["parent_id"] == hop["span_id"], dump(spans)
        assert any(s["name"] == "redis.command" for s in spans), dump(spans)
    assert by_name(miss, "think")[0]["meta"]["subject"] == subject
    assert any(s.get("type") == "sql" for s in miss), dump(miss)
    # The memoized answer: no database and no thought, so no subject tag (the seed sets it inside the memo).
    assert not any(s.get("type") == "sql" for s in hit), dump(hit)
    assert "subject" not in by_name(hit, "think")[0]["meta"]
