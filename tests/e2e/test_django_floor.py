"""The Django floor, which `make bench` measures beside ours: bare Django must make the workshop's whole hit trace."""
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import Stack, TraceAgent, boot_django_floor, think, wait_until
from harness.spans import Span, dump


@pytest.fixture(scope="module")
def django_floor(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    stack = boot_django_floor(e2e_logs, redis_url, trace_agent.url)
    yield stack
    stack.stop()


def floor_trace(agent: TraceAgent, subject: str) -> list[Span]:
    """The trace whose `think` span carries `subject`, once the API's root span has arrived too."""
    def trace() -> list[Span] | None:
        for spans in agent.traces():
            if any(s["name"] == "think" and s["meta"].get("subject") == subject for s in spans) and any(
                s["service"] == "django-floor-api" for s in spans
            ):
                return spans
        return None
    return wait_until(trace, timeout=15, what=f"the Django floor's trace for {subject!r}", interval=0.2)


def test_the_django_floor_answers_a_hit_with_the_workshops_five_spans_in_one_trace(django_floor, trace_agent):
    subject = f"floor-{secrets.token_hex(4)}"
    response = think(django_floor, subject)
    assert response.status_code == 200
    assert response.json()["author"] == "Agatha Christie"

    spans = floor_trace(trace_agent, subject)
    chain = [("django-floor-api", "django.request"), ("requests", "requests.request"),
             ("django-floor-thinker", "django.request"), ("django-floor-thinker", "think"), ("redis", "redis.command")]
    assert len(spans) == len(chain), dump(spans)
    by_parent = {span["parent_id"]: span for span in spans}
    parent_id = 0
    for service, name in chain:  # each span is the only child of the one before
        span = by_parent[parent_id]
        assert (span["service"], span["name"]) == (service, name), dump(spans)
        parent_id = span["span_id"]
    assert span["resource"] == "GET", dump(spans)  # the Redis span: one read, the memo
    assert not any(span["error"] for span in spans), dump(spans)
