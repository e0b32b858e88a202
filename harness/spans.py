"""Reading a joined trace back from the test agent: the spans the tests and the benchmark look for."""
import json
from collections.abc import Callable
from typing import Any

Span = dict[str, Any]

SERVICES = {"thinker-api", "thinker-microservice"}


def by_name(spans: list[Span], name: str) -> list[Span]:
    return [span for span in spans if span["name"] == name]


def thinker_requests(spans: list[Span]) -> list[Span]:
    return [span for span in by_name(spans, "django.request") if span["service"] == "thinker-microservice"]


def database_spans(spans: list[Span]) -> list[Span]:
    """sqlite.query or postgres.query, whichever database the stack runs on."""
    return [span for span in spans if span.get("type") == "sql"]


def api_root(spans: list[Span]) -> Span:
    (root,) = [span for span in by_name(spans, "django.request") if span["service"] == "thinker-api"]
    return root


def joined(thinker_calls: int) -> Callable[[list[Span]], bool]:
    """A trace is complete once the API's root and every thinker request span have arrived."""

    def complete(spans: list[Span]) -> bool:
        api_roots = [s for s in by_name(spans, "django.request") if s["service"] == "thinker-api"]
        return len(api_roots) == 1 and len(thinker_requests(spans)) == thinker_calls

    return complete


def dump(spans: list[Span]) -> str:
    return json.dumps(
        [{k: s.get(k) for k in ("service", "name", "resource", "span_id", "parent_id", "error")} for s in spans],
        indent=1,
    )
