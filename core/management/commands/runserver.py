"""runserver (`make run`), hardened for what it meets on a laptop: it answers what it rejects before Django runs
in the services' JSON error shape, refuses what it cannot parse, and bounds what it holds open.

Every lever here is a documented attribute or hook of the standard library's socketserver and http.server
classes that Django's runserver builds on (`server_cls`, `disable_nagle_algorithm`, `timeout`,
`request_queue_size`, `parse_request`, `send_error`). docs/faults.md says what each front end does.
"""

import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from core.json_errors import error_body

# Wrap the runserver this one shadows, so the API keeps staticfiles' (--insecure, --nostatic).
if apps.is_installed("django.contrib.staticfiles"):
    from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
else:  # the command staticfiles' one extends
    from django.core.management.commands.runserver import Command as RunserverCommand  # type: ignore[assignment]

# RFC 9110's token, what a header name is; and a Content-Length, digits only. A name with a space before its colon,
# a line without a colon, a folded line, two lengths: each is read one way here and another by a proxy or by
# Django (which counts a length it cannot parse as 0), and lets a body pass for the next request (RFC 9112 5, 6.3).
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Methods are case-sensitive: Django and DRF would serve `get` as GET (gunicorn refuses it, as here).
METHOD = re.compile(r"[A-Z]+")
CONTENT_LENGTH = re.compile(r"[0-9]+")

# gunicorn's default listen backlog. Django's runserver listens with 10: 200 clients at once then wait out
# SYN retransmits (1 s, 3 s, ...), measured at a 7.8 s p95.
LISTEN_BACKLOG = 2048


class JSONErrorRequestHandler(WSGIRequestHandler):
    # Django's handler writes the head and the body of an answer in two sends. With Nagle's algorithm on, the
    # body waits for the client to acknowledge the head, and a client on a kept-alive connection (the API's
    # session to the thinker) delays that ACK by up to 40 ms: every hit cost 50 ms instead of 10.
    disable_nagle_algorithm = True
    # socketserver's timeout on each connection: a client that sends nothing (a half-open request, an idle
    # kept-alive connection) is let go after this long instead of holding a thread forever.
    timeout = settings.RUNSERVER_IDLE_TIMEOUT_SECONDS

    def handle(self) -> None:
        try:
            super().handle()
        except TimeoutError:
            # Django's handle_one_request has no timeout handling of its own: a quiet connection is simply closed.
            self.close_connection = True

    def parse_request(self) -> bool:
        """http.server's parsing, refusing what runserver would misread instead of serving it."""
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":  # a request line without a version
            self.send_error(505, "HTTP/0.9 is not supported: send HTTP/1.0 or HTTP/1.1.")
            return False
        if not METHOD.fullmatch(self.command or ""):
            self.send_error(400, "Invalid method: a method is upper-case letters, such as GET.")
            return False
        headers = self.headers
        # http.client's parser keeps what follows a line it cannot read as the message's payload, with a defect.
        if (
            headers.defects
            or headers.get_payload()
            or not all(HEADER_NAME.fullmatch(name) for name in headers.keys())
            or any("\n" in value for value in headers.values())
        ):
            self.send_error(400, "Malformed header: each header is one line, a name, a colon and a value.")
            return False
        lengths = set(headers.get_all("Content-Length") or ())
        if len(lengths) > 1 or not all(CONTENT_LENGTH.fullmatch(length.strip()) for length in lengths):
            self.send_error(400, "Content-Length must be one number of bytes.")
            return False
        if "Transfer-Encoding" in headers:
            # runserver reads a body by Content-Length alone: a chunked body would be read as the next request
            # (request smuggling when both headers are sent). RFC 9112 lets a server answer 501 instead.
            self.send_error(501, "Transfer-Encoding is not supported here: send the body with a Content-Length.")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's send_error with a JSON body instead of its HTML page, and always a status line."""
        reason = self.responses.get(code, ("Error",))[0]
        detail = message or reason
        self.log_error("code %d, message %s", code, detail)
        # A request line that did not parse leaves HTTP/0.9, which http.server answers with a bare body.
        if self.request_version == "HTTP/0.9":
            self.request_version = self.protocol_version
        body = error_body(code, detail)
        self.send_response(code, reason)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class JSONErrorWSGIServer(WSGIServer):
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, server_address: Any, handler_class: type, *args: Any, **kwargs: Any) -> None:
        # django.core.servers.basehttp.run() passes its own handler class and takes no other.
        super().__init__(server_address, JSONErrorRequestHandler, *args, **kwargs)


class Command(RunserverCommand):
    server_cls = JSONErrorWSGIServer
