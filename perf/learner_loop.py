"""make bench-loop: the learner's loop, timed as a learner meets it (perf/BENCHMARKS.md, "The learner's loop").

1. Clone to first joined trace: `git clone`, then `make run` (with --fresh-clone: in a new clone, the package caches
   off, so every package comes from the index), until the README's first curl answers and the test agent holds its
   trace with both services' spans.
2. A step change: Ctrl-C, then `STEP=N make run` again, until the API answers (three times; the median).
3. What make run holds at step 6 right after the README's curls: its processes and their RSS summed, as ps reports it.
4. What its terminal shows meanwhile: lines by process, and lines that repeat.

It runs make run on its own ports (5000, 5001, 8126, 8080, 4317, 4318): stop yours first.
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from harness.processes import TraceStore, command_line, process_tree, wait_until

REPO = Path(__file__).resolve().parent.parent
API = "http://127.0.0.1:5000"
AGENT = "http://127.0.0.1:8126"
PORTS = (5000, 5001, 8126, 8080, 4317, 4318)
SERVICES = {"thinker-api", "thinker-microservice"}
# The README's curls ("The workshop's curls"), in its order.
README_CURLS = [
    f"{API}/think/?subject=war",
    f"{API}/think/?subject=war",
    f"{API}/think/?subject=mankind",
    f"{API}/think/?subject=music",
    f"{API}/think/?subject=art",
    f"{API}/think/?subject=war&subject=music",
    f"{API}/think/?subject=",
    "http://127.0.0.1:5001/?subject=war",
    f"{API}/",
    f"{API}/api/schema/",
]
TIMEOUT_SECONDS = 600
# honcho's prefix: "12:00:01 api.1     | ..."
PREFIX = re.compile(r"^\d\d:\d\d:\d\d (\S+)\s*\| ?(.*)$")


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def seconds_until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT_SECONDS) -> float:
    """Seconds until `check()` is true, polled every 0.1 s."""
    started = time.monotonic()
    wait_until(check, timeout=timeout, what=what, interval=0.1)
    return time.monotonic() - started


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def joined(trace_id: str) -> bool:
    """Whether the test agent holds the trace with spans of both services."""
    try:
        return SERVICES <= {span.get("service") for span in TraceStore(AGENT).spans(trace_id)}
    except (requests.RequestException, ValueError):
        return False


def rss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)


class MakeRun:
    """`make run` in `checkout`, in a session of its own, its terminal written to `log`."""

    def __init__(self, checkout: Path, step: int, log: Path, env: dict[str, str]) -> None:
        self.log = log
        with log.open("w") as out:
            self.popen = subprocess.Popen(
                ["make", "run"], cwd=checkout, env={**env, "STEP": str(step)}, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def stop(self) -> float:
        """Ctrl-C, as a learner stops it; seconds until everything it started has gone."""
        started = time.monotonic()
        os.killpg(self.popen.pid, signal.SIGINT)
        try:
            self.popen.wait(timeout=60)
            seconds_until(lambda: not any(port_taken(port) for port in PORTS), "ports free", timeout=30)
        finally:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return time.monotonic() - started

    def holds(self) -> list[tuple[int, int, str]]:
        """(RSS in KB, pid, command) of every process it started."""
        return sorted(
            ((rss_kb(pid), pid, command_line(pid).strip()) for pid in process_tree([self.popen.pid])), reverse=True
        )


def terminal(log: Path) -> dict[str, object]:
    """Lines by process (honcho's prefix; make's own and the banner as `make`), and the texts seen more than twice."""
    by_process: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        match = PREFIX.match(line)
        name, text = (match.group(1), match.group(2)) if match else ("make", line)
        by_process[name] += 1
        texts[re.sub(r"\d+", "N", text)] += 1
    repeated = {text: count for text, count in texts.items() if count > 2 and text.strip()}
    return {"lines": sum(by_process.values()), "by_process": dict(by_process), "repeated": repeated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh-clone", action="store_true", help="clone this repository and install from nothing")
    parser.add_argument("--step", type=int, default=5, help="the step changed to (default 5)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    if taken := [port for port in PORTS if port_taken(port)]:
        sys.exit(f"bench-loop: ports {taken} are taken: stop the make run (or whatever holds them) first")
    env = {key: value for key, value in os.environ.items() if key not in ("STEP", "VIRTUAL_ENV")}
    workdir = Path(tempfile.mkdtemp(prefix="bench-loop-"))
    figures: dict[str, object] = {"cores": os.cpu_count(), "fresh_clone": args.fresh_clone}
    started = time.monotonic()
    if args.fresh_clone:
        checkout = workdir / "thinker"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(checkout)], check=True)
        # Every package downloaded, as on a machine that never installed them.
        env.update(UV_NO_CACHE="1", PIP_NO_CACHE_DIR="1")
    else:
        checkout = REPO
    run = MakeRun(checkout, 6, workdir / "run-6.log", env)
    try:
        seconds_until(lambda: answers(README_CURLS[0]), "answer from the API")
        trace_id = requests.get(README_CURLS[0], timeout=5).headers["X-Trace-Id"]
        seconds_until(lambda: joined(trace_id), "joined trace in the test agent", timeout=30)
        figures["clone_to_first_joined_trace_s"] = round(time.monotonic() - started, 1)
        for url in README_CURLS:
            requests.get(url, timeout=10)
        held = run.holds()
        figures["processes_at_step_6"] = len(held)
        figures["rss_mb_at_step_6"] = round(sum(kb for kb, _, _ in held) / 1024)
        figures["largest"] = [f"{kb // 1024} MB {command[:100]}" for kb, _, command in held[:8]]
    finally:
        figures["stop_s"] = round(run.stop(), 1)
    figures["terminal_at_step_6"] = terminal(run.log)
    changes = []
    for turn in range(3):
        run = MakeRun(checkout, args.step, workdir / f"run-{args.step}-{turn}.log", env)
        try:
            changes.append(round(seconds_until(lambda: answers(README_CURLS[0]), "answer after a step change"), 1))
        finally:
            run.stop()
    figures["step_change_s"] = changes
    figures["step_change_median_s"] = statistics.median(changes)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    print(f"logs: {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
