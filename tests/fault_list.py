"""Deliberate one-line faults across the system, each of which `make test` must catch (docs/testing.md).

A change to how the suite runs (shared stacks, parallel processes, fewer passes) must not stop it catching what it
caught: replay the list before and after. For each fault: apply it to the checkout, run the tests named for it (a
part of make test, on SQLite as its first pass runs), restore the file, and say whether they failed.

    python -m tests.fault_list              # every fault
    python -m tests.fault_list 3 7          # these
    python -m tests.fault_list --tree DIR   # another checkout's code and tests (another commit's worktree)
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Fault:
    what: str
    path: str
    line: str  # the line as it is, which must occur once in the file
    faulty: str  # what it becomes
    tests: tuple[str, ...]  # pytest's arguments: the tests that must fail


FAULTS = [
    Fault(
        "propagation off at step 3",
        "core/steps.py",
        'Step(3, "joined automatically", "auto", datastore=False, memo=False),',
        'Step(3, "joined automatically", "off", datastore=False, memo=False),',
        ("tests/e2e/test_steps.py", "-k", "gunicorn-step3"),
    ),
    Fault(
        "the public edge continues a client's trace",
        "core/service.py",
        "continues_incoming=False,",
        "continues_incoming=True,",
        ("tests/e2e/test_propagation.py",),
    ),
    Fault(
        "the memo key built without encoding",
        "thoughts/memo.py",
        "return f\"think:{quote(subject, safe='')}\"",
        'return f"think:{subject}"',
        ("tests/thoughts/test_memo.py",),
    ),
    Fault(
        "the single-flight lock never released",
        "thoughts/memo.py",
        "cache.client.get_client(write=True).eval(_RELEASE, 1, self.lock, self.token)",
        "pass",
        ("tests/thinker_app/test_single_flight.py", "tests/thinker_app/test_services.py"),
    ),
    Fault(
        "the admin's lockout off",
        "thinkproject/settings/api.py",
        'AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)',
        'AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5000, minimum=1)',
        ("tests/api_app/test_admin_login.py",),
    ),
    Fault(
        "the worker drops the trace headers",
        "tracing.env",
        "DD_CELERY_DISTRIBUTED_TRACING=true",
        "DD_CELERY_DISTRIBUTED_TRACING=false",
        ("tests/e2e/test_queue.py", "-k", "one_trace and ddtrace-ddtrace"),
    ),
    Fault(
        "a failing thinker mapped to a 500",
        "api_app/thinker_client.py",
        "status_code = 502",
        "status_code = 500",
        ("tests/e2e/test_errors.py",),
    ),
    Fault(
        "the thinker's timeout ignored",
        "api_app/thinker_client.py",
        'params, timeout = {"subject": subject}, settings.THINKER_TIMEOUT_SECONDS',
        'params, timeout = {"subject": subject}, None',
        ("tests/e2e/test_errors.py", "-k", "slower_than_the_timeout"),
    ),
    Fault(
        "a worker killed mid-task loses its task",
        "thinkproject/settings/base.py",
        "CELERY_TASK_ACKS_LATE = True",
        "CELERY_TASK_ACKS_LATE = False",
        ("tests/e2e/test_queue.py", "-k", "killed_mid_task"),
    ),
    Fault(
        "the memo never expires",
        "thoughts/memo.py",
        "cache.set(key, value, timeout=settings.THINK_CACHE_TTL_SECONDS)",
        "cache.set(key, value, timeout=None)",
        ("tests/e2e/test_concurrency.py", "-k", "expires"),
    ),
    Fault(
        "the think span loses its subject",
        "thinker_app/services.py",
        'with traced_span("think", subject=subject) as span:\n        if not settings.STEP.memo:',
        'with traced_span("think") as span:\n        if not settings.STEP.memo:',
        ("tests/e2e/test_workshop.py", "-k", "miss_is_one_trace"),
    ),
    Fault(
        "Redis away fails the request",
        "thoughts/memo.py",
        "_REDIS_ERRORS = (ConnectionInterrupted, RedisError, OSError)",
        "_REDIS_ERRORS = (ConnectionInterrupted,)",
        ("tests/e2e/test_faults.py", "-k", "redis"),
    ),
    Fault(
        "log lines without their trace id",
        "thinkproject/settings/base.py",
        '"dd.version=%(dd.version)s dd.trace_id=%(dd.trace_id)s dd.span_id=%(dd.span_id)s] "',
        '"dd.version=%(dd.version)s dd.span_id=%(dd.span_id)s] "',
        ("tests/e2e/test_workshop.py", "-k", "log_lines"),
    ),
    Fault(
        "make run's keeper leaves a dead autoreloader's server holding the port",
        "scripts/respawn.py",
        "            os.killpg(child.pid, signal.SIGKILL)\n        except ProcessLookupError:",
        "            pass\n        except ProcessLookupError:",
        ("tests/e2e/test_make_run.py", "-k", "autoreloader"),
    ),
]


def replay(fault: Fault, tree: Path) -> tuple[bool, float, str]:
    """Apply `fault` in `tree`, run its tests, restore the file: whether they failed, how long they took, the tail
    of their output."""
    path = tree / fault.path
    original = path.read_text()
    assert original.count(fault.line) == 1, f"{fault.path} no longer has the line of {fault.what!r} once"
    path.write_text(original.replace(fault.line, fault.faulty))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}  # make test's first pass
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *fault.tests],
            cwd=tree, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        path.write_text(original)
    # 1: tests failed. 0 passed the fault; 2-5 (interrupted, internal error, usage, nothing ran) are no catch either.
    return result.returncode == 1, time.monotonic() - started, (result.stdout + result.stderr)[-1500:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("numbers", nargs="*", type=int, help="the faults to replay (1-based); all by default")
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout to break and test")
    args = parser.parse_args()
    chosen = args.numbers or range(1, len(FAULTS) + 1)
    missed = 0
    for number in chosen:
        fault = FAULTS[number - 1]
        caught, seconds, output = replay(fault, args.tree.resolve())
        print(f"{number:2}. {'caught' if caught else 'MISSED'} in {seconds:4.0f} s: {fault.what}", flush=True)
        if not caught:
            missed += 1
            print(output)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
