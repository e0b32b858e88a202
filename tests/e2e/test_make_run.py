"""`make run`'s processes (the Procfile's lines, each under scripts/respawn.py) come back by themselves when one
dies, and the others carry on: what docs/faults.md promises holds under make run as under gunicorn."""

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from harness.processes import (
    BIN,
    REPO,
    Process,
    Stack,
    TraceAgent,
    boot_dev_stack,
    command_line,
    free_port,
    proc_stats,
    process_tree,
    redis_answers,
    service_env,
    start_procfile_line,
    think,
    wait_until,
)


def descendants(pid: int) -> list[int]:
    return sorted(set(process_tree([pid])) - {pid})


def kept(process: Process) -> int:
    """The pid of what respawn.py keeps running for this Procfile line (the leader of its own process group)."""
    # The line's shell execs the keeper: it is the line's process itself.
    (keeper,) = [pid for pid in process_tree([process.pid]) if "scripts/respawn.py" in command_line(pid)]
    (child,) = [pid for pid, (parent, _) in proc_stats().items() if parent == keeper]
    return child


def restarted(process: Process, killed: int) -> bool:
    """Whether respawn.py runs a new process for the line in place of `killed` (none while it waits to start one)."""
    try:
        return kept(process) != killed
    except ValueError:
        return False


def kill(process: Process) -> int:
    """SIGKILL the process a Procfile line runs, with its own children (runserver's autoreloader and server)."""
    pid = kept(process)
    os.killpg(pid, signal.SIGKILL)
    return pid


def fresh_subject() -> str:
    return f"respawn-{secrets.token_hex(3)}"


def status_of(stack: Stack, subject: str) -> int | None:
    """/think/'s status, or None while nothing listens (the API itself down)."""
    try:
        return think(stack, subject).status_code
    except requests.ConnectionError:
        return None


@pytest.fixture(scope="module")
def killable_dev_stack(e2e_logs: Path, redis_url: str, trace_agent: TraceAgent) -> Iterator[Stack]:
    """make run's thinker and API, for this module's tests alone: they kill them."""
    stack = boot_dev_stack(e2e_logs, redis_url, trace_agent.url, THINK_DELAY_SECONDS="0.2")
    yield stack
    stack.kill()


@pytest.fixture
def dev_stack_alone(killable_dev_stack: Stack) -> Stack:
    """The module's pair with both servers answering: each test kills one and checks that it comes back, so the next
    finds both again (and if one did not come back, the next test fails here, not in its own checks)."""
    wait_until(
        lambda: status_of(killable_dev_stack, fresh_subject()) == 200, timeout=60, what="make run's pair answering"
    )
    return killable_dev_stack


def test_a_thinker_that_dies_comes_back_by_itself_and_the_api_is_untouched(dev_stack_alone):
    stack = dev_stack_alone
    api_processes = sorted(descendants(stack.api.pid))
    killed = kill(stack.thinker)

    assert think(stack, fresh_subject()).status_code == 502  # while it is down, as docs/faults.md says
    wait_until(lambda: status_of(stack, fresh_subject()) == 200, timeout=60, what="the thinker back")

    assert kept(stack.thinker) != killed
    assert sorted(descendants(stack.api.pid)) == api_processes
    assert "starting it again" in stack.thinker.log()


def test_a_thinker_whose_autoreloader_alone_dies_comes_back_without_the_orphan_it_left(dev_stack_alone):
    # runserver's server process outlives its autoreloader and keeps the port: respawn ends it before starting again.
    stack = dev_stack_alone
    reloader = kept(stack.thinker)
    (server,) = descendants(reloader)
    os.kill(reloader, signal.SIGKILL)
    try:
        wait_until(
            lambda: restarted(stack.thinker, reloader) and status_of(stack, fresh_subject()) == 200,
            timeout=60,
            what="a new thinker",
        )
        assert not Path(f"/proc/{server}").exists()
    finally:
        if "runserver" in command_line(server):  # left behind (what this test catches): it must not outlive the run
            os.kill(server, signal.SIGKILL)


def test_a_killed_api_comes_back_by_itself(dev_stack_alone):
    killed = kill(dev_stack_alone.api)
    wait_until(lambda: status_of(dev_stack_alone, "war") == 200, timeout=60, what="the API back")
    assert kept(dev_stack_alone.api) != killed


def test_make_runs_start_and_a_browsers_icon_leave_no_trace_above_the_learners(dev_stack_alone, trace_agent):
    # Each runserver checks for unapplied migrations as it starts: ten one-span sqlite traces, which ddtrace's trace
    # filter drops with Celery's broker upkeep; and a browser asks for /favicon.ico beside every page it opens.
    stack = dev_stack_alone
    assert requests.get(f"{stack.api_url}/favicon.ico", timeout=10).status_code == 404
    trace_id = think(stack, fresh_subject()).headers["X-Trace-Id"]
    # Flushed after whatever the servers traced before it: their start-up and the icon's request.
    trace_agent.wait_for_trace(
        trace_id, lambda spans: {"thinker-api", "thinker-microservice"} <= {s["service"] for s in spans}
    )
    traces = trace_agent.traces()
    assert not [trace for trace in traces if any(not s["parent_id"] and s["type"] in ("sql", "redis") for s in trace)]
    assert not [trace for trace in traces if any("/favicon.ico" in s["meta"].get("http.url", "") for s in trace)]


@pytest.fixture
def dev_redis(e2e_logs: Path) -> Iterator[tuple[str, Process]]:
    """The Procfile's redis line, starting a redis-server of its own on a free port (nothing answers there)."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    process = start_procfile_line("redis", service_env(REDIS_URL=url), e2e_logs, port)
    process.wait_ready(lambda: redis_answers(port))
    yield url, process
    process.kill()


def test_a_redis_that_dies_comes_back_and_the_memo_resumes_while_the_api_answers(e2e_logs, dev_redis, trace_agent):
    redis_url, redis_line = dev_redis
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    stack = boot_dev_stack(e2e_logs, redis_url, trace_agent.url, THINK_DELAY_SECONDS="0.2")
    try:
        before = think(stack, subject := fresh_subject())
        assert (before.status_code, think(stack, subject).headers["X-Think-Memo"]) == (200, "hit")

        killed = kill(redis_line)
        # Redis is away for a second at least (respawn's first pause): the thinker thinks without its memo.
        during = think(stack, fresh_subject())
        assert during.status_code == 200
        assert during.headers["X-Think-Memo"] == "miss"
        wait_until(lambda: "Redis unreachable" in stack.thinker.log(), timeout=10, what="the thinker's warning")

        wait_until(lambda: redis_answers(port), timeout=30, what="redis-server back")
        assert kept(redis_line) != killed
        after = fresh_subject()
        assert [think(stack, after).headers["X-Think-Memo"] for _ in range(2)] == ["miss", "hit"]
        assert stack.api.running() and stack.thinker.running()
    finally:
        stack.kill()


@pytest.mark.parametrize(
    ("step", "redis_answers", "without"),
    [("5", True, "--concurrency worker=0,redis=0"), ("6", True, "--concurrency redis=0"), ("6", False, ""),
     ("1", False, "--concurrency worker=0")],
)  # fmt: skip
def test_make_run_starts_the_worker_at_step_6_and_a_redis_only_where_none_answers(
    redis_url, step, redis_answers, without
):
    # The worker idles before step 6 (nothing is queued), and a redis line beside a Redis would only wait.
    url = redis_url if redis_answers else f"redis://127.0.0.1:{free_port()}/0"
    banner = subprocess.run(
        [sys.executable, "scripts/banner.py"], env={**os.environ, "STEP": step, "REDIS_URL": url}, cwd=REPO,
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert banner.returncode == 0, banner.stderr
    assert banner.stdout.strip() == without
    assert f"step {step} of 6" in banner.stderr
    recipe = (REPO / "Makefile").read_text()
    assert "without=$$($(HONCHO) run python scripts/banner.py) &&" in recipe and "$(HONCHO) start $$without" in recipe


def test_a_line_that_fails_at_start_up_is_not_retried(tmp_path):
    # A settings error, a taken port: its exit stops make run with the error last, instead of a restart loop.
    result = subprocess.run(
        [sys.executable, "scripts/respawn.py", sys.executable, "-c", "raise SystemExit(3)"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 3
    assert "failed at start-up (exit 3); not starting it again" in result.stdout


def test_honchos_stop_ends_the_line_and_everything_it_started(e2e_logs):
    port = free_port()
    process = Process(
        "respawned-server",
        [sys.executable, "scripts/respawn.py", sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        dict(os.environ),
        e2e_logs / f"respawned-{port}.log",
    ).start()
    process.wait_ready(lambda: requests.get(f"http://127.0.0.1:{port}/", timeout=1).ok)
    (server,) = descendants(process.pid)
    assert process.popen is not None
    process.popen.send_signal(signal.SIGTERM)  # what honcho sends each process on Ctrl-C
    assert process.popen.wait(timeout=15) == 0
    wait_until(lambda: not Path(f"/proc/{server}").exists(), timeout=10, what="the server to stop")


def test_the_banner_names_the_step_the_services_run_not_the_shells(tmp_path):
    # honcho lets .env win over the shell: the banner is printed through it, as the services are started.
    env_file = tmp_path / ".env"
    env_file.write_text("STEP=2\n")
    banner = subprocess.run(
        [str(BIN / "honcho"), "-e", f"tracing.env,{env_file}", "run", sys.executable, "scripts/banner.py"],
        env={**os.environ, "STEP": "4"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "step 2 of 6, joined by hand" in banner.stderr
    assert "$(HONCHO) run python scripts/banner.py" in (REPO / "Makefile").read_text()


def test_a_step_the_services_would_refuse_stops_make_run_before_they_start():
    refused = subprocess.run(
        [sys.executable, "scripts/banner.py"], env={**os.environ, "STEP": "9"}, cwd=REPO, capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "STEP must be one of 1 (broken in two)" in refused.stderr


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (
            "THINK_DELAY_SECONDS",
            "-1",
            "THINK_DELAY_SECONDS must be a number of at least 0; not '-1'.",
        ),  # thinks all 500
        ("THINK_CACHE_TTL_SECONDS", "-5", "THINK_CACHE_TTL_SECONDS must be a whole number of at least 1"),  # no memo
        ("THINKER_TIMEOUT_SECONDS", "soon", "THINKER_TIMEOUT_SECONDS must be a number above 0; not 'soon'."),
        ("TRACE_PAGES_OPEN", "maybe", "TRACE_PAGES_OPEN must be true or false"),
        ("DD_TRACE_SAMPLING_RULES", '[{"sample_rate": 2}]', "DD_TRACE_SAMPLING_RULES must be a JSON list of rules"),
        ("DD_DBM_PROPAGATION_MODE", "bogus", "DD_DBM_PROPAGATION_MODE must be one of disabled, service, full"),
    ],
)
def test_a_value_the_services_would_refuse_stops_make_run_with_one_line_naming_it(variable, value, says):
    """#44, 9: each of these started, then failed every think, never memoized, or printed tracebacks."""
    env = {**os.environ, "DJANGO_SECRET_KEY": "x", variable: value}
    refused = subprocess.run([sys.executable, "scripts/banner.py"], env=env, cwd=REPO, capture_output=True, text=True)
    assert refused.returncode != 0 and refused.stdout == ""
    assert refused.stderr.splitlines() == [refused.stderr.strip()] and says in refused.stderr, refused.stderr


def test_make_run_itself_stops_on_such_a_value_before_migrate_prints_a_traceback(tmp_path):
    # The learner's .env is left alone (-o: not made where it is missing; docker compose would read it): the test's
    # own stands in for it in the Makefile's honcho command.
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_SECRET_KEY=x\nTHINK_DELAY_SECONDS=-1\n")
    honcho = f'PATH="{BIN}:$PATH" {BIN / "honcho"} -e tracing.env,{env_file}'
    with subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".env", "run", f"HONCHO={honcho}"], cwd=REPO, text=True,
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as make:  # fmt: skip
        try:
            out, err = make.communicate(timeout=60)
        finally:
            if make.poll() is None:  # it started the services after all: stop all of it
                os.killpg(make.pid, signal.SIGKILL)
    assert make.returncode != 0
    assert err.splitlines()[0] == "make run: THINK_DELAY_SECONDS must be a number of at least 0; not '-1'."
    assert "Traceback" not in out + err and "migrate" not in out
