"""gunicorn.conf.py, as gunicorn loads it."""

import gc
import json
import runpy
import socket
from pathlib import Path

from gunicorn import util

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_freezes_what_it_loaded_out_of_the_garbage_collector():
    hooks = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](object())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_gunicorns_own_errors_are_written_as_json():
    hooks = runpy.run_path(str(CONF))
    assert util.write_error is hooks["write_json_error"]
    server, client = socket.socketpair()
    with server, client:
        util.write_error(server, 500, "Internal Server Error", "")
        server.shutdown(socket.SHUT_WR)
        answer = client.makefile("rb").read()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
    assert b"Content-Type: application/json" in head and f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body) == {
        "error": "server_error",
        "detail": "The server failed to answer; the error is in the logs.",
    }


def test_gunicorn_workers_sets_the_thinkers_process_count_too(monkeypatch):
    """The defaults (two API processes, one thinker) are checked with compose's environment in test_compose."""
    monkeypatch.setenv("SERVICE", "thinker")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(CONF))["workers"] == 3
