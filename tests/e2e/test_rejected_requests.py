"""Requests a server rejects before Django runs still get the project's JSON error shape, from both services:
under gunicorn (docker compose) and under runserver (`make run`)."""

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from harness.processes import Stack, wait_until
from tests.conftest import DEV_STACK_GROUP


def raw_exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (requests would refuse to build most of these) and read the whole answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


NEXT = b"GET /think/?subject=war HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"  # smuggled, if the framing is misread


def post_with(*header_lines: bytes) -> bytes:
    return (
        b"POST /think/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(h + b"\r\n" for h in header_lines)
        + b"\r\n0\r\n\r\n"
        + NEXT
    )


# Both framings: 5 bytes by Content-Length ("0\\r\\n\\r\\n" and no more), and a chunked body, then the next request.
SMUGGLING = post_with(b"Content-Length: 5", b"Transfer-Encoding: chunked")
# Framings a front end must refuse, since a proxy before it may read them otherwise (RFC 9112 5, 6.3).
TWO_LENGTHS = post_with(b"Content-Length: 5", b"Content-Length: 50")
LENGTH_NOT_A_NUMBER = post_with(b"Content-Length: 5x")
SPACE_BEFORE_COLON = post_with(b"Content-Length: 5", b"Transfer-Encoding : chunked")
FOLDED_HEADER = b"GET /think/?subject=war HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n b\r\n\r\n"
LINE_WITHOUT_COLON = post_with(b"Content-Length: 5", b"not a header", b"Transfer-Encoding: chunked")
LOWER_CASE_METHOD = b"get /think/?subject=war HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.fixture(params=["api", "thinker"])
def service_url(request: pytest.FixtureRequest, stack: Stack) -> str:
    return stack.api_url if request.param == "api" else stack.thinker_url


@pytest.mark.parametrize(
    ("request_bytes", "status", "code", "detail_starts"),
    [
        pytest.param(
            b"GET /think/?subject=" + b"war," * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            414,
            "uri_too_long",
            "Request Line is too large",
            id="request-line-over-8190-bytes",
        ),
        pytest.param(
            b"GET /think/?subject=war HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 9000 + b"\r\n\r\n",
            431,
            "headers_too_large",
            "Error parsing headers",
            id="header-over-8190-bytes",
        ),
        pytest.param(b"THINK ABOUT war\r\n\r\n", 400, "bad_request", "Invalid Request Line", id="not-http"),
        pytest.param(b"GET /\r\n\r\n", 400, "bad_request", "Invalid Request Line", id="http-0.9-line"),
        pytest.param(SMUGGLING, 400, "bad_request", "Invalid HTTP Header: 'CONTENT-LENGTH'", id="smuggled-request"),
        pytest.param(TWO_LENGTHS, 400, "bad_request", "Invalid HTTP Header: 'CONTENT-LENGTH'", id="two-lengths"),
        pytest.param(LENGTH_NOT_A_NUMBER, 400, "bad_request", "Invalid HTTP Header", id="length-not-a-number"),
        pytest.param(SPACE_BEFORE_COLON, 400, "bad_request", "Invalid HTTP header name", id="space-before-colon"),
        pytest.param(FOLDED_HEADER, 400, "bad_request", "Obsolete line folding", id="folded-header"),
        pytest.param(
            LINE_WITHOUT_COLON, 400, "bad_request", "Invalid HTTP Header: 'not a header'", id="line-without-colon"
        ),
        pytest.param(LOWER_CASE_METHOD, 400, "bad_request", "Invalid Method", id="lower-case-method"),
    ],
)
def test_a_request_gunicorn_rejects_is_answered_in_json(service_url, request_bytes, status, code, detail_starts):
    assert_json_error(raw_exchange(service_url, request_bytes), status, code, detail_starts)


@pytest.fixture(params=["api", "thinker"])
def dev_service_url(request: pytest.FixtureRequest, dev_stack: Stack) -> str:
    return dev_stack.api_url if request.param == "api" else dev_stack.thinker_url


@pytest.mark.parametrize(
    ("request_bytes", "status", "code", "detail_starts"),
    [
        pytest.param(b"THINK ABOUT war\r\n\r\n", 400, "bad_request", "Bad request version", id="not-http"),
        pytest.param(b"GET / HTTP/1.1\"'\r\n\r\n", 400, "bad_request", "Bad request version", id="quotes-in-detail"),
        pytest.param(
            b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
            414,
            "uri_too_long",
            "Request-URI Too Long",
            id="request-line-over-64k",
        ),
        pytest.param(
            b"GET /?subject=war HTTP/1.1\r\nX-Filler: " + b"a" * 70000 + b"\r\n\r\n",
            431,
            "headers_too_large",
            "Line too long",
            id="header-over-64k",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\n" + b"X-Filler: a\r\n" * 101 + b"\r\n",
            431,
            "headers_too_large",
            "Too many headers",
            id="over-100-headers",
        ),
        pytest.param(
            b"GET / HTTP/2.0\r\n\r\n",
            505,
            "http_version_not_supported",
            "Invalid HTTP version",
            id="http-2-line",
        ),
        pytest.param(b"GET /\r\n\r\n", 505, "http_version_not_supported", "HTTP/0.9", id="http-0.9-line"),
        pytest.param(
            b"POST /think/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            501,
            "not_implemented",
            "Transfer-Encoding is not supported",
            id="chunked-body",
        ),
        # Read by Content-Length alone, the chunked body would end early and the GET after it be served.
        pytest.param(SMUGGLING, 501, "not_implemented", "Transfer-Encoding is not supported", id="smuggled-request"),
        pytest.param(TWO_LENGTHS, 400, "bad_request", "Content-Length must be one number", id="two-lengths"),
        pytest.param(
            LENGTH_NOT_A_NUMBER, 400, "bad_request", "Content-Length must be one number", id="length-not-a-number"
        ),
        pytest.param(SPACE_BEFORE_COLON, 400, "bad_request", "Malformed header", id="space-before-colon"),
        pytest.param(FOLDED_HEADER, 400, "bad_request", "Malformed header", id="folded-header"),
        pytest.param(LINE_WITHOUT_COLON, 400, "bad_request", "Malformed header", id="line-without-colon"),
        pytest.param(LOWER_CASE_METHOD, 400, "bad_request", "Invalid method", id="lower-case-method"),
    ],
)
def test_a_request_runserver_rejects_is_answered_in_json(dev_service_url, request_bytes, status, code, detail_starts):
    assert_json_error(raw_exchange(dev_service_url, request_bytes), status, code, detail_starts)


def assert_json_error(exchange: tuple[int, dict[str, str], bytes], status: int, code: str, detail_starts: str) -> None:
    got_status, headers, body = exchange
    assert got_status == status
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    answer = json.loads(body)
    assert answer["error"] == code
    assert answer["detail"].startswith(detail_starts), answer
    assert "<html" not in body.decode()


# The runserver pair's tests run in one test process, as those that name dev_stack do (tests/conftest.py).
@pytest.fixture(params=[pytest.param("runserver", marks=pytest.mark.xdist_group(DEV_STACK_GROUP)), "gunicorn"])
def any_stack(request: pytest.FixtureRequest) -> Stack:
    return request.getfixturevalue("dev_stack" if request.param == "runserver" else "stack")


def test_a_refused_host_is_one_log_line_and_its_400_still_names_its_trace(any_stack):
    logged_before = len(any_stack.api.log())
    response = requests.get(
        f"{any_stack.api_url}/think/", params={"subject": "war"}, headers={"Host": "evil.example"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("This service does not answer to the Host 'evil.example'")
    assert response.headers["X-Trace-Url"] == f"/traces/{response.headers['X-Trace-Id']}/"

    access_line = 'HTTP/1.1" 400'
    new = wait_until(
        lambda: (lambda log: log if access_line in log else None)(any_stack.api.log()[logged_before:]),
        timeout=10,
        what="the access log line",
    )
    assert "Traceback" not in new
    assert len([line for line in new.splitlines() if "evil.example" in line and access_line not in line]) == 1, new
