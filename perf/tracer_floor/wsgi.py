"""The cheapest ddtrace can make the workshop's hit: no web framework, one hand-made request span each, 5 spans.

`make bench` serves it like the others (ddtrace-run gunicorn with gunicorn.conf.py and tracing.env), traced
and untraced, to show what ddtrace itself costs for the workshop's trace when no framework integration runs:
each request span comes from request_span.py, and ddtrace's own requests and redis integrations make the
HTTP hop and the Redis GET, as they do in ours. Traced, a hit is API request, HTTP hop, thinker request,
`think`, Redis GET. Like perf/floor, it answers hits only.
"""

import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import redis
import requests
from ddtrace.trace import tracer
from request_span import traced

KEY = "tracer-floor:thought"
THOUGHT = b'{"id": 3, "quote": "To win a war is as disastrous as to lose one.", "author": "Agatha Christie"}'
_redis = redis.Redis.from_url(os.environ["REDIS_URL"])
_redis.set(KEY, THOUGHT)
_session = requests.Session()
_session.trust_env = False
THINKER_URL = os.environ.get("THINKER_URL", "")  # only the API needs it


def _subject(environ: dict[str, Any]) -> str:
    return parse_qs(environ.get("QUERY_STRING", "")).get("subject", [""])[0]


def _answer(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _thinker(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """One Redis GET in a `think` span tagged with the subject."""
    with tracer.trace("think") as span:
        span.set_tag("subject", _subject(environ))
        body = _redis.get(KEY)
    return _answer(start_response, "200 OK", body)


def _api(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The thinker's answer over HTTP, passed through (ddtrace's requests integration carries the trace)."""
    answer = _session.get(THINKER_URL + "/", params={"subject": _subject(environ)}, timeout=2)
    return _answer(start_response, f"{answer.status_code} {answer.reason}", answer.content)


thinker = traced(_thinker, continue_callers_trace=True)
api = traced(_api, continue_callers_trace=False)
