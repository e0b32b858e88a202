"""A real local HTTP server whose answers a test chooses, and which records what it received."""

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from harness.processes import free_port


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    delay_seconds: float = 0.0
    drop: bool = False  # close the connection without answering, as a server closing an idle keep-alive
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a fan-out's connections arrive together: none refused and retried a second later


@dataclass
class StubServer:
    """Answers GETs with `respond(request) -> Reply`; every request is kept in `requests`."""

    respond: Callable[[RecordedRequest], Reply] = lambda request: Reply()
    requests: list[RecordedRequest] = field(default_factory=list)

    def start(self) -> "StubServer":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                recorded = RecordedRequest(
                    parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}
                )
                stub.requests.append(recorded)
                reply = stub.respond(recorded)
                time.sleep(reply.delay_seconds)
                if reply.drop:
                    self.close_connection = True
                    return
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as a timing-out client does

            def log_message(self, *args: object) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_reply(
    data: object, status: int = 200, delay_seconds: float = 0.0, headers: dict[str, str] | None = None
) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode(), delay_seconds=delay_seconds, headers=headers or {})


def thought(subject: str, thought_id: int | None = 1) -> dict:
    """A thought as the thinker answers it."""
    return {"id": thought_id, "quote": f"On {subject}.", "author": "Someone", "subject": subject}


class TcpProxy:
    """A TCP relay to a real server that a test can cut, black-hole and restore, on one fixed port.

    cut(): nothing listens, as when the server is stopped (connection refused).
    blackhole(): connections are accepted and never answered, as with a hung server or a dropped route;
    `held` counts them.
    restore(): relays again. Existing connections are closed on every change, as a restart would.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "forward"
        self.held = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.port = free_port()

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            if self.mode == "cut":
                client.close()
                return
            with self._lock:
                self._sockets.append(client)
            if self.mode == "blackhole":
                self.held += 1
                continue  # held open, never read, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _drop_connections(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut(self) -> None:
        self.mode = "cut"
        if self._listener is not None:
            # shutdown() first: on Linux, close() alone does not wake the thread blocked in accept().
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        self._drop_connections()

    def blackhole(self) -> None:
        self._drop_connections()
        self.held = 0
        self.mode = "blackhole"
        if self._listener is None:
            self.start()

    def restore(self) -> None:
        self._drop_connections()
        self.mode = "forward"
        if self._listener is None:
            self.start()

    def stop(self) -> None:
        self.cut()
