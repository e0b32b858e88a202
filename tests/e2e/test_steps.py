"""The workshop's five steps (STEP=1..5), walked as the seed walks them, under gunicorn and under runserver.

Each step's curls against real processes, and the traces each curl leaves in the test agent: how many,
which services, which spans, hanging where. EXPECTED is the workshop's story, step by step.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import redis

from core.steps import STEPS
from harness.processes import Stack, boot_dev_stack, boot_stack, think_and_trace
from harness.spans import dump, shape

API = ("thinker-api", "django.request")
HOP = ("requests", "requests.request")
THINKER = ("thinker-microservice", "django.request")
THINK = ("thinker-microservice", "think")
DATABASE = ("database", "query")
REDIS = ("redis", "redis.command")

Row = tuple[int, str, str]


def rows(*spans: tuple[int, tuple[str, str]]) -> list[Row]:
    return sorted((depth, *span) for depth, span in spans)


# The seed's trace pictures, as rows of (depth, service, span name), one list per trace.
JOINED_BY_HAND = rows((0, API), (1, HOP), (1, THINKER), (2, THINK))  # the headers were written before the hop
JOINED = rows((0, API), (1, HOP), (2, THINKER), (3, THINK))
WITH_DATABASE = sorted([*JOINED, (4, *DATABASE)])
MISS = sorted([*WITH_DATABASE, *[(4, *REDIS)] * 4])  # GET, SET (the single-flight lock), SET (memo), EVAL (unlock)
HIT = sorted([*JOINED, (4, *REDIS)])


@dataclass
class Curl:
    subject: str
    traces: list[list[Row]]
    status: int = 200
    author: str = "Agatha Christie"
    memo: str = "off"  # X-Think-Memo: no memo before step 5
    errors: set[tuple[str, str]] = field(default_factory=set)  # spans marked as failed
    think_error: str = ""  # the exception type on the think span


WAR = "war"
EXPECTED = {
    # Two traces, and every call thinks: no memo, no database.
    1: [Curl(WAR, [rows((0, API), (1, HOP)), rows((0, THINKER), (1, THINK))])] * 2,
    2: [
        *[Curl(WAR, [JOINED_BY_HAND])] * 2,
        # The seed's `peace`: no thought on it before the datastore; the error shows in both services.
        Curl("peace", [JOINED_BY_HAND], status=502, errors={API, THINKER, THINK}, think_error="NoThought"),
    ],
    3: [Curl(WAR, [JOINED])] * 2,
    4: [
        *[Curl(WAR, [WITH_DATABASE])] * 2,
        # The seed's fix for `art`: the default thought, found missing in the database.
        Curl("art", [WITH_DATABASE], author="The Machine"),
    ],
    5: [Curl(WAR, [MISS], memo="miss"), Curl(WAR, [HIT], memo="hit")],
}


@pytest.fixture(
    scope="module",
    params=[(server, step) for server in ("gunicorn", "runserver") for step in STEPS],
    ids=lambda param: f"{param[0]}-step{param[1]}",
)
def step_stack(request, e2e_logs, redis_url, trace_agent) -> Iterator[tuple[int, Stack]]:
    """The system at one step, as docker compose serves it (gunicorn) or as `make run` does (runserver)."""
    server, step = request.param
    boot = boot_stack if server == "gunicorn" else boot_dev_stack
    stack = boot(e2e_logs, redis_url, trace_agent.url, STEP=str(step))
    yield step, stack
    stack.stop()


def test_each_curl_gives_the_answer_and_the_traces_the_step_describes(step_stack, trace_agent):
    step, stack = step_stack
    memo = redis.Redis.from_url(stack.redis_url)
    memo.flushdb()
    for curl in EXPECTED[step]:
        response, traces = think_and_trace(trace_agent, stack, curl.subject)
        assert response.status_code == curl.status, response.text
        if curl.status == 200:
            assert (response.json()["author"], response.headers["X-Think-Memo"]) == (curl.author, curl.memo)
        assert [shape(trace) for trace in traces] == curl.traces, "\n".join(map(dump, traces))
        spans = [span for trace in traces for span in trace]
        assert {(s["service"], s["name"]) for s in spans if s["error"]} >= curl.errors, dump(spans)
        if not curl.errors:
            assert not any(span["error"] for span in spans), dump(spans)
        (think_span,) = [span for span in spans if (span["service"], span["name"]) == THINK]
        assert think_span["meta"]["subject"] == curl.subject
        assert think_span["meta"].get("error.type", "").endswith(curl.think_error)
    # No memo before step 5: nothing was ever written to Redis.
    assert bool(memo.dbsize()) == STEPS[step].memo
