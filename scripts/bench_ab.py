#!/usr/bin/env python
"""Measure one lever: two traced stacks that differ only in environment, hits loaded in alternating turns.

    .venv/bin/python scripts/bench_ab.py --b GUNICORN_ACCESS_LOG= --seconds 40 --turns 20

Both stacks boot as `make bench` boots ours (ddtrace-run gunicorn with gunicorn.conf.py and tracing.env, one
test agent, one redis-server, PostgreSQL when it answers), then take the same wrk load in ABBA turns. It prints
each stack's figures and B ÷ A for every pair of turns run back to back: CPU per request (both services) and
req/s. Run it once with no --a/--b to see the noise: two identical stacks differ by a few percent.
"""
import argparse

from bench import bench_services, boot, interleaved_loads, paired_ratios, postgres_database  # puts the repo on sys.path
from harness.processes import think


def assignment(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not key or not equals:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", type=assignment, action="append", default=[], metavar="KEY=VALUE",
                        help="environment for stack A (repeatable)")
    parser.add_argument("--b", type=assignment, action="append", default=[], metavar="KEY=VALUE",
                        help="environment for stack B (repeatable)")
    parser.add_argument("--seconds", type=int, default=30, help="load per stack, split into turns (default 30)")
    parser.add_argument("--turns", type=int, default=10, help="alternating turns per stack (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--path", default="/think/?subject=war", help="what wrk requests (default: a cache hit)")
    args = parser.parse_args()

    with bench_services("thinker-ab-") as (logs, agent, redis_url, stacks):
        for name, env in (("A", dict(args.a)), ("B", dict(args.b))):
            stacks[name] = boot(logs, redis_url, agent.url, postgres_database(), **env)
            assert think(stacks[name], "war").status_code == 200  # memoize the hit subject
        interleaved_loads(stacks, args.path, args.connections, 4, slices=2)  # warm both up alike
        loads = interleaved_loads(stacks, args.path, args.connections, args.seconds, slices=args.turns)

    for name, env in (("A", args.a), ("B", args.b)):
        load = loads[name]
        print(f"{name} {' '.join(f'{k}={v}' for k, v in env) or '(defaults)'}: {load['rps']:.0f} req/s, "
              f"{load['cpu_ms_per_request']:.2f} ms CPU per request, p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms"
              + (f", {load['non_2xx']} non-2xx" if load["non_2xx"] else ""))
    for key, label in (("cpu_ms_per_request", "CPU per request"), ("rps", "req/s")):
        ratio = paired_ratios(loads["B"]["slices"], loads["A"]["slices"], key)
        print(f"B ÷ A {label}: {ratio['median']:.3f} (pairs {ratio['min']:.2f}–{ratio['max']:.2f}, {args.turns} turns)")


if __name__ == "__main__":
    main()
