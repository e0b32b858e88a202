"""The floor under both apps: the same two hops with no web framework and no tracing.

`make bench` serves `thinker` and `api` with gunicorn and gunicorn.conf.py, like ours and the seed's,
to show what the transport alone costs a cache hit (gunicorn's HTTP on both sides, requests with
keep-alive, one Redis GET): what is left of the seed's CPU per hit for a framework and tracing.
"""

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

import redis
import requests

KEY = "floor:thought"
HEADERS = [("Content-Type", "application/json")]

_redis = redis.Redis.from_url(os.environ["REDIS_URL"])
THOUGHT = {"id": 3, "quote": "To win a war is as disastrous as to lose one.", "author": "Agatha Christie"}
_redis.set(KEY, json.dumps(THOUGHT))
_session = requests.Session()
_session.trust_env = False
THINKER_URL = os.environ.get("THINKER_URL", "")  # only the api needs it


def thinker(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """One Redis GET, answered as JSON."""
    body = _redis.get(KEY)
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(body)))])
    return [body]


def api(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The thinker's answer over HTTP, passed through."""
    answer = _session.get(THINKER_URL + "/", params={"subject": "war"}, timeout=2)
    start_response(f"{answer.status_code} {answer.reason}", [*HEADERS, ("Content-Length", str(len(answer.content)))])
    return [answer.content]
