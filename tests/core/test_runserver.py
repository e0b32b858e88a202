"""thinkproject's runserver shadows Django's and staticfiles', and keeps the options of the one it wraps."""

import socket
import threading
from collections.abc import Callable
from typing import cast

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.core.management import get_commands, load_command_class
from django.core.servers.basehttp import WSGIServer

from core.management.commands.runserver import JSONErrorRequestHandler, JSONErrorWSGIServer


def test_the_apis_runserver_is_ours_wrapping_staticfiles_with_its_options():
    assert get_commands()["runserver"] == "core"
    command = load_command_class("core", "runserver")
    assert isinstance(command, StaticfilesRunserver)
    assert command.server_cls is JSONErrorWSGIServer
    options = command.create_parser("manage.py", "runserver").parse_args(["--insecure", "--nostatic"])
    assert options.insecure_serving is True
    assert options.use_static_handler is False


class NoteNagle(JSONErrorRequestHandler):
    """Ours, noting whether each connection it served had Nagle's algorithm off."""

    seen: list[int] = []

    def handle(self) -> None:
        connection = cast(socket.socket, self.connection)
        self.seen.append(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        super().handle()


def ok_app(environ: dict, start_response: Callable) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


def test_runserver_sends_each_answer_without_waiting_for_the_clients_ack():
    # Django's handler writes an answer's head and body in two sends. With Nagle's algorithm on, the body
    # waits for the ACK of the head, which a kept-alive client delays: 40 ms more on every hit under make run.
    server = WSGIServer(("127.0.0.1", 0), NoteNagle)
    server.set_app(ok_app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        host, port = server.server_address[:2]
        with socket.create_connection((host, port), timeout=5) as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        thread.join(timeout=5)
        server.server_close()
    assert NoteNagle.seen == [1]
