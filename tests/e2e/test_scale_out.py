"""Past one machine, without a cluster: the Kubernetes manifests' shape as local processes.

Two API replicas and two thinker replicas (ddtrace-run gunicorn, as the pods run them), one Redis and one
database. The API replicas reach the thinkers through one address that spreads connections, as a
ClusterIP Service does: Debian's haproxy on loopback in TCP mode (layer 4, like kube-proxy), sending new
connections only to replicas whose /readyz answers (like the endpoints of ready pods).
"""

import csv
import io
import os
import secrets
import shutil
import signal
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests

from harness.processes import (
    Process,
    TraceAgent,
    api_env,
    free_port,
    own_redis_database,
    stack_env,
    start_gunicorn,
    thinker_env,
    wait_until,
)
from harness.spans import by_name, joined, thinker_requests

# Runs on both database engines (make test): two thinker replicas on one database.
pytestmark = pytest.mark.database

HAPROXY_CONFIG = """\
global
    maxconn 1024
defaults
    mode tcp
    # A connection refused by a replica that just died is tried once more, then on another replica;
    # haproxy waits min(timeout connect, 1 s) before a retry: loopback answers in well under 100 ms.
    timeout connect 100ms
    timeout client 60s
    timeout server 60s
    retries 1
    option redispatch
frontend stats
    mode http
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
listen thinkers
    bind 127.0.0.1:{port}
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz hdr Host localhost
    # Checked every 300 ms; a /readyz slowed by a stampede is not a dead replica.
    timeout check 2s
    default-server inter 300ms fall 2 rise 1
{servers}
"""


@dataclass
class Cluster:
    api_urls: list[str]
    apis: list[Process]
    thinkers: list[Process]
    proxy_stats_url: str
    redis_url: str

    def proxy_up(self) -> set[str]:
        """The thinker replicas the proxy sends new connections to (its health checks pass)."""
        rows = csv.DictReader(io.StringIO(requests.get(f"{self.proxy_stats_url};csv", timeout=2).text.lstrip("# ")))
        return {row["svname"] for row in rows if row["pxname"] == "thinkers" and row["status"] == "UP"} - {"BACKEND"}


def start_haproxy(log_dir: Path, backends: list[str]) -> tuple[str, str, Process]:
    """haproxy in front of `backends`: its address, its stats page, its process."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    assert Path(haproxy).exists(), "the scale-out test needs Debian's haproxy (apt-get install haproxy; .ci/run does)"
    port, stats_port = free_port(), free_port()
    servers = "\n".join(
        f"    server thinker-{n} {url.removeprefix('http://')} check" for n, url in enumerate(backends, 1)
    )
    config = log_dir / f"haproxy-{port}.cfg"
    config.write_text(HAPROXY_CONFIG.format(port=port, stats_port=stats_port, servers=servers))
    process = Process(
        "haproxy",
        [haproxy, "-db", "-f", str(config)],
        {"PATH": "/usr/sbin:/usr/bin:/bin"},
        log_dir / f"haproxy-{port}.log",
    )
    url = f"http://127.0.0.1:{port}"
    process.start().wait_ready(lambda: requests.get(f"{url}/readyz", timeout=1).status_code == 200)
    return url, f"http://127.0.0.1:{stats_port}/stats", process


@pytest.fixture(scope="module")
def cluster(e2e_logs: Path, redis_url: str, trace_agent) -> Iterator[Cluster]:
    redis_url = own_redis_database(redis_url)
    common = stack_env(e2e_logs, redis_url, trace_agent.url, GUNICORN_WORKERS="1")
    started: list[Process] = []
    try:
        thinker_urls = []
        for n in (1, 2):
            url, process = start_gunicorn(f"thinker-{n}", thinker_env(common), e2e_logs)
            thinker_urls.append(url)
            started.append(process)
        proxy_url, stats_url, proxy = start_haproxy(e2e_logs, thinker_urls)
        started.append(proxy)
        api_urls = []
        for n in (1, 2):
            url, process = start_gunicorn(f"api-{n}", api_env(common, proxy_url), e2e_logs)
            api_urls.append(url)
            started.append(process)
        cluster = Cluster(
            api_urls, apis=started[3:], thinkers=started[:2], proxy_stats_url=stats_url, redis_url=redis_url
        )
        wait_until(
            lambda: cluster.proxy_up() == {"thinker-1", "thinker-2"}, timeout=10, what="both replicas in the proxy"
        )
        yield cluster
    finally:
        for process in reversed(started):
            process.kill()


def ask(cluster: Cluster, subjects: list[str]) -> list[requests.Response]:
    """One request per subject, all at once, spread over the API replicas as their Service would."""
    urls = [cluster.api_urls[n % len(cluster.api_urls)] for n in range(len(subjects))]
    with ThreadPoolExecutor(max_workers=len(subjects)) as pool:
        return list(
            pool.map(
                lambda pair: requests.get(f"{pair[0]}/think/", params={"subject": pair[1]}, timeout=30),
                zip(urls, subjects, strict=True),
            )
        )


def thoughts(process: Process, since: int, subjects: list[str]) -> int:
    """How many of `subjects` the thinker `process` thought about (logged) after its log's offset `since`."""
    log = process.log()[since:]
    return sum(log.count(f"Thought about {subject!r}") for subject in subjects)


def test_fifty_concurrent_misses_across_both_api_replicas_think_once_cluster_wide(
    cluster: Cluster, trace_agent: TraceAgent
) -> None:
    since = [len(t.log()) for t in cluster.thinkers]
    responses = ask(cluster, ["religion"] * 50)
    assert [r.status_code for r in responses] == [200] * 50
    assert sum(thoughts(t, start, ["religion"]) for t, start in zip(cluster.thinkers, since, strict=True)) == 1

    # Each answer is one trace, whichever API and thinker replicas served it; both thinkers served some.
    thinker_pids: set[int] = set()
    for response in responses:
        spans = trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
        (hop,) = by_name(spans, "requests.request")
        (thinker_request,) = thinker_requests(spans)
        assert thinker_request["parent_id"] == hop["span_id"]
        thinker_pids.add(int(thinker_request["metrics"]["process_id"]))
    workers = [set(thinker.children()) for thinker in cluster.thinkers]
    assert all(thinker_pids & replica for replica in workers), (thinker_pids, workers)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["terminated", "killed"])
def test_losing_a_thinker_replica_loses_no_request_the_other_can_answer(cluster, how):
    """SIGTERM, as Kubernetes stops a pod: gunicorn finishes what it holds. SIGKILL, as the OOM killer
    does: what was in flight on it is retried once by the API's client (api_app/thinker_client.py), on
    a new connection, which the proxy gives to the live replica."""
    victim, survivor = cluster.thinkers
    memo = redis.Redis.from_url(cluster.redis_url)
    subjects = [f"replica-{secrets.token_hex(3)}" for _ in range(20)]
    since = [len(t.log()) for t in cluster.thinkers]
    api_since = [len(api.log()) for api in cluster.apis]
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            answers = pool.submit(ask, cluster, subjects)
            # Each subject's leader holds its lock while it thinks (0.5 s): half of them at once, on both replicas.
            wait_until(
                lambda: len(list(memo.scan_iter("*replica-*:lock"))) >= 10, timeout=10, what="10 misses in flight"
            )
            if how == signal.SIGTERM:
                victim.popen.send_signal(signal.SIGTERM)  # the pod's PID 1: gunicorn's master (ddtrace-run execs it)
            else:
                os.killpg(victim.popen.pid, signal.SIGKILL)  # master and workers at once
            victim.popen.wait(timeout=30)
            responses = answers.result(timeout=60)
    finally:
        # A new replica, as its Deployment would start a new pod, whatever happened above.
        victim.stop()
        victim.start()
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    by_victim, by_survivor = thoughts(victim, since[0], subjects), thoughts(survivor, since[1], subjects)
    retried = sum(api.log()[start:].count("retrying once") for api, start in zip(cluster.apis, api_since, strict=True))
    # Each subject thought once: the survivor thought those whose leader died with the victim.
    assert by_victim + by_survivor == 20, (by_victim, by_survivor)
    if how == signal.SIGKILL:
        assert retried > 0, "no miss was in flight on the victim"
    else:
        assert by_victim > 0, "the victim finished nothing it held"
    # The proxy takes the new replica again.
    wait_until(lambda: cluster.proxy_up() == {"thinker-1", "thinker-2"}, timeout=30, what="both replicas in the proxy")


def test_a_replica_stopping_gracefully_refuses_new_connections_at_once_and_answers_what_it_holds(
    e2e_logs: Path, redis_url: str, trace_agent: TraceAgent
) -> None:
    """gunicorn's gthread worker would keep its listening socket open until it exits, so new connections
    would wait unanswered in the backlog and be reset seconds later; ours closes it when the stop begins
    (core/gunicorn_workers.py), so a proxy or the API's client can go elsewhere at once."""
    redis_url = own_redis_database(redis_url)
    # A long think: the request is still in flight, whatever the machine's load, when the socket closes.
    common = stack_env(e2e_logs, redis_url, trace_agent.url, THINK_DELAY_SECONDS="3")
    url, thinker = start_gunicorn("thinker-stopping", thinker_env(common), e2e_logs)
    assert thinker.popen is not None
    try:
        memo = redis.Redis.from_url(redis_url)
        port = int(url.rsplit(":", 1)[1])
        subject = f"stopping-{secrets.token_hex(3)}"
        with ThreadPoolExecutor(max_workers=1) as pool:
            held = pool.submit(requests.get, f"{url}/", params={"subject": subject}, timeout=30)
            wait_until(lambda: list(memo.scan_iter(f"*{subject}*:lock")), timeout=10, what="the miss in flight")
            thinker.popen.send_signal(signal.SIGTERM)
            wait_until(lambda: refused(port), timeout=2, what="the stopping replica to refuse connections")
            assert not held.done(), "the held request ended before the socket closed: nothing was tested"
            assert held.result().status_code == 200
        assert thinker.popen.wait(timeout=30) == 0
    finally:
        thinker.stop()


def refused(port: int) -> bool:
    """Whether nothing listens on `port`. A reset while connecting means our handshake sat in the backlog
    of a socket closing just then: not yet refused, the next try tells."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    except ConnectionResetError:
        return False
    return False
