"""runserver (`make run`), answering the requests it rejects before Django runs in the services' JSON error shape."""

from typing import Any

from django.apps import apps
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from core.json_errors import error_body

# Wrap the runserver this one shadows, so the API keeps staticfiles' (--insecure, --nostatic).
if apps.is_installed("django.contrib.staticfiles"):
    from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
else:  # the command staticfiles' one extends
    from django.core.management.commands.runserver import Command as RunserverCommand  # type: ignore[assignment]


class JSONErrorRequestHandler(WSGIRequestHandler):
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
    def __init__(self, server_address: Any, handler_class: type, *args: Any, **kwargs: Any) -> None:
        # django.core.servers.basehttp.run() passes its own handler class and takes no other.
        super().__init__(server_address, JSONErrorRequestHandler, *args, **kwargs)


class Command(RunserverCommand):
    server_cls = JSONErrorWSGIServer
