"""Step 6 as real processes: an admin edit on the API (gunicorn) queues a rethink on the real Redis broker, a real
Celery worker (prefork, under ddtrace-run or the OpenTelemetry SDK) runs the thinker's think for it, and the next
reader gets a hit with the edited thought. One trace from the admin's POST to the worker's database and Redis
spans, in every combination of tracers; nothing lost or stale when the broker, the worker or the database fail."""

import base64
import json
import os
import runpy
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from harness.processes import (
    ADMIN,
    REPO,
    Process,
    Stack,
    TraceAgent,
    admin_post,
    admin_session,
    boot_dev_stack,
    boot_stack,
    memoized_quote,
    own_redis_database,
    service_env,
    start_procfile_line,
    start_worker,
    think,
    wait_until,
)
from harness.spans import WORKER, Span, by_name, database_spans, dump, queue_spans, redis_spans, server_spans
from tests.conftest import closed_port

WAR = "/admin/thinker_app/thought/{pk}/change/"
TRACERS = [("ddtrace", "ddtrace"), ("ddtrace", "otel"), ("otel", "ddtrace"), ("otel", "otel")]


@dataclass
class QueueStack:
    stack: Stack
    workers: list[Process]
    admin: requests.Session
    broker_url: str

    @property
    def memo(self) -> redis.Redis:
        return redis.Redis.from_url(self.stack.redis_url)

    def memoized_quote(self, subject: str = "war") -> str | None:
        return memoized_quote(self.memo, subject)

    def edit(self, quote: str, subject: str = "war", pk: int = 3) -> requests.Response:
        """Change thought `pk` (the seed's war is 3) in the admin, as a person does."""
        data = {"quote": quote, "author": "Agatha Christie", "subject": subject}
        return admin_post(self.admin, self.stack.api_url, WAR.format(pk=pk), data)

    def queued(self) -> int:
        return redis.Redis.from_url(self.broker_url).llen("celery")


@pytest.fixture(scope="session")
def step6_stacks() -> Iterator[dict[tuple[tuple[str, str], ...], Stack]]:
    """Step 6's thinker and API by the environment a queue test asked for, kept for the queue tests that this test
    process runs later and ask for the same (queue_stack)."""
    stacks: dict[tuple[tuple[str, str], ...], Stack] = {}
    yield stacks
    for stack in stacks.values():
        stack.kill()


@pytest.fixture
def queue_stack(
    e2e_logs: Path, redis_url: str, trace_agent: TraceAgent, step6_stacks: dict[tuple[tuple[str, str], ...], Stack]
) -> Iterator[Callable[..., QueueStack]]:
    """Step 6's three processes for this test: the thinker and the API with `env`, and `workers` Celery workers of
    its own with `worker_env` too. The thinker and the API are shared with the queue tests that ask for the same
    `env`, on a broker database and a memo emptied for each test, and a thought each test edits to a quote of its own;
    a test that names its own broker (CELERY_BROKER_URL) gets them for itself."""
    booted: list[QueueStack] = []
    own_stacks: list[Stack] = []

    def boot(workers: int = 1, worker_env: dict[str, str] | None = None, **env: str) -> QueueStack:
        # API_TRACER is ddtrace's unless the test says otherwise: named, so that the tracer pairs share with the rest.
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": trace_agent.otlp_url, "STEP": "6", "GUNICORN_WORKERS": "1",
               "API_TRACER": "ddtrace", **env}  # fmt: skip
        key = tuple(sorted(env.items()))
        stack = step6_stacks.get(key)
        if stack is None:
            broker_url = env.get("CELERY_BROKER_URL") or own_redis_database(redis_url)
            stack = boot_stack(
                e2e_logs, redis_url, trace_agent.url, wrapper=(), repo=REPO, **{**env, "CELERY_BROKER_URL": broker_url}
            )
            if "CELERY_BROKER_URL" in env:
                own_stacks.append(stack)
            else:
                step6_stacks[key] = stack
        broker_url = stack.env["CELERY_BROKER_URL"]
        if "CELERY_BROKER_URL" not in env:  # a database of the test Redis: what an earlier test left there goes
            redis.Redis.from_url(broker_url).flushdb()
            redis.Redis.from_url(stack.redis_url).flushdb()
        running = QueueStack(stack, [], requests.Session(), broker_url)
        booted.append(running)  # its workers stopped after the test, whatever fails from here on
        for _ in range(workers):
            running.workers.append(start_worker({**stack.env, **(worker_env or {})}, e2e_logs))
        running.admin = admin_session(stack.api_url, *ADMIN)  # the user fresh databases come with
        return running

    yield boot
    for running in booted:
        for worker in running.workers:
            worker.kill()
    for stack in own_stacks:
        stack.kill()


def wait_for_memo(running: QueueStack, quote: str, timeout: float = 20) -> None:
    wait_until(lambda: running.memoized_quote() == quote, timeout=timeout, what=f"the memo to hold {quote!r}")


def wait_for_log_line(process: Process, line: str) -> None:
    """The worker logs its rethink just after the memo write a test sees first: under load, a moment later."""
    wait_until(lambda: line in process.log(), timeout=10, what=f"{process.name} to log {line!r}")


def edit_trace(agent: TraceAgent, response: requests.Response, runs: int = 1) -> list[Span]:
    """The trace of an admin edit, once the worker's part has arrived (`runs` task spans with their think)."""

    def complete(spans: list[Span]) -> bool:
        return bool(server_spans(spans, "thinker-api")) and len(by_name(spans, "think")) >= runs

    return agent.wait_for_trace(int(response.headers["X-Trace-Id"]), complete, timeout=30)


def parent_of(spans: list[Span], span: Span) -> Span:
    return next(candidate for candidate in spans if candidate["span_id"] == span["parent_id"])


# The admin's write, the worker's read and its database spans under each tracer: again on PostgreSQL (make test).
@pytest.mark.database
@pytest.mark.parametrize(("api", "worker"), TRACERS)
def test_an_admin_edit_warms_the_memo_through_the_worker_in_one_trace(queue_stack, trace_agent, api, worker):
    running = queue_stack(API_TRACER=api, worker_env={"WORKER_TRACER": worker})
    response = running.edit("War is what the worker thought.")
    assert response.status_code == 302

    wait_for_memo(running, "War is what the worker thought.")
    answer = think(running.stack, "war")
    assert answer.json()["quote"] == "War is what the worker thought."
    assert answer.headers["X-Think-Memo"] == "hit"  # the reader paid no miss

    spans = edit_trace(trace_agent, response)
    (request,) = server_spans(spans, "thinker-api")
    (enqueue,) = queue_spans(spans, "producer")
    (task,) = queue_spans(spans, "consumer")
    (thought,) = by_name(spans, "think")
    assert request["parent_id"] in (0, None), dump(spans)
    assert parent_of(spans, task) is enqueue, dump(spans)
    assert enqueue["service"] == "thinker-api" and task["service"] == thought["service"] == WORKER, dump(spans)
    assert parent_of(spans, thought) is task and thought["meta"]["subject"] == "war"
    under_think = [span for span in spans if span["parent_id"] == thought["span_id"]]
    assert database_spans(under_think) and redis_spans(under_think), dump(spans)
    # The worker's part ends after the admin has answered: the asynchronous part of the trace.
    assert task["start"] + task["duration"] > request["start"] + request["duration"]


def test_with_ddtraces_default_the_edit_and_the_task_are_two_traces(queue_stack, trace_agent):
    running = queue_stack(DD_CELERY_DISTRIBUTED_TRACING="false")
    response = running.edit("War is two traces.")
    wait_for_memo(running, "War is two traces.")
    spans = trace_agent.wait_for_trace(
        int(response.headers["X-Trace-Id"]), lambda spans: bool(queue_spans(spans, "producer"))
    )
    assert not queue_spans(spans, "consumer") and not by_name(spans, "think")
    task_id = queue_spans(spans, "producer")[0]["meta"]["celery.id"]

    def own_trace() -> Span | None:
        return next((span for span in trace_agent.all_spans()
                     if span["meta"].get("celery.id") == task_id and span["meta"].get("span.kind") == "consumer"), None)  # fmt: skip

    task = wait_until(own_trace, timeout=20, what="the worker's task span")
    assert task["parent_id"] in (0, None) and task["trace_id"] != spans[0]["trace_id"]


@pytest.mark.parametrize("api", ["ddtrace", "otel"])
def test_the_broker_down_at_save_loses_no_edit_and_no_reader_gets_the_old_quote(queue_stack, trace_agent, api):
    running = queue_stack(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/1", workers=0, API_TRACER=api)
    think(running.stack, "war")  # memoized: the old quote
    response = running.edit("War survives a dead broker.")
    assert response.status_code == 302  # the admin answers as usual

    answer = think(running.stack, "war")
    assert answer.json()["quote"] == "War survives a dead broker."  # committed, and the memo forgotten
    assert answer.headers["X-Think-Memo"] == "miss"
    log = running.stack.api.log()
    assert log.count("The broker is unreachable") == 1 and "Traceback" not in log, log[-3000:]
    if api == "otel":  # the instrumentation's producer span is left open, never sent (docs/tracing.md)
        spans = trace_agent.wait_for_trace(
            int(response.headers["X-Trace-Id"]), lambda s: server_spans(s, "thinker-api")
        )
        assert not queue_spans(spans, "producer"), dump(spans)
        return
    spans = trace_agent.wait_for_trace(
        int(response.headers["X-Trace-Id"]), lambda spans: bool(queue_spans(spans, "producer"))
    )
    (enqueue,) = queue_spans(spans, "producer")
    assert enqueue["error"] == 1 and "OperationalError" in enqueue["meta"].get("error.type", ""), dump(spans)


def test_a_task_waits_in_the_queue_until_a_worker_is_back(queue_stack, e2e_logs):
    running = queue_stack(workers=0)
    running.edit("War waits for its worker.")
    assert running.queued() == 1 and running.memoized_quote() is None
    running.workers.append(start_worker(running.stack.env, e2e_logs))
    wait_for_memo(running, "War waits for its worker.")
    assert running.queued() == 0


def test_a_worker_killed_mid_task_gives_the_task_back_and_it_runs_again(queue_stack):
    running = queue_stack(worker_env={"THINK_DELAY_SECONDS": "3", "CELERY_WORKER_CONCURRENCY": "1"})
    (worker,) = running.workers
    running.edit("War outlives its worker.")
    wait_until(lambda: "received" in worker.log(), timeout=15, what="the worker to take the task")
    (pool_process,) = worker.children()
    os.kill(pool_process, signal.SIGKILL)  # mid-think: it pauses 3 s

    wait_for_memo(running, "War outlives its worker.", timeout=30)
    assert "WorkerLostError" in worker.log()
    wait_for_log_line(worker, "Re-thought 'war'")
    assert worker.log().count("Re-thought 'war'") == 1


def test_a_whole_worker_killed_mid_task_leaves_the_task_to_the_next_worker(queue_stack, e2e_logs):
    """SIGKILL to the worker and its pool (an OOM kill, a node lost): its task was never acknowledged, and goes back
    to the queue after the visibility timeout, for whichever worker runs then."""
    # A short visibility timeout; the retries' longest delay below it, or the worker refuses to start.
    short = {"CELERY_VISIBILITY_TIMEOUT_SECONDS": "3", "RETHINK_RETRY_BACKOFF_MAX_SECONDS": "2"}
    slow = {"THINK_DELAY_SECONDS": "3", **short}
    running = queue_stack(worker_env=slow)  # the API only sends: the workers' visibility timeout is what counts
    (worker,) = running.workers
    running.edit("War outlives its whole worker.")
    wait_until(lambda: "received" in worker.log(), timeout=15, what="the worker to take the task")
    os.killpg(worker.pid, signal.SIGKILL)  # the worker, its pool processes, mid-think
    worker.popen.wait()
    assert running.memoized_quote() is None

    successor = start_worker({**running.stack.env, **short}, e2e_logs)
    running.workers.append(successor)
    wait_for_memo(running, "War outlives its whole worker.", timeout=60)
    wait_for_log_line(successor, "Re-thought 'war'")


@pytest.mark.database  # each save committed before its rethink reads it: again on PostgreSQL (make test)
def test_ten_saves_in_a_row_leave_the_memo_at_the_last(queue_stack):
    running = queue_stack(workers=2)
    for n in range(10):
        assert running.edit(f"War, edit {n}.").status_code == 302
    wait_until(lambda: running.queued() == 0, timeout=30, what="the queue to drain")
    wait_for_memo(running, "War, edit 9.", timeout=30)
    think_answer = think(running.stack, "war")
    assert think_answer.json()["quote"] == "War, edit 9." and think_answer.headers["X-Think-Memo"] == "hit"


def test_two_workers_share_the_tasks_and_think_about_one_subject_once_at_a_time(queue_stack, trace_agent):
    running = queue_stack(workers=2, worker_env={"CELERY_WORKER_CONCURRENCY": "1"})
    responses = [running.edit(f"War, shared {n}.") for n in range(6)]
    wait_until(lambda: running.queued() == 0, timeout=30, what="the queue to drain")
    wait_for_memo(running, "War, shared 5.", timeout=30)

    assert all("rethink" in worker.log() and "received" in worker.log() for worker in running.workers)  # spread
    # Each edit's rethink ends up holding the lock once: one that found it busy retries after a backoff.
    traces = [
        trace_agent.wait_for_trace(int(response.headers["X-Trace-Id"]), lambda spans: bool(locks_held(spans)), 30)
        for response in responses
    ]
    held = sorted(interval for spans in traces for interval in locks_held(spans))
    assert len(held) == len(responses), held
    assert all(end <= next_start for (_, end), (next_start, _) in zip(held, held[1:], strict=False)), held


def locks_held(spans: list[Span]) -> list[tuple[int, int]]:
    """When each think in the trace held its subject's lock: from the end of its last SET NX of the lock (the one
    that took it; those before found it held) to the start of its release (EVAL). A think that never took it has
    no release."""
    held = []
    for thought in by_name(spans, "think"):
        commands = sorted((span for span in redis_spans(spans) if span["parent_id"] == thought["span_id"]),
                          key=lambda span: span["start"])  # fmt: skip
        takes = [span for span in commands if span["meta"]["redis.raw_command"].startswith("SET") and ":lock" in
                 span["meta"]["redis.raw_command"]]  # fmt: skip
        releases = [span for span in commands if span["resource"] == "EVAL"]
        if releases:
            held.append((takes[-1]["start"] + takes[-1]["duration"], releases[0]["start"]))
    return held


def test_a_task_that_fails_retries_with_backoff_and_its_error_is_on_the_workers_span(queue_stack, trace_agent):
    dead_database = f"postgres://nobody@127.0.0.1:{closed_port()}/thinker"
    running = queue_stack(worker_env={"DATABASE_URL": dead_database, "RETHINK_MAX_RETRIES": "2"})
    (worker,) = running.workers
    response = running.edit("War needs its database.")

    spans = edit_trace(trace_agent, response, runs=3)  # the first run and its two retries, in the edit's trace
    tasks = sorted(queue_spans(spans, "consumer"), key=lambda span: span["start"])
    assert len(tasks) == 3 and tasks[-1]["error"] == 1, dump(spans)  # the last try's failure is the task's
    assert all(
        span["error"] == 1 and "OperationalError" in span["meta"]["error.type"] for span in by_name(spans, "think")
    )
    assert worker.log().count("Retry in") == 2 and worker.log().count("raised unexpected") == 1, worker.log()[-3000:]
    assert running.memoized_quote() is None  # nothing stale: readers think for themselves


def forged(envelope: dict, body: object = None, content_type: str = "application/json", **headers: object) -> bytes:
    """A copy of a real rethink's message as kombu keeps it on Redis, with its own id and delivery tag, and `body`
    (JSON unless it is bytes, encoded as Celery encodes one), its content type or `headers` changed."""
    message = json.loads(json.dumps(envelope))
    message["headers"].update(id=str(uuid.uuid4()), **headers)
    message["properties"]["delivery_tag"] = str(uuid.uuid4())
    message["content-type"] = content_type
    if body is not None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        message["body"] = base64.b64encode(raw).decode()
    return json.dumps(message).encode()


def test_messages_the_worker_cannot_run_are_kept_aside_and_the_next_one_runs(queue_stack, e2e_logs):
    """#44: a malformed message once ended the worker, was restored, and ended the next one, forever; wrong arguments
    were thought about (a 1 MB subject memoized and logged). Each is refused once, kept with why, and the edit
    queued behind them runs, in the same worker process."""
    running = queue_stack(workers=0)
    running.edit("War, behind the bad messages.")
    broker = redis.Redis.from_url(running.broker_url)
    edit = broker.rpop("celery")
    envelope = json.loads(edit)
    bad = {
        "not [args, kwargs, options]": forged(envelope, body={"a": 1}),
        "timelimit": forged(envelope, timelimit="abc"),
        "do not fit": forged(envelope, body=[[], {"topic": "war"}, {}]),
        "is a int": forged(envelope, body=[[123], {}, {}]),
        "is a list": forged(envelope, body=[[["war"]], {}, {}]),
        "is a dict": forged(envelope, body=[[{"subject": "war"}], {}, {}]),
        "no more than 32 characters": forged(envelope, body=[["war" * 350_000], {}, {}]),
        "control and invisible": forged(envelope, body=[["war\r\nSET x 1"], {}, {}]),
        "no task named": forged(envelope, task="thinker_app.tasks.nothing"),
        "application/x-yaml": forged(envelope, body=b"- [war]\n- {}\n- {}\n", content_type="application/x-yaml"),
    }
    broker.lpush("celery", *bad.values(), edit)  # taken from the right: the bad ones first

    (worker,) = running.workers = [start_worker(running.stack.env, e2e_logs)]
    wait_for_memo(running, "War, behind the bad messages.")
    wait_for_log_line(worker, "Re-thought 'war'")
    # The arguments are refused in the pool's two processes, which may finish after the edit's rethink; each refusal
    # is logged once it is kept.
    wait_until(lambda: worker.log().count("Refused task") >= len(bad), timeout=10, what="every refusal to be kept")
    kept = [json.loads(record) for record in broker.lrange("thinker:dead-letters", 0, -1)]
    assert len(kept) == len(bad), kept
    for why in bad:  # in the order the pool's processes finished, not the queue's
        assert [record for record in kept if why in record["reason"] and len(record["body"]) <= 4096], (why, kept)
    assert worker.popen.poll() is None and "Unrecoverable error" not in worker.log()
    assert worker.log().count("Refused task") == len(bad)
    assert max(map(len, worker.log().splitlines())) < 5000  # the 1 MB subject is in no log line
    assert broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def test_make_runs_worker_line_warms_the_memo_after_an_edit(e2e_logs, redis_url, trace_agent):
    """The Procfile's worker line, beside its runserver pair, as `make run` starts them; garbage pushed onto its queue
    by hand ends the worker inside kombu (#44: no hook there), and the keeper starts it again for the next edit."""
    broker_url = own_redis_database(redis_url)
    stack = boot_dev_stack(e2e_logs, redis_url, trace_agent.url, CELERY_BROKER_URL=broker_url)
    worker = start_procfile_line("worker", service_env(**stack.env), e2e_logs, 0)
    started = time.monotonic()
    try:
        worker.wait_ready(lambda: " ready." in worker.log())
        running = QueueStack(stack, [worker], admin_session(stack.api_url, *ADMIN), broker_url)
        assert running.edit("War, as make run's worker thought it.").status_code == 302
        wait_for_memo(running, "War, as make run's worker thought it.")
        assert think(stack, "war").headers["X-Think-Memo"] == "hit"

        # The keeper starts again only a worker that outlived its start-up window (a quick exit is a settings error).
        startup_seconds = runpy.run_path(str(REPO / "scripts" / "respawn.py"))["STARTUP_SECONDS"]
        time.sleep(max(0.0, startup_seconds - (time.monotonic() - started)))
        redis.Redis.from_url(broker_url).lpush("celery", b"this is not json at all")
        wait_until(lambda: "Unrecoverable error: JSONDecodeError" in worker.log(), timeout=10, what="kombu to fail")
        assert running.edit("War, after the garbage.").status_code == 302
        wait_for_memo(running, "War, after the garbage.", timeout=30)
        assert worker.log().count(" ready.") == 2
    finally:
        worker.kill()
        stack.kill()
