"""make bench: start the stack as docker compose runs it, measure it with bounded loads, print one table.

Stacks: gunicorn with gunicorn.conf.py under ddtrace-run, the test agent, a private redis-server, and
PostgreSQL when POSTGRES_TEST_SERVER_URL answers (else SQLite); one traced, one with DD_TRACE_ENABLED=false, three
with the OpenTelemetry SDK on one or both services; the workshop's own Flask app (perf/flask_seed), the peer, the
same two ways; the Django floor (perf/django_floor: each service's framework choices, none of our code), the yardstick, the
same two ways; and the floor (perf/floor: the two hops with no framework and no tracing). All are up at once and
loaded in alternating turns (the machine's speed drifts; see interleaved_loads), so "cheaper than the floor's"
compares one machine with itself.
Loads: wrk on loopback, fixed durations. Writes perf/results/ (git-ignored): results.json, results.md and latency.png.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import redis

from harness.processes import (
    POSTGRES_SERVER,
    REPO,
    Stack,
    TraceAgent,
    admin_post,
    admin_session,
    boot_dev_stack,
    boot_stack,
    clean_env,
    create_postgres_database,
    create_superuser,
    drop_created_databases,
    memoized_quote,
    own_redis_database,
    proc_stats,
    process_tree,
    start_gunicorn,
    start_pair,
    start_redis,
    start_trace_agent,
    start_worker,
    think,
)
from harness.spans import joined, queue_spans
from perf.boots import PERF, THINKER_PROCESSES, boot_django_floor, boot_flask_seed

OUT = PERF / "results"
# The floors answer hits only, and are loaded at 8 connections only: the one figure they are compared at.
# The traced floors, each with an untraced twin: what the summary calls each, and what it is.
# (The tracer floor and the Django floor with hand-made request spans, retired in run 28: perf/BENCHMARKS.md.)
TRACED_FLOORS = {
    "django_floor": ("the Django floor", "perf/django_floor: our framework choices, none of our code"),
}
FLOORS = ("floor", *TRACED_FLOORS, *(f"{mode}_untraced" for mode in TRACED_FLOORS))
# Ours with the OpenTelemetry SDK on one or both services (core/service.py), beside ddtrace's "traced": what each
# tracer costs on the same app. Loaded at 8 connections only, like the floors; untraced is the same baseline.
OTEL_MODES = {
    "otel": ("OpenTelemetry on both services", {"TRACER": "otel"}),
    "otel_api": ("OpenTelemetry API, ddtrace thinker", {"API_TRACER": "otel"}),
    "otel_thinker": ("ddtrace API, OpenTelemetry thinker", {"THINKER_TRACER": "otel"}),
}
# What users meet first: `make run`'s runserver pair (the Procfile's lines), traced. Loaded at 8 connections only.
RUNSERVER = "runserver"
EIGHT_CONNECTIONS_ONLY = (*FLOORS, *OTEL_MODES, RUNSERVER)
# The README's loop of curls: hits, each on a new connection to the API, back to back.
CURL_LOOP = 15
# Step 6: admin edits of one thought, one at a time, each waited on until the worker has warmed the memo.
EDITS = 15


# ---- measuring ---------------------------------------------------------------------------------


def services_cpu_seconds(stack: Stack) -> dict[str, float]:
    """user+system CPU of each service's processes (master and workers), from one read of /proc."""
    stats = proc_stats()
    return {
        name: sum(process_tree([process.pid], stats).values())
        for name, process in (("api", stack.api), ("thinker", stack.thinker))
    }


def wrk(url: str, connections: int, seconds: int) -> dict:
    """One bounded wrk run; requests/s and the latency percentiles wrk reports."""
    threads = min(connections, 2)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def found(pattern: str, text: str) -> re.Match[str]:
        match = re.search(pattern, text, re.M)
        assert match, f"wrk printed no {pattern!r}:\n{out}"
        return match

    def ms(text: str) -> float:
        value, unit = found(r"^([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    percentiles = {f"p{p}": ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    requests_done = int(found(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "connections": connections,
        "requests": requests_done,
        "rps": float(found(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
        **percentiles,
    }


CPU_KEYS = ("cpu_ms_per_request", "api_cpu_ms_per_request", "thinker_cpu_ms_per_request")


def measured_load(stack: Stack, url: str, connections: int, seconds: int) -> dict:
    """wrk's figures, and the server CPU per request of each service and of both."""
    before = services_cpu_seconds(stack)
    result = wrk(url, connections, seconds)
    for name, seconds_after in services_cpu_seconds(stack).items():
        result[f"{name}_cpu_ms_per_request"] = 1000 * (seconds_after - before[name]) / max(result["requests"], 1)
    result["cpu_ms_per_request"] = result["api_cpu_ms_per_request"] + result["thinker_cpu_ms_per_request"]
    return result


def alternating(loads: dict[str, Callable[[], dict]], turns: int) -> dict[str, list[dict]]:
    """Each load once per turn, in ABBA order (A B, B A, ...), so slow drift hits them all alike.

    This machine kind's speed wanders by tens of percent over minutes (measured: the same stack's CPU
    per request moved 1.7x between two runs 5 minutes apart), so loads run one after the other
    compare the minutes, not the loads. Ratios come from turns run back to back (paired_ratios).
    """
    results: dict[str, list[dict]] = {name: [] for name in loads}
    order = list(loads)
    for turn in range(turns):
        for name in order if turn % 2 == 0 else reversed(order):
            results[name].append(loads[name]())
    return results


def interleaved_loads(stacks: dict[str, Stack], path: str, connections: int, seconds: int, slices: int = 5) -> dict:
    """The same load on each stack, in `slices` alternating turns of seconds/slices each."""
    turns = alternating(
        {
            mode: partial(measured_load, stack, stack.api_url + path, connections, max(1, seconds // slices))
            for mode, stack in stacks.items()
        },
        slices,
    )
    combined = {}
    for mode, parts in turns.items():
        requests_done = sum(part["requests"] for part in parts)
        combined[mode] = {
            "connections": connections,
            "requests": requests_done,
            "slices": parts,
            "rps": statistics.median(part["rps"] for part in parts),
            "non_2xx": sum(part["non_2xx"] for part in parts),
            **{key: sum(part[key] * part["requests"] for part in parts) / max(requests_done, 1) for key in CPU_KEYS},
            **{p: statistics.median(part[p] for part in parts) for p in ("p50", "p75", "p90", "p99")},
        }
    return combined


def paired_ratios(numerators: list[dict], denominators: list[dict], key: str) -> dict:
    """numerator[key] / denominator[key] for each pair of slices run back to back: median and range."""
    ratios = sorted(n[key] / d[key] for n, d in zip(numerators, denominators, strict=True))
    return {"median": statistics.median(ratios), "min": ratios[0], "max": ratios[-1]}


def lone_request_ms(url: str) -> float:
    """One GET on a new connection, as the workshop's curl sends it; milliseconds until the whole answer is read.

    http.client, not requests: requests' own work per call (a session, its adapters, the .netrc and proxy lookups)
    added 1.3-2.3 ms to a measured miss, side by side with this and with curl's time_total, which agree within 0.3 ms.
    """
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        started = time.perf_counter()
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        response.read()
        elapsed = 1000 * (time.perf_counter() - started)
    finally:
        connection.close()
    assert response.status == 200, response.status
    return elapsed


def curl_loop_ms(stack: Stack, count: int = CURL_LOOP) -> list[float]:
    """A hit, `count` times back to back, each as the workshop's curl sends it (the API's hop to the thinker is
    kept alive between them): where a reused connection once waited 40 ms for a delayed ACK under runserver."""
    return [lone_request_ms(f"{stack.api_url}/think/?subject=war") for _ in range(count)]


def miss_latencies(stacks: dict[str, Stack], count: int) -> dict[str, list[float]]:
    """`count` misses per stack, each on a fresh subject, one from each stack per round.

    In turns because the machine's speed drifts within a minute; a miss is one lone request, which feels it most.
    """
    latencies: dict[str, list[float]] = {mode: [] for mode in stacks}
    for _ in range(count):
        for mode, stack in stacks.items():
            latencies[mode].append(lone_request_ms(f"{stack.api_url}/think/?subject=miss-{secrets.token_hex(4)}"))
    return latencies


def edits_through_the_queue(stack: Stack, agent: TraceAgent, logs: Path, count: int = EDITS) -> dict:
    """Step 6 on `stack`, with a worker of its own: `count` admin edits of the war thought, one at a time. For each,
    the save's latency, the enqueue's span (what queueing adds to the save), and the time from the save's answer to
    the memo holding the edited quote (polled every millisecond), then the worker is stopped."""
    worker = start_worker(stack.env, logs)
    password = secrets.token_urlsafe(16)
    create_superuser(stack.env, "bench", password)
    admin = admin_session(stack.api_url, "bench", password)
    memo = redis.Redis.from_url(stack.redis_url)
    saves, warms, trace_ids = [], [], []
    try:
        for n in range(count):
            quote = f"War, edited for the bench ({n})."
            started = time.perf_counter()
            response = admin_post(admin, stack.api_url, "/admin/thinker_app/thought/3/change/",
                                  {"quote": quote, "author": "Agatha Christie", "subject": "war"})  # fmt: skip
            answered = time.perf_counter()
            assert response.status_code == 302, response.status_code
            while memoized_quote(memo, "war") != quote:
                assert time.perf_counter() - answered < 30, "the worker never warmed the memo"
                time.sleep(0.001)
            saves.append((answered - started) * 1000)
            warms.append((time.perf_counter() - answered) * 1000)
            trace_ids.append(response.headers["X-Trace-Id"])
    finally:
        worker.stop()
    enqueues = []
    for trace_id in trace_ids:
        spans = agent.wait_for_trace(trace_id, lambda spans: bool(queue_spans(spans, "producer")))
        enqueues.append(queue_spans(spans, "producer")[0]["duration"] / 1e6)
    return {"save_ms": saves, "enqueue_ms": enqueues, "save_to_warm_ms": warms}


def stampede(stack: Stack, clients: int = 50) -> dict:
    subject = f"stampede-{secrets.token_hex(4)}"
    log_before = len(stack.thinker.log())
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = list(pool.map(lambda _: think(stack, subject).status_code, range(clients)))
    wall = 1000 * (time.perf_counter() - started)
    return {
        "requests": clients,
        "ok": statuses.count(200),
        "thinks": stack.thinker.log()[log_before:].count(f"Thought about '{subject}'"),
        "wall_ms": wall,
    }


def miss_storm(stack: Stack, hit_url: str, seconds: int, stormers: int = 4) -> dict:
    """Hit latency at 8 connections while `stormers` clients ask for never-seen subjects, back to back."""
    stop = threading.Event()
    misses = []

    def storm() -> None:
        while not stop.is_set():
            misses.append(think(stack, f"storm-{secrets.token_hex(4)}").status_code)

    threads = [threading.Thread(target=storm, daemon=True) for _ in range(stormers)]
    for thread in threads:
        thread.start()
    try:
        result = wrk(hit_url, 8, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    result["storm_misses"] = len(misses)
    return result


def storm_against_calm(stack: Stack, hit_url: str, seconds: int, slices: int = 2) -> dict:
    """Hits at 8 connections with and without a miss storm, in alternating turns.

    Few, long turns: a p99 over 2 s (about 1000 hits) swings 0.3-3.7x from one turn to the next.
    """
    slice_seconds = max(1, seconds // slices)
    turns = alternating(
        {"calm": partial(wrk, hit_url, 8, slice_seconds), "storm": partial(miss_storm, stack, hit_url, slice_seconds)},
        slices,
    )
    combined = {
        mode: {p: statistics.median(part[p] for part in parts) for p in ("p50", "p75", "p90", "p99", "rps")}
        for mode, parts in turns.items()
    }
    combined["storm"]["storm_misses"] = sum(part["storm_misses"] for part in turns["storm"])
    combined["p99_ratio"] = paired_ratios(turns["storm"], turns["calm"], "p99")
    return combined


# ---- running -----------------------------------------------------------------------------------


def boot(
    logs: Path,
    redis_url: str,
    agent_url: str,
    database_url: str | None,
    env: dict[str, str],
    *,
    wrapper: tuple[str, ...] = (),
    repo: Path = REPO,
) -> Stack:
    """Ours, with `env` over tracing.env, running the code of `repo`."""
    extra = {"THINK_CACHE_TTL_SECONDS": "3600", **env}  # the hit subject stays memoized for the whole run
    if database_url:
        extra["DATABASE_URL"] = database_url
    return boot_stack(logs, redis_url, agent_url, wrapper=wrapper, repo=repo, **extra)


def boot_floor(logs: Path, redis_url: str) -> Stack:
    """perf/floor's two WSGI apps under gunicorn with gunicorn.conf.py, untraced."""
    env = clean_env(REDIS_URL=own_redis_database(redis_url), DD_TRACE_ENABLED="false")
    floor = PERF / "floor"
    thinker_url, thinker, api_url, api = start_pair(
        lambda: start_gunicorn("floor-thinker", {**THINKER_PROCESSES, **env}, logs, "wsgi:thinker", floor, "/"),
        lambda url: start_gunicorn("floor-api", {**env, "THINKER_URL": url}, logs, "wsgi:api", floor, "/"),
    )
    return Stack(api_url, thinker_url, api, thinker, env["REDIS_URL"], env)


def postgres_database() -> str | None:
    try:
        return create_postgres_database(POSTGRES_SERVER, f"thinker_bench_{secrets.token_hex(4)}")
    except Exception as error:  # noqa: BLE001
        print(f"(no PostgreSQL at {POSTGRES_SERVER}: {error}; benchmarking on SQLite)")
        return None


@contextmanager
def bench_services(prefix: str) -> Iterator[tuple[Path, TraceAgent, str, dict[str, Stack]]]:
    """A log directory, a test agent and a redis-server, and a dict for the stacks booted on them.

    On the way out, every stack in the dict, the agent and Redis stop, and the databases made are dropped.
    """
    logs = Path(tempfile.mkdtemp(prefix=prefix))
    agent = start_trace_agent(logs)
    redis_url, redis_process = start_redis(logs)
    stacks: dict[str, Stack] = {}
    try:
        yield logs, agent, redis_url, stacks
    finally:
        for stack in stacks.values():
            stack.stop()
        agent.process.stop()
        redis_process.stop()
        drop_created_databases()


def run(seconds: int) -> dict:
    results: dict = {
        "machine": {
            "cores": os.cpu_count(),
            "loadavg_before": os.getloadavg()[0],
            "python": platform.python_version(),
            "kernel": platform.release(),
        },
        "settings": {"think_delay_seconds": 0.5, "seconds_per_load": seconds},
    }
    with bench_services("thinker-bench-") as (logs, agent, redis_url, stacks):
        for mode, enabled in (("traced", "true"), ("untraced", "false")):
            database_url = postgres_database()
            results["settings"]["database"] = "postgresql" if database_url else "sqlite"
            stacks[mode] = boot(logs, redis_url, agent.url, database_url, {"DD_TRACE_ENABLED": enabled})
        for mode, (_, tracers) in OTEL_MODES.items():
            env = {"OTEL_EXPORTER_OTLP_ENDPOINT": agent.otlp_url, **tracers}
            stacks[mode] = boot(logs, redis_url, agent.url, postgres_database(), env)
        stacks[RUNSERVER] = boot_dev_stack(logs, redis_url, agent.url, DATABASE_URL=postgres_database() or "")
        for mode, env in (("seed", {}), ("seed_untraced", {"DD_TRACE_ENABLED": "false"})):
            stacks[mode] = boot_flask_seed(logs, redis_url, agent.url, THINK_CACHE_TTL_SECONDS="3600", **env)
        stacks["floor"] = boot_floor(logs, redis_url)
        stacks["django_floor"] = boot_django_floor(logs, redis_url, agent.url)
        stacks["django_floor_untraced"] = boot_django_floor(logs, redis_url, agent.url, DD_TRACE_ENABLED="false")
        for mode, stack in stacks.items():
            assert think(stack, "war").status_code == 200  # memoize the hit subject
            results[mode] = {"hit": []}
        for mode in ("traced", RUNSERVER):
            results[mode]["curl_loop_ms"] = curl_loop_ms(stacks[mode])
        misses = miss_latencies({mode: stack for mode, stack in stacks.items() if mode not in FLOORS}, 9)
        for mode, latencies in misses.items():
            results[mode]["miss_ms"] = latencies
        # Before the loads: the seed's traced turns (about 20 spans a hit) leave the test agent minutes behind.
        response = think(stacks["traced"], "war")
        spans = agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
        results["traced"]["spans_per_hit_trace"] = len(spans)
        results["traced"]["spans_by_service"] = {
            service: sum(1 for span in spans if span["service"] == service)
            for service in sorted({s["service"] for s in spans})
        }
        costs = (
            ("tracing_cost", "traced", "untraced"),
            ("seed_tracing_cost", "seed", "seed_untraced"),
            *((f"{mode}_tracing_cost", mode, f"{mode}_untraced") for mode in TRACED_FLOORS),
            *((f"{mode}_tracing_cost", mode, "untraced") for mode in OTEL_MODES),
        )
        # Ours and the floor over the seed, and ours over the floor: (key, mode, over).
        versus = (
            ("versus_seed", "traced", "seed"),
            *((f"{mode}_versus_seed", mode, "seed") for mode in TRACED_FLOORS),
            ("versus_django_floor", "traced", "django_floor"),
        )
        results.update({key: {} for key, *_ in (*costs, *versus)})
        for connections in (1, 8, 32):
            loaded = {
                mode: stack for mode, stack in stacks.items() if connections == 8 or mode not in EIGHT_CONNECTIONS_ONLY
            }
            loads = interleaved_loads(loaded, "/think/?subject=war", connections, seconds)
            for mode, load in loads.items():
                results[mode]["hit"].append(load)
            turns = {mode: load["slices"] for mode, load in loads.items()}
            for key, traced, untraced in (cost for cost in costs if cost[1] in turns):
                results[key][str(connections)] = {
                    "rps": paired_ratios(turns[untraced], turns[traced], "rps"),
                    "cpu": paired_ratios(turns[traced], turns[untraced], "cpu_ms_per_request"),
                }
            for key, mode, over in (triple for triple in versus if triple[1] in turns and triple[2] in turns):
                results[key][str(connections)] = {
                    "rps": paired_ratios(turns[mode], turns[over], "rps"),
                    "cpu": paired_ratios(turns[mode], turns[over], "cpu_ms_per_request"),
                }
        for mode in ("seed", "seed_untraced", *FLOORS, *OTEL_MODES, RUNSERVER):  # only ours: the storm, the stampede
            stacks[mode].stop()
        for mode in ("traced", "untraced"):
            stack = stacks[mode]
            part = results[mode]
            part["storm"] = storm_against_calm(stack, f"{stack.api_url}/think/?subject=war", seconds)
            part["stampede"] = stampede(stack)
        results["traced"]["queue"] = edits_through_the_queue(stacks["traced"], agent, logs)
        results["machine"]["loadavg_after"] = os.getloadavg()[0]
    # The yardstick: ours ÷ the Django floor, CPU per traced hit at 8 connections (first in the table too).
    results["ratio_to_django_floor"] = results["versus_django_floor"]["8"]["cpu"]["median"]
    return results


# ---- reporting ---------------------------------------------------------------------------------


def summary_rows(results: dict) -> list[tuple[str, str, str, str]]:
    traced, untraced = results["traced"], results["untraced"]

    def hit(part: dict, connections: int) -> dict:
        return next(h for h in part["hit"] if h["connections"] == connections)

    t8, u8, s8, su8, f8, d8 = (
        hit(results[mode], 8) for mode in ("traced", "untraced", "seed", "seed_untraced", "floor", "django_floor")
    )
    to_floor = results["versus_django_floor"]["8"]["cpu"]
    rows = [
        (
            "**ours ÷ the Django floor**, CPU per traced hit (8 conns)",
            f"**{to_floor['median']:.2f}×**",
            f"{t8['cpu_ms_per_request']:.2f} ms against {d8['cpu_ms_per_request']:.2f} ms (perf/django_floor: our "
            f"framework choices, none of our code): our code's own {t8['cpu_ms_per_request'] - d8['cpu_ms_per_request']:.2f} ms",
            f"target ≤ 1.2× (≤ {0.2 * d8['cpu_ms_per_request']:.2f} ms of our own); median of 5 back-to-back pairs "
            f"({to_floor['min']:.2f}–{to_floor['max']:.2f}×)",
        )
    ]
    seed = results["seed"]
    for label, part in (("traced", traced), ("untraced", untraced), ("Flask seed, traced", seed)):
        miss = statistics.median(part["miss_ms"])
        rows.append(
            (
                f"miss latency, median of {len(part['miss_ms'])} ({label})",
                f"{miss:.1f} ms",
                f"+{miss - 500:.1f} ms over the 500 ms pause",
                "≤ +15 ms" if label == "traced" else "",
            )
        )

    def latencies(h: dict) -> str:
        return f"{h['rps']:.0f} ({h['p50']:.1f}/{h['p90']:.1f}/{h['p99']:.1f})"

    def loop(part: dict) -> str:
        ms = sorted(part["curl_loop_ms"])
        return f"{statistics.median(ms):.1f} ms (max {ms[-1]:.1f})"

    queue = traced["queue"]
    enqueue, warm = statistics.median(queue["enqueue_ms"]), statistics.median(queue["save_to_warm_ms"])
    rows.append(
        (
            f"step 6: the enqueue in an admin save, median of {len(queue['enqueue_ms'])} (celery.apply's span)",
            f"{enqueue:.1f} ms",
            f"the save answers in {statistics.median(queue['save_ms']):.1f} ms (median), enqueue included",
            "target ≤ 5 ms",
        )
    )
    rows.append(
        (
            "step 6: from the save's answer to a warm memo, median (p90)",
            f"{warm:.0f} ms ({sorted(queue['save_to_warm_ms'])[int(0.9 * len(queue['save_to_warm_ms']))]:.0f})",
            f"+{warm - 500:.0f} ms over the 500 ms pause: the queue, the worker and the think",
            "target ≤ the pause + 100 ms",
        )
    )

    runserver = results[RUNSERVER]
    rows.append(
        (
            f"a hit in a loop of {len(runserver['curl_loop_ms'])} curls, median: make run (runserver)",
            loop(runserver),
            f"gunicorn {loop(traced)}; runserver at 8 conns {latencies(hit(runserver, 8))}",
            "target ≤ 15 ms (each on a new connection, the hop to the thinker kept alive)",
        )
    )

    for connections in (1, 8, 32):
        t, u, s = hit(traced, connections), hit(untraced, connections), hit(seed, connections)
        rows.append(
            (
                f"hit, {connections} connection{'s' if connections > 1 else ''}: req/s (p50/p90/p99 ms)",
                latencies(t),
                f"untraced {latencies(u)}; Flask seed, traced {latencies(s)}",
                f"tracing costs {results['tracing_cost'][str(connections)]['rps']['median']:.2f}×; "
                f"{results['versus_seed'][str(connections)]['rps']['median']:.2f}× the seed's req/s"
                + (" (target ≥ 1.4×)" if connections == 8 else ""),
            )
        )
    versus = results["versus_seed"]["8"]["cpu"]
    rows.append(
        (
            "server CPU per hit request, both services (8 conns)",
            f"{t8['cpu_ms_per_request']:.2f} ms traced",
            f"{u8['cpu_ms_per_request']:.2f} ms untraced; Flask seed {s8['cpu_ms_per_request']:.2f} ms traced, "
            f"{su8['cpu_ms_per_request']:.2f} ms untraced; "
            f"no framework (perf/floor) {f8['cpu_ms_per_request']:.2f} ms",
            f"{versus['median']:.2f}× the seed's ({versus['min']:.2f}–{versus['max']:.2f}×)",
        )
    )

    def split(h: dict) -> str:
        return f"{h['api_cpu_ms_per_request']:.2f} + {h['thinker_cpu_ms_per_request']:.2f} ms"

    rows.append(
        (
            "server CPU per hit request, API + thinker (8 conns)",
            f"{split(t8)} traced",
            f"{split(u8)} untraced; Flask seed {split(s8)} traced; no framework {split(f8)}",
            (
                f"the thinker's share: {t8['thinker_cpu_ms_per_request'] / t8['cpu_ms_per_request']:.0%} traced, "
                f"{u8['thinker_cpu_ms_per_request'] / u8['cpu_ms_per_request']:.0%} untraced"
            ),
        )
    )
    floors_spent = {}
    for mode, (name, what) in TRACED_FLOORS.items():
        d8, du8 = hit(results[mode], 8), hit(results[f"{mode}_untraced"], 8)
        d_versus, d_cost = results[f"{mode}_versus_seed"]["8"]["cpu"], results[f"{mode}_tracing_cost"]["8"]
        floors_spent[mode] = d8["cpu_ms_per_request"] - du8["cpu_ms_per_request"]
        rows.append(
            (
                f"{name} ({what}): CPU per hit (8 conns)",
                f"{d8['cpu_ms_per_request']:.2f} ms traced",
                f"{du8['cpu_ms_per_request']:.2f} ms untraced; API + thinker {split(d8)} traced",
                (
                    f"{d_versus['median']:.2f}× the seed's ({d_versus['min']:.2f}–{d_versus['max']:.2f}×); tracing "
                    f"costs it {d_cost['rps']['median']:.2f}× req/s, {d_cost['cpu']['median']:.2f}× CPU"
                ),
            )
        )
    for mode, (name, _) in OTEL_MODES.items():
        o8, o_cost = hit(results[mode], 8), results[f"{mode}_tracing_cost"]["8"]
        rows.append(
            (
                f"{name}: CPU per hit (8 conns)",
                f"{o8['cpu_ms_per_request']:.2f} ms traced",
                f"ddtrace on both {t8['cpu_ms_per_request']:.2f} ms; API + thinker {split(o8)}",
                f"tracing costs {o_cost['rps']['median']:.2f}× req/s ({o_cost['rps']['min']:.2f}–"
                f"{o_cost['rps']['max']:.2f}×), {o_cost['cpu']['median']:.2f}× CPU; ddtrace on both "
                f"{results['tracing_cost']['8']['rps']['median']:.2f}×",
            )
        )
    cost, seed_cost = results["tracing_cost"]["8"], results["seed_tracing_cost"]["8"]
    floor_cost = results["django_floor_tracing_cost"]["8"]
    rows.append(
        (
            "cost of tracing, untraced ÷ traced req/s (8 conns)",
            f"{cost['rps']['median']:.2f}×",
            f"CPU per request: {cost['cpu']['median']:.2f}×; Flask seed: {seed_cost['rps']['median']:.2f}× "
            f"(CPU {seed_cost['cpu']['median']:.2f}×)",
            f"{cost['rps']['median'] / floor_cost['rps']['median']:.2f}× the Django floor's own "
            f"{floor_cost['rps']['median']:.2f}× (target ≤ 1.05×); median of 5 back-to-back pairs "
            f"({cost['rps']['min']:.2f}–{cost['rps']['max']:.2f}×)",
        )
    )
    spent, floor_hit = t8["cpu_ms_per_request"] - u8["cpu_ms_per_request"], d8["cpu_ms_per_request"]
    floor_spent = floors_spent["django_floor"]
    rows.append(
        (
            "tracing's own CPU per hit, traced − untraced (8 conns)",
            f"{spent:.2f} ms",
            f"the Django floor's {floor_spent:.2f} ms ({floor_spent / floor_hit:.2f} of its traced hit); "
            f"Flask seed {s8['cpu_ms_per_request'] - su8['cpu_ms_per_request']:.2f} ms",
            f"{spent / floor_spent:.2f}× the Django floor's; {spent / floor_hit:.2f} of its traced hit",
        )
    )
    for label, part in (("traced", traced), ("untraced", untraced)):
        s = part["stampede"]
        rows.append(
            (
                f"stampede: 50 concurrent, fresh subject ({label})",
                f"{s['thinks']} think",
                f"{s['ok']}/50 OK in {s['wall_ms']:.0f} ms",
                "target 1 think",
            )
        )
    storm, calm, storm_ratio = traced["storm"]["storm"], traced["storm"]["calm"], traced["storm"]["p99_ratio"]
    rows.append(
        (
            "hit p50/p99 during a 4-client miss storm (traced, 8 conns)",
            f"{storm['p50']:.1f} / {storm['p99']:.1f} ms",
            f"without, in alternate turns: {calm['p50']:.1f} / {calm['p99']:.1f} ms",
            f"p99 ratio {storm_ratio['median']:.2f}× (target ≤ 1.5×), mean of 2 pairs "
            f"({storm_ratio['min']:.2f}–{storm_ratio['max']:.2f}×)",
        )
    )
    rows.append(("spans per hit trace", str(traced["spans_per_hit_trace"]), json.dumps(traced["spans_by_service"]), ""))
    m = results["machine"]
    rows.append(
        (
            "machine",
            f"{m['cores']} cores",
            f"load {m['loadavg_before']:.2f} → {m['loadavg_after']:.2f}",
            f"Python {m['python']}, {results['settings']['database']}",
        )
    )
    return rows


def markdown(results: dict, command: str) -> str:
    lines = ["| figure | value | compared with | note |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in summary_rows(results)]
    return f"Made by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n\n" + "\n".join(lines) + "\n"


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (hits, misses) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [3, 1]})
    labels = ["p50", "p75", "p90", "p99"]
    for mode, label, color in (
        ("traced", "traced", "#8a3ab9"),
        ("untraced", "untraced", "#b5c918"),
        ("seed", "Flask seed, traced", "#555555"),
    ):
        h = next(h for h in results[mode]["hit"] if h["connections"] == 8)
        hits.plot(labels, [h[p] for p in labels], marker="o", color=color, label=f"hit, {label} ({h['rps']:.0f} req/s)")
    storm = results["traced"]["storm"]["storm"]
    hits.plot(
        labels,
        [storm[p] for p in labels],
        marker="s",
        linestyle="--",
        color="#bc4c00",
        label="hit, traced, during miss storm",
    )
    hits.set(title="Cache hits at 8 connections", ylabel="latency (ms)", xlabel="percentile")
    hits.legend()
    miss_ms = [results[mode]["miss_ms"] for mode in ("traced", "untraced", "seed")]
    misses.boxplot(miss_ms, tick_labels=["traced", "untraced", "seed"])
    misses.axhline(500, color="#888", linestyle=":", label="THINK_DELAY_SECONDS")
    # One slow miss would flatten the boxes: show the medians' neighbourhood and count what lies above.
    top = max(statistics.median(ms) for ms in miss_ms) + 25
    for x, ms in enumerate(miss_ms, start=1):
        if above := sum(m > top for m in ms):
            misses.annotate(f"+{above} above", (x, top), ha="center", va="top", fontsize=8)
    misses.set(title="Cache misses", ylabel="latency (ms)", ylim=(495, top))
    misses.legend(loc="lower center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=int, default=10, help="duration of each figure's load, in 5 turns (default 10)"
    )
    args = parser.parse_args()
    results = run(args.seconds)
    OUT.mkdir(exist_ok=True)
    to_floor = results["versus_django_floor"]["8"]["cpu"]
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results, "make bench" if args.seconds == 10 else f"make bench BENCH_SECONDS={args.seconds}")
    (OUT / "results.md").write_text(table)
    chart(results, OUT / "latency.png")
    print(table)
    print(
        f"Ours ÷ the Django floor, CPU per traced hit: {to_floor['median']:.2f}× "
        f"(pairs {to_floor['min']:.2f}–{to_floor['max']:.2f}×; target ≤ 1.2×)"
    )
    print(f"Wrote {OUT / 'results.json'}, {OUT / 'results.md'} and {OUT / 'latency.png'}.")


if __name__ == "__main__":
    main()
