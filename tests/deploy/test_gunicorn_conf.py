"""gunicorn.conf.py, as gunicorn loads it."""
import gc
import json
import runpy
import socket
from pathlib import Path

import pytest
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
    assert json.loads(body) == {"error": "server_error", "detail": "The server failed to answer; the error is in the logs."}


@pytest.mark.parametrize(
    ("settings", "override", "workers"),
    [
        ("thinkproject.settings.api", None, 2),
        ("thinkproject.settings.thinker", None, 1),
        ("thinkproject.settings.thinker", "3", 3),
    ],
)
def test_the_api_runs_two_processes_and_the_thinker_one_unless_told(monkeypatch, settings, override, workers):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", settings)
    if override is None:
        monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_WORKERS", override)
    assert runpy.run_path(str(CONF))["workers"] == workers
