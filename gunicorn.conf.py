"""gunicorn settings for both services (docker compose, the benchmark and the end-to-end tests).

Worker model: gthread, 16 threads per process. A miss blocks its thread for THINK_DELAY_SECONDS
(time.sleep releases the GIL), so threads let cache hits keep answering while misses are in flight;
a sync worker is held whole by each miss. Measured on 2 cores, hits at 8 connections while 4 clients
request never-seen subjects (scripts/bench.py's miss storm), hit p50 / p99:
    gthread 2x16: 36 / 118 ms (calm: 41 / 144 ms)   sync x2: 1080 / 1120 ms   sync x4: 518 / 605 ms
More threads than misses in flight cost nothing measurable at rest (gthread 2x4 was no cheaper).
gevent instead (measured, not used; BENCHMARKS.md's levers): 3-4% less CPU per hit, all of it the thinker's,
inside the meter's noise, for a monkey-patched process and a database connection per client connection.

Processes: 2 for the API (one per core), 1 for the thinker. The thinker takes 38-39% of a hit's CPU
(make bench's split), so one thinker process keeps up with two API ones, and its CPU per request falls
(by 11-19%; see BENCHMARKS.md's levers for what it is not). scripts/bench_ab.py, hits at 8 connections,
20 alternating turns, run in both orders: one thinker worker instead of two took 8-10% less CPU per
request and served 9-11% more req/s; one API worker as well cut CPU 5-9% but req/s 6-12%; three API
workers were no better (CPU +3%). GUNICORN_WORKERS sets both services' count. If the thinker's one
worker dies, the master starts another in about 0.5 s and requests wait for it in the listen backlog
(tests/e2e/test_faults.py); only those in flight fail.

GUNICORN_WORKER_CLASS=sync with GUNICORN_THREADS=1 shows the head-of-line blocking on purpose
(gunicorn turns sync into gthread whenever threads > 1).
"""

import gc
import json
import os
import socket

from gunicorn import util

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# gthread, closing its listener when a graceful stop begins (why: thinkproject/gunicorn_workers.py).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "thinkproject.gunicorn_workers.ThreadWorker")
is_thinker = os.environ.get("DJANGO_SETTINGS_MODULE") == "thinkproject.settings.thinker"
workers = int(os.environ.get("GUNICORN_WORKERS", "1" if is_thinker else "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# gunicorn's largest request line: ten 32-character subjects fit many times over. Longer lines get a
# 414 from gunicorn before Django runs (in JSON: write_json_error below).
limit_request_line = 8190
# Access log on stdout unless GUNICORN_ACCESS_LOG is empty (the traces carry the same facts).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# A forwarded proxy header is only trusted from the local machine (gunicorn's default).
forwarded_allow_ips = "127.0.0.1"
# gunicorn's control socket (gunicornc) goes unused here. Its default path is one per user, shared by every
# gunicorn that user runs (the end-to-end tests run several), under a $HOME the image's user lacks: on a
# read-only root it logged "Control server error" at every start (tests/deploy/test_compose_engine.py).
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Freeze what the worker loaded (Django, DRF, ddtrace: a few hundred thousand objects) out of the GC.

    Python's full (gen2) collections walk every tracked object and stop all of a worker's threads
    while they do. Measured on 2 cores, hits at 8 connections: gen2 pauses of 100-210 ms, a few per
    worker every 10 s, were the hits' p99 (about 100 ms calm, up to 190 ms in a miss storm); frozen,
    the pauses are 11-29 ms and the p99 43-67 ms. Nothing loaded at start-up is garbage later.
    """
    gc.freeze()


# gunicorn's own error answers, for requests it rejects before Django runs (a request line over
# limit_request_line: 414, an oversized header: 431, bytes that are not HTTP: 400) or a crash outside
# Django (500), in the services' JSON error shape instead of gunicorn's HTML page. runserver's twin, for
# `make run`: thinkproject/management/commands/runserver.py.
GUNICORN_ERROR_CODES = {
    400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
    431: "headers_too_large", 500: "server_error",
}  # fmt: skip


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Stands in for gunicorn.util.write_error, which has no setting or hook for its HTML body."""
    body = json.dumps({
        "error": GUNICORN_ERROR_CODES.get(status_int, "bad_request"),
        "detail": mesg or "The server failed to answer; the error is in the logs.",
    }).encode()  # fmt: skip
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


# The workers' handle_error calls util.write_error through the module, and they fork from this process.
util.write_error = write_json_error
