"""Each front end (runserver under `make run`, gunicorn under docker compose) against clients that connect and
then say little or nothing: the listen backlog, idle and half-open connections (docs/faults.md, "Front ends").

gunicorn's gthread worker gives such a connection a thread (5 s when it sends nothing, for as long as it likes
with half a request), so 40 of them stop the API: gunicorn leaves slow clients to a buffering proxy in front.
That is documented, not tested here as a pass."""

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest
import requests

from core.management.commands.runserver import LISTEN_BACKLOG
from harness.processes import Stack


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def listen_backlog(url: str) -> int:
    """The backlog the server listens with: `ss` shows it as a listening socket's Send-Q."""
    host, port = address(url)
    line = subprocess.run(
        ["ss", "-ltnH", f"src {host}:{port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(line[2])


@contextmanager
def open_connections(url: str, count: int, first_bytes: bytes) -> Iterator[list[socket.socket]]:
    """`count` connections that send `first_bytes` (perhaps nothing) and then fall silent."""
    with ExitStack() as stack:
        conns = [stack.enter_context(socket.create_connection(address(url), timeout=5)) for _ in range(count)]
        for conn in conns:
            if first_bytes:
                conn.sendall(first_bytes)
        yield conns


def closed_by_server(conn: socket.socket, within: float) -> bool:
    """True once the server closes `conn` (EOF after whatever it still sends), False if it holds it `within` seconds."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        conn.settimeout(left)
        try:
            if conn.recv(65536) == b"":
                return True
        except ConnectionResetError:  # closed with our unread bytes still in its buffer
            return True
        except TimeoutError:
            return False
    return False


HALF_A_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"  # and never the blank line that ends it


@pytest.fixture(params=["api", "thinker"])
def dev_service_url(request: pytest.FixtureRequest, dev_stack: Stack) -> str:
    return dev_stack.api_url if request.param == "api" else dev_stack.thinker_url


def test_runserver_listens_with_gunicorns_backlog_not_djangos_ten(dev_service_url):
    assert listen_backlog(dev_service_url) == LISTEN_BACKLOG


def test_runserver_lets_go_of_a_half_open_request(dev_service_url, settings):
    # RUNSERVER_IDLE_TIMEOUT_SECONDS is 5 s (the dev stack runs with the default); it never held them before.
    with open_connections(dev_service_url, 1, HALF_A_REQUEST) as (conn,):
        assert closed_by_server(conn, within=settings.RUNSERVER_IDLE_TIMEOUT_SECONDS + 10)


def test_runserver_lets_go_of_an_idle_kept_alive_connection(dev_service_url, settings):
    with socket.create_connection(address(dev_service_url), timeout=5) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200 OK")
        assert closed_by_server(conn, within=settings.RUNSERVER_IDLE_TIMEOUT_SECONDS + 10)


def test_runserver_answers_beside_a_hundred_silent_connections(dev_service_url):
    with open_connections(dev_service_url, 100, HALF_A_REQUEST):
        assert requests.get(f"{dev_service_url}/healthz", timeout=5).status_code == 200


@pytest.fixture(params=["api", "thinker"])
def gunicorn_url(request: pytest.FixtureRequest, stack: Stack) -> str:
    return stack.api_url if request.param == "api" else stack.thinker_url


def test_gunicorn_listens_with_its_default_backlog(gunicorn_url):
    assert listen_backlog(gunicorn_url) == 2048
