"""Reading a joined trace back from the test agent: the spans the tests and the benchmark look for.

Whichever tracer made them (api_app/otlp_spans.py gives OpenTelemetry's spans the agent's shape): a service's
request span is its server span, the HTTP hop a client span of type http.
"""

import json
from collections.abc import Callable
from typing import Any

from api_app.traces import is_framework_span

Span = dict[str, Any]

SERVICES = {"thinker-api", "thinker-microservice"}
WORKER = "thinker-worker"


def by_name(spans: list[Span], name: str) -> list[Span]:
    return [span for span in spans if span["name"] == name]


def server_spans(spans: list[Span], service: str) -> list[Span]:
    """`service`'s request spans: ddtrace's django.request, OpenTelemetry's `GET <route>` (both kind server)."""
    return [span for span in spans if span["service"] == service and span["meta"].get("span.kind") == "server"]


def thinker_requests(spans: list[Span]) -> list[Span]:
    return server_spans(spans, "thinker-microservice")


def http_hops(spans: list[Span]) -> list[Span]:
    """The API's calls to the thinker: ddtrace's requests.request, OpenTelemetry's `GET` (kind client)."""
    return [span for span in spans if span.get("type") == "http" and span["meta"].get("span.kind") == "client"]


def queue_spans(spans: list[Span], kind: str) -> list[Span]:
    """Step 6's Celery spans: the enqueue (`producer`: ddtrace's celery.apply, OpenTelemetry's apply_async/<task>)
    or the worker's task (`consumer`: celery.run, run/<task>)."""
    return [span for span in spans if span["meta"].get("span.kind") == kind]


def redis_spans(spans: list[Span]) -> list[Span]:
    return [span for span in spans if span.get("type") == "redis"]


def database_spans(spans: list[Span]) -> list[Span]:
    """sqlite.query or postgres.query, whichever database the stack runs on."""
    return [span for span in spans if span.get("type") == "sql"]


def api_root(spans: list[Span]) -> Span:
    (root,) = server_spans(spans, "thinker-api")
    return root


def joined(thinker_calls: int) -> Callable[[list[Span]], bool]:
    """A trace is complete once the API's root and every thinker request span have arrived."""

    def complete(spans: list[Span]) -> bool:
        return len(server_spans(spans, "thinker-api")) == 1 and len(thinker_requests(spans)) == thinker_calls

    return complete


def parent_past_framework(spans: list[Span], span: Span) -> int:
    """The id of the nearest span above `span` that the framework did not make (the trace page's folded parent):
    a DRF view's work hangs under ddtrace's view spans, the request's one level up once they are folded."""
    by_id = {s["span_id"]: s for s in spans}
    parent = by_id.get(span["parent_id"])
    while parent is not None and is_framework_span(parent):
        parent = by_id.get(parent["parent_id"])
    return 0 if parent is None else parent["span_id"]


def depths(spans: list[Span]) -> dict[int, int]:
    """span_id -> how far below its trace's root the span hangs (the root, or a span whose parent is
    not in `spans`, is 0)."""
    by_id = {span["span_id"]: span for span in spans}

    def depth(span: Span) -> int:
        return 0 if span["parent_id"] not in by_id else 1 + depth(by_id[span["parent_id"]])

    return {span["span_id"]: depth(span) for span in spans}


def shape(spans: list[Span]) -> list[tuple[int, str, str]]:
    """A trace as sorted (depth, service, span name) rows: what a trace picture shows.

    Database spans become one ("database", "query") row per depth: how many statements a miss runs
    depends on the database and on whether the connection is new, not on the workshop's step.
    """
    depth = depths(spans)
    rows = {(depth[s["span_id"]], "database", "query") for s in database_spans(spans)}
    return sorted([*rows, *((depth[s["span_id"]], s["service"], s["name"]) for s in spans if s.get("type") != "sql")])


def dump(spans: list[Span]) -> str:
    return json.dumps(
        [{k: s.get(k) for k in ("service", "name", "resource", "span_id", "parent_id", "error")} for s in spans],
        indent=1,
    )
