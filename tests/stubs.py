"""A real local HTTP server whose answers a test chooses, and which records what it received."""
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    delay_seconds: float = 0.0


@dataclass
class RecordedRequest:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


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
                recorded = RecordedRequest(parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()})
                stub.requests.append(recorded)
                reply = stub.respond(recorded)
                time.sleep(reply.delay_seconds)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as a timing-out client does

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_reply(data: object, status: int = 200, delay_seconds: float = 0.0) -> Reply:
    return Reply(status=status, body=json.dumps(data).encode(), delay_seconds=delay_seconds)
