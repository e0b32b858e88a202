"""schemathesis against the running services: generated requests, no 5xx, every response as documented."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.processes import Stack, boot_stack, start_trace_agent

MIN_REQUESTS = 1000
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.fixture
def fuzz_stack(e2e_logs: Path, redis_url: str) -> Iterator[Stack]:
    """A stack for one operation's fuzzing, so that the operations fuzz side by side (make test's processes), with a
    trace agent of its own: its thousand traces would slow every later read of the session's whole store.
    No pause: a thousand generated subjects are a thousand misses."""
    agent = start_trace_agent(e2e_logs)
    stack = boot_stack(e2e_logs, redis_url, agent.url, THINK_DELAY_SECONDS="0", GUNICORN_WORKERS="1")
    yield stack
    stack.kill()
    agent.process.stop()


def fuzz(schema_url: str, base_url: str, path: str, report_dir: Path) -> subprocess.CompletedProcess:
    """schemathesis on the operation at `path` alone: in one run over two operations, one's fuzzing phase
    once sent nothing (CI: 23 requests from its coverage phase, 1003 to the other operation)."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"), "run", schema_url, "--include-path", path,
            "--url", base_url, "--checks", CHECKS, "--max-examples", str(MIN_REQUESTS),
            "--workers", "4", "--seed", "20261125", "--request-timeout", "10",
            "--report", "junit", "--report-dir", str(report_dir),
        ],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def served(process_log: str, path: str) -> list[str]:
    """gunicorn's access-log lines for GET `path` (with or without a query string)."""
    return [line for line in process_log.splitlines() if f'"GET {path}?' in line or f'"GET {path} ' in line]


@pytest.mark.parametrize(
    ("service", "schema_path", "operation_path"),
    [
        ("api", "/api/schema/", "/think/"),
        ("api", "/api/schema/", "/"),
        # Generated subjects, unvalidated by the API, reach the thinker's query: again on PostgreSQL (make test),
        # which refuses what SQLite takes (a NUL byte). The API passes the thinker only subjects it validated.
        pytest.param("thinker", "/schema/", "/", marks=pytest.mark.database),
    ],
)
def test_schemathesis_finds_no_server_error_and_no_undocumented_response(
    fuzz_stack, tmp_path, service, schema_path, operation_path
):
    process = getattr(fuzz_stack, service)
    base_url = getattr(fuzz_stack, f"{service}_url")
    before = len(served(process.log(), operation_path))

    result = fuzz(base_url + schema_path, base_url, operation_path, tmp_path)

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    reached = served(process.log(), operation_path)[before:]
    assert len(reached) >= MIN_REQUESTS, f"only {len(reached)} generated requests reached {service} {operation_path}"
    assert not [line for line in reached if '" 5' in line]
