"""gunicorn settings for both services (docker compose, Kubernetes, the end-to-end tests and the benchmark).

Threads (gthread, 16 per process), so cache hits keep answering while misses sleep through their pause;
two API processes and one thinker process, which keeps up with both at less CPU per request. Each is
measured in perf/BENCHMARKS.md's levers table, with what was tried instead (sync, gevent, more processes).
GUNICORN_WORKER_CLASS=sync with GUNICORN_THREADS=1 shows head-of-line blocking on purpose.
"""

import gc
import os
import socket

from gunicorn import util

from core.json_errors import error_body
from core.service import service_from

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
# gthread, closing its listener when a graceful stop begins (why: core/gunicorn_workers.py).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "core.gunicorn_workers.ThreadWorker")
workers = int(os.environ.get("GUNICORN_WORKERS", service_from().gunicorn_workers))
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
    """Freeze what the worker loaded (Django, DRF, ddtrace) out of the GC: full collections walk every
    object and stop the worker's threads; frozen, those pauses leave the hits' p99 (perf/BENCHMARKS.md)."""
    gc.freeze()


# gunicorn's own error answers, for requests it rejects before Django runs (a request line over
# limit_request_line: 414, an oversized header: 431, bytes that are not HTTP: 400) or a crash outside
# Django (500), in the services' JSON error shape (core/json_errors.py) instead of gunicorn's HTML page.
def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """Stands in for gunicorn.util.write_error, which has no setting or hook for its HTML body."""
    body = error_body(status_int, mesg or "The server failed to answer; the error is in the logs.")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


# The workers' handle_error calls util.write_error through the module, and they fork from this process.
util.write_error = write_json_error
