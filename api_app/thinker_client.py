"""The one client of the thinker: a keep-alive session, a timeout, and errors mapped to 502/504."""

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import copy_context
from typing import Any, NamedTuple, cast, get_args

import requests
from django.conf import settings
from rest_framework.exceptions import APIException

from core.contract import MEMO_HEADER, MemoOutcome, ThoughtData, ThoughtSerializer
from core.tracing.propagation import headers_for_thinker, inject_on_the_wire

logger = logging.getLogger(__name__)

# Idle keep-alive connections to the thinker the session keeps, per process; calls beyond them open and close their
# own.
POOL_CONNECTIONS = 32
# Before the one retry of a dropped connection: a replica killed mid-request still accepts connections
# for the few milliseconds its processes take to die (measured up to ~20 ms); then it refuses them and
# the Service sends new ones elsewhere.
RETRY_PAUSE_SECONDS = 0.1


class ThinkerAnswer(NamedTuple):
    thought: ThoughtData
    memo: str  # the thinker's MEMO_HEADER: hit, miss or off; unknown if it sent none


class ThinkerUnavailable(APIException):
    status_code = 502
    default_code = "thinker_unavailable"
    default_detail = "The thinker could not be reached or failed to answer."


class ThinkerTimeout(APIException):
    status_code = 504
    default_code = "thinker_timeout"
    default_detail = "The thinker did not answer in time."


class ApiBusy(APIException):
    status_code = 503
    default_code = "api_busy"
    default_detail = "The API is making as many thinker calls as it may at once; try again shortly."
    wait = 1  # DRF's handler sends it as Retry-After


class CallBudget:
    """At most `limit` thinker calls in flight in this process. A request takes all the calls it needs at once, or
    none: a full API refuses it (ApiBusy, 503) at once rather than queue it behind the others."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self._lock = threading.Lock()

    @contextmanager
    def take(self, calls: int) -> Iterator[None]:
        with self._lock:
            if self.in_flight + calls > self.limit:
                raise ApiBusy(
                    f"The API is making as many thinker calls as it may at once ({self.limit}, "
                    "THINKER_MAX_CALLS_IN_FLIGHT); try again shortly."
                )
            self.in_flight += calls
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= calls


class _ThinkerAdapter(requests.adapters.HTTPAdapter):
    """The transport to the thinker, which adds our trace headers in steps 3 to 5 (core/tracing/propagation.py).

    Global injection is off (core/tracing/dd.py), so this session, which only ever talks to
    the thinker, is the one place our trace headers leave the API.
    """

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        inject_on_the_wire(request.headers)
        return super().send(request, *args, **kwargs)


def _new_session() -> requests.Session:
    session = requests.Session()
    # The thinker is ours and reached directly: no proxy, .netrc or CA bundle from the environment.
    session.trust_env = False
    adapter = _ThinkerAdapter(pool_connections=1, pool_maxsize=POOL_CONNECTIONS, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_session = _new_session()
_budget = CallBudget(settings.THINKER_MAX_CALLS_IN_FLIGHT)


def _thinker_url(path: str) -> str:
    return settings.THINKER_URL.rstrip("/") + path


def _get(url: str, subject: str, headers: dict[str, str]) -> requests.Response:
    """GET the thinker, once more, on a new connection, if the connection dropped before an answer.

    The thinker's gunicorn closes idle keep-alive connections (keepalive = 5 s); one reused just as
    it closes fails with RemoteDisconnected (schemathesis found it as a 502 under load). A thinker
    replica that dies drops every connection it held, in flight and idle in our pool alike
    (tests/e2e/test_scale_out.py). The GET is idempotent, so it is retried once, from a session of
    its own: the pool may hold more of the dead connections. Timeouts are not retried: that would
    double THINKER_TIMEOUT_SECONDS. The retry waits RETRY_PAUSE_SECONDS first.
    """
    params, timeout = {"subject": subject}, settings.THINKER_TIMEOUT_SECONDS
    try:
        return _session.get(url, params=params, headers=headers, timeout=timeout)
    except requests.ConnectionError as error:
        if isinstance(error, requests.Timeout):  # ConnectTimeout is both
            raise
        logger.info("Thinker connection dropped for subject %r (%s); retrying once", subject, error)
    time.sleep(RETRY_PAUSE_SECONDS)
    with _new_session() as fresh:
        return fresh.get(url, params=params, headers=headers, timeout=timeout)


def fetch_thought(*, subject: str) -> ThinkerAnswer:
    """Ask the thinker for the thought on `subject`, and whether its memo answered; raises ThinkerUnavailable
    (502) or ThinkerTimeout (504)."""
    url = _thinker_url("/")
    try:
        response = _get(url, subject, headers_for_thinker())
    except requests.Timeout as error:
        logger.warning("Thinker at %s timed out for subject %r: %s", url, subject, error)
        raise ThinkerTimeout(f"The thinker did not answer within {settings.THINKER_TIMEOUT_SECONDS:g} s.") from error
    except requests.RequestException as error:
        logger.warning("Thinker at %s unreachable for subject %r: %s", url, subject, error)
        raise ThinkerUnavailable(f"The thinker at {url} could not be reached.") from error
    if response.status_code != 200:
        logger.warning("Thinker answered %s for subject %r: %.200s", response.status_code, subject, response.text)
        raise ThinkerUnavailable(f"The thinker answered {response.status_code}.")
    try:
        answer = ThoughtSerializer(data=response.json())
    except ValueError:
        answer = None
    if answer is None or not answer.is_valid():
        logger.warning("Thinker answered an unexpected body for subject %r: %.200s", subject, response.text)
        raise ThinkerUnavailable("The thinker answered something that is not a thought.")
    memo = response.headers.get(MEMO_HEADER, "")
    return ThinkerAnswer(cast(ThoughtData, answer.validated_data), memo if memo in get_args(MemoOutcome) else "unknown")


def check_thinker() -> None:
    """Raise unless the thinker answers its liveness check within the timeout."""
    _session.get(_thinker_url("/healthz"), timeout=settings.THINKER_TIMEOUT_SECONDS).raise_for_status()


def fetch_thoughts(*, subjects: list[str]) -> list[ThinkerAnswer]:
    """The thoughts on `subjects`, in order, fetched concurrently within the caller's trace; ApiBusy (503) when this
    process already makes THINKER_MAX_CALLS_IN_FLIGHT calls."""
    with _budget.take(len(subjects)):
        if len(subjects) == 1:
            return [fetch_thought(subject=subjects[0])]
        # Threads of this request's own (10 at most): a pool shared by every request queued one client's subjects
        # behind another's (two memo hits waited 14.7 s behind a flood of misses).
        with ThreadPoolExecutor(max_workers=len(subjects), thread_name_prefix="thinker-client") as executor:
            # Each fetch runs in a copy of this thread's context, where ddtrace keeps the active span, so its
            # HTTP hop joins the request's trace. ddtrace's futures integration would do it for every executor,
            # gunicorn's own included; tracing.env turns it off (perf/BENCHMARKS.md).
            futures = [executor.submit(copy_context().run, fetch_thought, subject=subject) for subject in subjects]
            return [future.result() for future in futures]
