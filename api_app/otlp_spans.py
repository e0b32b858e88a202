"""OpenTelemetry spans, as Datadog's test agent keeps them, in the shape of its own spans.

The test agent keeps OTLP traces apart: `GET /test/session/traces` on its OTLP HTTP port (4318) returns the
export requests as JSON, ids in base64, attributes as typed values. `agent_spans` turns them into the dicts
its `/test/traces` returns for ddtrace's spans (ids as 64-bit ints, `service`, `name`, `resource`, `meta`,
`metrics`, `error`, `type`, `start` and `duration` in ns), so one list holds a mixed trace. Each converted
span says where it came from in `meta["tracer"] = "otel"` (`tracer_of`). No Django: the trace page and the
end-to-end tests both use it.
"""

from base64 import b64decode
from collections.abc import Iterable
from typing import Any

import requests

from core.tracing.backend import LOW_64_BITS

# db.system (old and new semantic conventions) -> the span type ddtrace gives such spans.
SQL_SYSTEMS = {"postgresql", "sqlite"}


def _id(value: str | None) -> int:
    return int.from_bytes(b64decode(value), "big") if value else 0


def _value(typed: dict[str, Any]) -> Any:
    """An OTLP AnyValue ({"string_value": ...}, {"int_value": "3"}, ...) as a Python value."""
    for kind, value in typed.items():
        if kind == "int_value":
            return int(value)
        if kind == "array_value":
            return [_value(item) for item in value.get("values", [])]
        return value
    return None


def _attributes(items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {item["key"]: _value(item.get("value", {})) for item in items}


def agent_span(span: dict[str, Any], service: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """One OTLP span as the agent's span dict; `tags`: its resource's unified service tags (env, version)."""
    attributes = _attributes(span.get("attributes", []))
    meta = {
        **(tags or {}),
        **{key: str(value) for key, value in attributes.items() if not isinstance(value, int | float)},
    }
    metrics = {key: value for key, value in attributes.items() if isinstance(value, int | float)}
    kind = span.get("kind", "SPAN_KIND_INTERNAL").removeprefix("SPAN_KIND_").lower()
    meta["span.kind"] = kind
    meta["tracer"] = "otel"
    for event in span.get("events", []):
        if event.get("name") == "exception":
            exception = _attributes(event.get("attributes", []))
            meta["error.type"] = str(exception.get("exception.type", ""))
            meta["error.message"] = str(exception.get("exception.message", ""))
            meta["error.stack"] = str(exception.get("exception.stacktrace", ""))
    system = str(attributes.get("db.system.name") or attributes.get("db.system") or "")
    if system in SQL_SYSTEMS:
        span_type = "sql"
    elif system == "redis":
        span_type = "redis"
    else:
        span_type = {"server": "web", "client": "http"}.get(kind, "")
    start = int(span.get("start_time_unix_nano", 0))
    return {
        "trace_id": _id(span.get("trace_id")) & LOW_64_BITS,
        "span_id": _id(span.get("span_id")),
        "parent_id": _id(span.get("parent_span_id")),
        "service": service,
        "name": span.get("name", ""),
        "resource": span.get("name", ""),
        "type": span_type,
        "meta": meta,
        "metrics": metrics,
        "error": 1 if span.get("status", {}).get("code") == "STATUS_CODE_ERROR" else 0,
        "start": start,
        "duration": int(span.get("end_time_unix_nano", start)) - start,
    }


def agent_spans(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every span in the test agent's OTLP payloads, as the agent's own span dicts."""
    spans: list[dict[str, Any]] = []
    for payload in payloads:
        for resource_spans in payload.get("resource_spans", []):
            resource = _attributes(resource_spans.get("resource", {}).get("attributes", []))
            service = str(resource.get("service.name", ""))
            # Datadog's agent makes these the unified service tags of OTLP spans.
            tags = {
                tag: str(resource[key])
                for tag, key in (("env", "deployment.environment"), ("version", "service.version"))
                if resource.get(key)
            }
            for scope_spans in resource_spans.get("scope_spans", []):
                spans.extend(agent_span(span, service, tags) for span in scope_spans.get("spans", []))
    return spans


def read_spans(otlp_url: str, timeout: float, trace_id: int | None = None) -> list[dict[str, Any]]:
    """The OpenTelemetry spans the test agent at `otlp_url` (its OTLP HTTP port) holds, as agent spans: all of
    them, or those of `trace_id` (low 64 bits). The agent has no per-trace query there, so this reads them all.
    Raises requests.RequestException or ValueError if it does not answer with them."""
    response = requests.get(f"{otlp_url.rstrip('/')}/test/session/traces", timeout=timeout)
    response.raise_for_status()
    spans = agent_spans(response.json())
    return spans if trace_id is None else [span for span in spans if span["trace_id"] == trace_id]


def tracer_of(span: dict[str, Any]) -> str:
    """Which tracer made an agent span: otel (converted here), else ddtrace."""
    return span.get("meta", {}).get("tracer", "ddtrace")
