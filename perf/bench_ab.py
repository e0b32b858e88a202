"""Measure one lever: two traced stacks that differ only in environment, hits loaded in alternating turns.

    .venv/bin/python -m perf.bench_ab --b GUNICORN_ACCESS_LOG= --seconds 40 --turns 20
    .venv/bin/python -m perf.bench_ab --callgrind --b DD_TRACE_ENABLED=false
    .venv/bin/python -m perf.bench_ab --callgrind --b-floor
    git worktree add /tmp/before HEAD~1 && .venv/bin/python -m perf.bench_ab --callgrind --a-tree /tmp/before

With --b-floor, stack B is the Django floor (perf/django_floor) instead of ours: A ÷ B is then ours ÷ the floor,
#22's yardstick, which --callgrind counts steadier than make bench's wrk pairs.

A code change is a lever too: with --a-tree, stack A runs the code of another checkout (a worktree of the
commit before the change), stack B this one's. Both stacks boot as `make bench` boots ours (ddtrace-run gunicorn with gunicorn.conf.py and tracing.env, one
test agent, one redis-server, PostgreSQL when it answers), then take the same load in ABBA turns.

By default the load is wrk's, and it prints each stack's figures and B ÷ A for every pair of turns run back to
back: CPU per request (both services) and req/s. Run it once with no --a/--b to see the noise: two identical
stacks differ by a few percent, single pairs by up to 20%.

With --callgrind, each service runs under valgrind's callgrind (one worker each) and takes --hits sequential
hits per turn on one keep-alive connection; it prints the instructions each service executed per hit, all
threads and the gunicorn master included, and B ÷ A. Two identical stacks agree within 0.1% on an otherwise
idle machine, so a lever of 1% shows; other load widens that to 1-2% (timed background work, such as the
trace writer's flush each second, is counted per hit and a hit takes longer). Instructions are not time (no
cache misses, no kernel work): confirm a lever that matters with the wrk meter. Start-up takes a few minutes.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import requests

from harness.processes import REPO, Stack, wait_until
from perf.bench import (
    bench_services,
    boot,
    interleaved_loads,
    paired_ratios,
    postgres_database,
    process_tree,
)
from perf.boots import boot_django_floor


def assignment(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not key or not equals:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def described(env: list[tuple[str, str]], tree: Path | str | None = None) -> str:
    settings = " ".join(f"{key}={value}" for key, value in env)
    return " ".join(part for part in (f"[{tree}]" if tree else "", settings) if part) or "(defaults)"


def b_tree(args: argparse.Namespace) -> str | None:
    return "perf/django_floor" if args.b_floor else None


def timed(stacks: dict[str, Stack], args: argparse.Namespace) -> None:
    """wrk in alternating turns: CPU per request and req/s, B ÷ A per pair of turns."""
    interleaved_loads(stacks, args.path, args.connections, 4, slices=2)  # warm both up alike
    loads = interleaved_loads(stacks, args.path, args.connections, args.seconds, slices=args.turns)
    for name, env, tree in (("A", args.a, args.a_tree), ("B", args.b, b_tree(args))):
        load = loads[name]
        print(
            f"{name} {described(env, tree)}: {load['rps']:.0f} req/s, {load['cpu_ms_per_request']:.2f} ms CPU per request "
            f"(API {load['api_cpu_ms_per_request']:.2f}, thinker {load['thinker_cpu_ms_per_request']:.2f}), "
            f"p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms"
            + (f", {load['non_2xx']} non-2xx" if load["non_2xx"] else "")
        )
    for key, label in (("cpu_ms_per_request", "CPU per request"), ("rps", "req/s")):
        ratio = paired_ratios(loads["B"]["slices"], loads["A"]["slices"], key)
        print(f"B ÷ A {label}: {ratio['median']:.3f} (pairs {ratio['min']:.2f}–{ratio['max']:.2f}, {args.turns} turns)")


# Under valgrind a first miss takes seconds: timeouts that cannot fire on a hit's path, widened. One worker:
# a keep-alive client is served by one anyway.
CALLGRIND_ENV = {
    "GUNICORN_WORKERS": "1",
    "THINKER_TIMEOUT_SECONDS": "60",
    "REDIS_TIMEOUT_SECONDS": "10",
    "REDIS_CONNECT_TIMEOUT_SECONDS": "10",
    "THINK_LOCK_TIMEOUT_SECONDS": "60",
}


def callgrind_wrapper(logs: Path, name: str) -> tuple[str, ...]:
    """valgrind for stack `name`: its dumps are logs/callgrind-<name>.<pid>.<dump number>."""
    return (
        "valgrind",
        "--tool=callgrind",
        "--trace-children=yes",  # through ddtrace-run's exec, into the forked workers
        f"--callgrind-out-file={logs}/callgrind-{name}.%p",
        f"--vgdb-prefix={logs}/vgdb",
    )


def callgrind_dump(logs: Path, name: str, pids: list[int], label: str) -> dict[int, int]:
    """Ask each process for a dump (costs since its last one) and read its instruction total."""
    # vgdb finds a process by its pipes, named after $HOST, which the services set to their bind address.
    subprocess.run(
        ["callgrind_control", f"--vgdb-prefix={logs}/vgdb", f"--dump={label}", *map(str, pids)],
        env={**os.environ, "HOST": "127.0.0.1"},
        check=True,
        capture_output=True,
    )

    def latest_total(pid: int) -> int | None:
        """The total of the process's newest dump, once that dump is the one asked for and complete."""
        dumps = list(logs.glob(f"callgrind-{name}.{pid}.*"))
        if not dumps:
            return None
        text = max(dumps, key=lambda dump: int(dump.suffix[1:])).read_text(errors="replace")
        total = re.search(r"^totals: (\d+)$", text, re.M)
        return int(total.group(1)) if f"desc: Trigger: dump {label}\n" in text and total else None

    def totals() -> dict[int, int] | None:
        found = {pid: latest_total(pid) for pid in pids}
        return {pid: total for pid, total in found.items() if total is not None} if None not in found.values() else None

    return wait_until(totals, timeout=120, what=f"callgrind dumps '{label}' of stack {name}", interval=0.5)


def hits(stack: Stack, path: str, count: int) -> None:
    """`count` requests, one after the other on one keep-alive connection; each must answer 200."""
    with requests.Session() as session:
        for _ in range(count):
            response = session.get(stack.api_url + path, timeout=120)
            assert response.status_code == 200, response.text


def counted(stacks: dict[str, Stack], logs: Path, args: argparse.Namespace) -> None:
    """Hits in turns under callgrind: instructions per hit for each service, B ÷ A."""
    services = {
        name: {
            service: sorted(process_tree([process.pid]))
            for service, process in (("API", stack.api), ("thinker", stack.thinker))
        }
        for name, stack in stacks.items()
    }
    per_hit: dict[str, list[dict[str, float]]] = {name: [] for name in stacks}

    for name in stacks:
        hits(stacks[name], args.path, 100)  # warm up: first-request imports and caches
    for turn in range(args.turns):
        for name in stacks if turn % 2 == 0 else reversed(stacks):
            pids = [pid for tree in services[name].values() for pid in tree]
            callgrind_dump(logs, name, pids, f"before-{turn}")
            hits(stacks[name], args.path, args.hits)
            after = callgrind_dump(logs, name, pids, f"after-{turn}")
            per_hit[name].append(
                {service: sum(after[pid] for pid in tree) / args.hits / 1e6 for service, tree in services[name].items()}
            )

    def mean(name: str, service: str | None = None) -> float:
        turns = per_hit[name]
        return sum(turn[service] if service else sum(turn.values()) for turn in turns) / len(turns)

    for name, env, tree in (("A", args.a, args.a_tree), ("B", args.b, b_tree(args))):
        print(
            f"{name} {described(env, tree)}: {mean(name):.3f} M instructions per hit "
            f"(API {mean(name, 'API'):.3f}, thinker {mean(name, 'thinker'):.3f}); "
            f"turns {', '.join(f'{sum(turn.values()):.3f}' for turn in per_hit[name])}"
        )
    print(
        f"B ÷ A instructions per hit: {mean('B') / mean('A'):.4f} "
        f"(API {mean('B', 'API') / mean('A', 'API'):.4f}, thinker {mean('B', 'thinker') / mean('A', 'thinker'):.4f})"
    )
    if args.b_floor:
        print(
            f"A ÷ B, ours ÷ the Django floor: {mean('A') / mean('B'):.4f} "
            f"(API {mean('A', 'API') / mean('B', 'API'):.4f}, thinker {mean('A', 'thinker') / mean('B', 'thinker'):.4f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--a",
        type=assignment,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment for stack A (repeatable)",
    )
    parser.add_argument(
        "--b",
        type=assignment,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="environment for stack B (repeatable)",
    )
    parser.add_argument(
        "--a-tree", type=Path, metavar="DIR", help="stack A runs the code of this checkout (default: this one)"
    )
    parser.add_argument(
        "--b-floor", action="store_true", help="stack B is the Django floor (perf/django_floor), with --b's environment"
    )
    parser.add_argument("--path", default="/think/?subject=war", help="what is requested (default: a cache hit)")
    parser.add_argument("--seconds", type=int, default=30, help="wrk: load per stack, split into turns (default 30)")
    parser.add_argument("--turns", type=int, help="alternating turns per stack (default 10; 2 with --callgrind)")
    parser.add_argument("--connections", type=int, default=8, help="wrk: connections (default 8)")
    parser.add_argument("--callgrind", action="store_true", help="count instructions under valgrind instead of wrk")
    parser.add_argument("--hits", type=int, default=200, help="--callgrind: sequential hits per turn (default 200)")
    args = parser.parse_args()
    if args.callgrind and not shutil.which("valgrind"):
        sys.exit("--callgrind needs valgrind (apt-get install valgrind)")
    args.turns = args.turns or (2 if args.callgrind else 10)

    with bench_services("thinker-ab-") as (logs, agent, redis_url, stacks):
        for name, env, tree in (("A", dict(args.a), args.a_tree), ("B", dict(args.b), None)):
            if args.callgrind:
                env = {**CALLGRIND_ENV, **env}
            wrapper = callgrind_wrapper(logs, name) if args.callgrind else ()
            if name == "B" and args.b_floor:
                stacks[name] = boot_django_floor(logs, redis_url, agent.url, wrapper=wrapper, **env)
            else:
                stacks[name] = boot(
                    logs, redis_url, agent.url, postgres_database(), env, wrapper=wrapper, repo=(tree or REPO).resolve()
                )
            hits(stacks[name], "/think/?subject=war", 1)  # memoize the hit subject
        if args.callgrind:
            counted(stacks, logs, args)
        else:
            timed(stacks, args)


if __name__ == "__main__":
    main()
