"""The workshop's six steps (STEP=1..6), walked as the seed walks them, under gunicorn and under runserver.

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

API, THINKER = "thinker-api", "thinker-microservice"
HOP = ("requests", "requests.request")
THINK = (THINKER, "think")
DATABASE = ("database", "query")
REDIS = ("redis", "redis.command")

Row = tuple[int, str, str]


def request(depth: int, service: str) -> list[Row]:
    """A service's request span at `depth` and, under it, the five spans ddtrace's Django integration makes for
    a DRF view: the view function, the view class, setup and dispatch beside each other, then `get`. The view's
    own work hangs under `get`, five levels down."""
    names = ["django.request", "django.view", "django.view", "django.view.setup", "django.view.dispatch"]
    levels = [0, 1, 2, 3, 3]
    return [(depth + level, service, name) for level, name in zip(levels, names, strict=True)] + [
        (depth + 4, service, "django.view.get")
    ]


def rows(*spans: tuple[int, tuple[str, str]], requests: tuple[tuple[int, str], ...] = ()) -> list[Row]:
    return sorted([*((depth, *span) for depth, span in spans), *(r for d, s in requests for r in request(d, s))])


# The seed's trace pictures with ddtrace's view spans, as rows of (depth, service, span name), one list per trace.
# The headers were written by hand in the API's view, before the hop: the thinker hangs beside the hop.
JOINED_BY_HAND = rows((5, HOP), (10, THINK), requests=((0, API), (5, THINKER)))
JOINED = rows((5, HOP), (11, THINK), requests=((0, API), (6, THINKER)))
WITH_DATABASE = sorted([*JOINED, (12, *DATABASE)])
MISS = sorted([*WITH_DATABASE, *[(12, *REDIS)] * 4])  # GET, SET (the single-flight lock), SET (memo), EVAL (unlock)
HIT = sorted([*JOINED, (12, *REDIS)])
API_REQUEST, THINKER_REQUEST = (API, "django.request"), (THINKER, "django.request")


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
    1: [Curl(WAR, [rows((5, HOP), requests=((0, API),)), rows((5, THINK), requests=((0, THINKER),))])] * 2,
    2: [
        *[Curl(WAR, [JOINED_BY_HAND])] * 2,
        # The seed's `peace`: no thought on it before the datastore; the error shows in both services.
        Curl(
            "peace", [JOINED_BY_HAND], status=502, errors={API_REQUEST, THINKER_REQUEST, THINK}, think_error="NoThought"
        ),
    ],
    3: [Curl(WAR, [JOINED])] * 2,
    4: [
        *[Curl(WAR, [WITH_DATABASE])] * 2,
        # The seed's fix for `art`: the default thought, found missing in the database.
        Curl("art", [WITH_DATABASE], author="The Machine"),
    ],
    5: [Curl(WAR, [MISS], memo="miss"), Curl(WAR, [HIT], memo="hit")],
}
# Step 6 adds nothing to a curl's trace: what it adds starts at an edit (tests/e2e/test_queue.py).
EXPECTED[6] = EXPECTED[5]


@pytest.fixture(
    scope="module",
    params=[
        # The steps with the datastore run again on PostgreSQL (make test), under gunicorn as docker compose and
        # Kubernetes run it; the others never open the database, and the front end is not the engine's business.
        pytest.param((server, step), marks=[pytest.mark.database] * (STEPS[step].datastore and server == "gunicorn"))
        for server in ("gunicorn", "runserver")
        for step in STEPS
    ],
    ids=lambda param: f"{param[0]}-step{param[1]}",
)
def step_stack(request, e2e_logs, redis_url, trace_agent) -> Iterator[tuple[int, Stack]]:
    """The system at one step, as docker compose serves it (gunicorn, one worker a service) or as `make run` does
    (runserver)."""
    server, step = request.param
    boot = boot_stack if server == "gunicorn" else boot_dev_stack
    stack = boot(e2e_logs, redis_url, trace_agent.url, STEP=str(step), GUNICORN_WORKERS="1")
    yield step, stack
    stack.kill()


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
