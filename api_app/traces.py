"""Traces read back from Datadog's test agent, joined across services into one tree: ddtrace's spans from its
`/test/traces`, OpenTelemetry's from its OTLP port (api_app/otlp_spans.py), so a mixed fleet's trace is one tree.

Ids stay Python ints and reach the page as strings: 64-bit ids never pass through JavaScript numbers.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import requests
from django.conf import settings

from api_app.otlp_spans import read_spans, tracer_of

logger = logging.getLogger(__name__)

# The seed's flame-graph colours for its services, then a palette for any others.
SERVICE_COLORS = {
    "thinker-api": "#8a3ab9",
    "requests": "#b36bd6",
    "thinker-microservice": "#b5c918",
    "redis": "#d65c9e",
    "sqlite": "#5b4a8a",
    "postgres": "#336791",
}
PALETTE = ["#2f7ed8", "#0d9488", "#c2410c", "#4d7c0f", "#7c3aed", "#be123c"]
TIMEOUT_SECONDS = 3
# Spans the web framework's instrumentation makes around a request's own work: ddtrace's view spans (five for
# a DRF view) and its middleware spans. The page folds them under their request row; a click unfolds them.
FRAMEWORK_SPAN_NAMES = ("django.view", "django.middleware")


# What the pages compute with, on every span: the test agent stores whatever a client sent it.
INTEGER_FIELDS = ("trace_id", "span_id", "start", "duration")


def is_well_formed(span: Any) -> bool:
    """Whether the pages can draw `span`: integer ids and times, string tags, numeric metrics. One span sent
    without a `start`, or with a string `duration`, must not take the trace pages down for everyone."""
    if not isinstance(span, dict) or not all(type(span.get(name)) is int for name in INTEGER_FIELDS):
        return False
    meta, metrics = span.get("meta", {}), span.get("metrics", {})
    return (
        type(span.get("parent_id", 0)) in (int, type(None))
        and all(isinstance(span.get(name, ""), str | None) for name in ("service", "name", "resource", "type"))
        and isinstance(meta, dict)
        and all(isinstance(value, str) for value in meta.values())
        and isinstance(metrics, dict)
        and all(type(value) in (int, float) for value in metrics.values())
    )


def is_framework_span(span: dict[str, Any]) -> bool:
    name = span.get("name") or ""
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in FRAMEWORK_SPAN_NAMES)


# ddtrace's decision makers, the `_dd.p.dm` tag (ddtrace.internal.constants.SamplingMechanism), as the page says them.
DECISION_MAKERS = {
    "-0": "the tracer's default rate",
    "-1": "the agent's rate",
    "-3": "a sampling rule",
    "-4": "a manual decision in code",
    "-5": "AppSec",
    "-8": "a span sampling rule",
    "-11": "a remote sampling rule",
    "-12": "a dynamic remote sampling rule",
}
SAMPLING_PRIORITY = "_sampling_priority_v1"


@dataclass(frozen=True)
class Sampling:
    """Whether a trace was kept, and who decided: read from the spans' own tags."""

    kept: bool
    by: str
    # The services' spans disagree (kept in one, dropped in another): a trace half kept, which must never happen.
    split: bool = False

    def __str__(self) -> str:
        return f"{'kept' if self.kept else 'dropped'} by {self.by}" + (
            " (split between services!)" if self.split else ""
        )


def sampling_of(spans: list[dict[str, Any]]) -> Sampling:
    """ddtrace's priority (above 0: kept) and decision maker, from the root's part first; a trace with no ddtrace
    span was kept by the OpenTelemetry SDK's sampler, which sends nothing of what it drops."""
    decided = [span for span in spans if SAMPLING_PRIORITY in span.get("metrics", {})]
    if not decided:
        return Sampling(kept=True, by="the OpenTelemetry SDK's sampler")
    first = min(decided, key=lambda span: (span.get("parent_id") not in (0, None), span["start"]))
    maker = first.get("meta", {}).get("_dd.p.dm", "")
    split = len({span["metrics"][SAMPLING_PRIORITY] > 0 for span in decided}) > 1
    return Sampling(first["metrics"][SAMPLING_PRIORITY] > 0, DECISION_MAKERS.get(maker, f"`_dd.p.dm` {maker}"), split)


class TraceStoreUnavailable(Exception):
    """No test agent answers at TRACE_STORE_URL (or it is a real agent, which keeps no traces)."""


def service_color(service: str) -> str:
    return SERVICE_COLORS.get(service) or PALETTE[sum(map(ord, service)) % len(PALETTE)]


@dataclass
class SpanRow:
    span: dict[str, Any]
    depth: int  # below the trace's root, as the spans hang
    offset_pct: float
    width_pct: float
    folded_depth: int = 0  # below the root with the framework spans folded: the depth the page draws first
    folded_under: str = ""  # for a framework span, the id of the request row it folds under
    folds: list["SpanRow"] = field(default_factory=list)  # for a request row, the framework spans under it

    @property
    def span_id(self) -> str:
        return str(self.span["span_id"])

    @property
    def service(self) -> str:
        return self.span.get("service") or ""

    @property
    def color(self) -> str:
        return service_color(self.service)

    @property
    def duration_ms(self) -> float:
        return self.span["duration"] / 1e6

    @property
    def error(self) -> bool:
        return bool(self.span.get("error"))

    @property
    def tracer(self) -> str:
        """Which tracer made the span: ddtrace, or otel (the OpenTelemetry SDK)."""
        return tracer_of(self.span)

    @property
    def cache(self) -> str | None:
        """'hit' or 'miss' on the think span, else None."""
        hit = self.span.get("meta", {}).get("think.cache_hit")
        return None if hit is None else ("hit" if hit == "true" else "miss")

    @property
    def folds_error(self) -> bool:
        return any(row.error for row in self.folds)

    @property
    def tags(self) -> list[tuple[str, Any]]:
        error_tags = {"error.type", "error.message", "error.stack"}
        meta = [(k, v) for k, v in self.span.get("meta", {}).items() if k not in error_tags]
        return sorted(meta + list(self.span.get("metrics", {}).items()), key=lambda item: item[0])


@dataclass
class Trace:
    """One trace's spans; its summary figures are computed once (the templates read them often)."""

    trace_id: str
    spans: list[dict[str, Any]]
    rows: list[SpanRow] = field(default_factory=list)

    @cached_property
    def start(self) -> int:
        return min(span["start"] for span in self.spans)

    @cached_property
    def duration_ms(self) -> float:
        return (max(span["start"] + span["duration"] for span in self.spans) - self.start) / 1e6

    @cached_property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.start / 1e9, tz=UTC)

    @cached_property
    def root(self) -> dict[str, Any]:
        ids = {span["span_id"] for span in self.spans}
        roots = [span for span in self.spans if span.get("parent_id") not in ids]
        # Spans that all name each other as parents (a client can send that) have no root: take the first.
        return min(roots or self.spans, key=lambda span: span["start"])

    @cached_property
    def services(self) -> list[tuple[str, str, int]]:
        """(service, colour, span count), in order of first appearance."""
        counts: dict[str, int] = {}
        for span in sorted(self.spans, key=lambda span: span["start"]):
            counts[span.get("service") or ""] = counts.get(span.get("service") or "", 0) + 1
        return [(service, service_color(service), count) for service, count in counts.items()]

    @cached_property
    def error(self) -> bool:
        return any(span.get("error") for span in self.spans)

    @cached_property
    def sampling(self) -> Sampling:
        return sampling_of(self.spans)

    @cached_property
    def mixed(self) -> bool:
        """Spans from both tracers: each row then says which made it."""
        return len({tracer_of(span) for span in self.spans}) > 1

    @property
    def cache(self) -> str | None:  # from `rows`, which _waterfall fills after construction
        verdicts = {row.cache for row in self.rows if row.cache}
        return verdicts.pop() if len(verdicts) == 1 else ("mixed" if verdicts else None)

    @cached_property
    def answered_pct(self) -> float | None:
        """Where the root's request ended on the time axis, when spans go on after it (step 6's worker, which runs
        after the admin has answered); None when the trace ends with it."""
        end = self.root["start"] + self.root["duration"]
        if max(span["start"] + span["duration"] for span in self.spans) <= end:
            return None
        return 100 * (end - self.start) / max(self.duration_ms * 1e6, 1)

    @cached_property
    def after_answer_ms(self) -> float:
        """How long the trace went on after its root's request had answered."""
        end = self.root["start"] + self.root["duration"]
        return max(0, max(span["start"] + span["duration"] for span in self.spans) - end) / 1e6

    def ticks(self, count: int = 4) -> list[tuple[float, str]]:
        return [(100 * i / count, f"{self.duration_ms * i / count:.1f} ms") for i in range(count + 1)]


def _waterfall(trace: Trace) -> Trace:
    """Order spans depth-first (children by start time) and place each bar on the shared time axis.

    Every span keeps its row; a framework span's row folds under the nearest request row above it.
    """
    ids = {span["span_id"] for span in trace.spans}
    children: dict[int | None, list[dict[str, Any]]] = {}
    for span in trace.spans:
        parent = span.get("parent_id") if span.get("parent_id") in ids else None
        children.setdefault(parent, []).append(span)
    start, total = trace.start, max(trace.duration_ms * 1e6, 1)
    # (span, depth, the nearest row above it that is not a framework span)
    stack: list[tuple[dict[str, Any], int, SpanRow | None]] = [
        (span, 0, None) for span in sorted(children.get(None, []), key=lambda s: s["start"], reverse=True)
    ]
    drawn: set[int] = set()  # each span once: two spans a client sent with one id would otherwise loop for ever
    while stack:
        span, depth, owner = stack.pop()
        if id(span) in drawn:
            continue
        drawn.add(id(span))
        row = SpanRow(span, depth, 100 * (span["start"] - start) / total, max(100 * span["duration"] / total, 0.3))
        if owner is not None and is_framework_span(span):
            row.folded_depth, row.folded_under = owner.folded_depth, owner.span_id
            owner.folds.append(row)
        else:
            row.folded_depth, owner = 0 if owner is None else owner.folded_depth + 1, row
        trace.rows.append(row)
        stack.extend(
            (child, depth + 1, owner)
            for child in sorted(children.get(span["span_id"], []), key=lambda s: s["start"], reverse=True)
        )
    return trace


def _fetch(trace_id: int | None = None) -> list[dict[str, Any]]:
    url = settings.TRACE_STORE_URL.rstrip("/") + "/test/traces"
    params = None if trace_id is None else {"trace_ids": str(trace_id)}
    try:
        response = requests.get(url, params=params, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        chunks = response.json()
    except (requests.RequestException, ValueError) as error:
        raise TraceStoreUnavailable(
            f"No test agent answers at {url} ({error}). This page reads Datadog's test agent "
            "(ddapm-test-agent); a real Datadog agent keeps no traces to read, so look in Datadog instead."
        ) from error
    spans = [span for chunk in chunks if isinstance(chunk, list) for span in chunk] if isinstance(chunks, list) else []
    spans += _fetch_otlp(trace_id)
    drawable = [span for span in spans if is_well_formed(span)]
    if len(drawable) < len(spans):
        logger.warning(
            "Left out %d of the test agent's spans that the trace pages cannot draw (each needs integer trace_id, "
            "span_id, start and duration, string tags and numeric metrics): a client sent them so.",
            len(spans) - len(drawable),
        )
    return drawable


def _fetch_otlp(trace_id: int | None) -> list[dict[str, Any]]:
    """The OpenTelemetry spans the test agent holds; none if its OTLP port does not answer (a fleet all
    on ddtrace needs none, and the ddtrace half of the page still shows), or answers with what is not OTLP."""
    try:
        return read_spans(settings.TRACE_STORE_OTLP_URL, TIMEOUT_SECONDS, trace_id)
    except (requests.RequestException, ValueError):
        return []
    except (AttributeError, KeyError, TypeError) as error:  # JSON, but not OTLP's shape
        logger.warning("Left out the test agent's OpenTelemetry spans, which are not OTLP's shape: %r", error)
        return []


# How many traces the list shows, and at most (?limit=).
LIST_LIMIT, MAX_LIST_LIMIT = 50, 500


def trace_list(*, limit: int = LIST_LIMIT, kept_only: bool = False) -> list[Trace]:
    """The most recent traces in the test agent, newest first; `kept_only`: those sampling kept, which are all a
    Datadog agent would send on (the test agent keeps the dropped ones too)."""
    by_id: dict[int, list[dict[str, Any]]] = {}
    for span in _fetch():
        by_id.setdefault(span["trace_id"], []).append(span)
    traces = [_waterfall(Trace(str(trace_id), spans)) for trace_id, spans in by_id.items()]
    traces = [trace for trace in traces if not kept_only or trace.sampling.kept]
    return sorted(traces, key=lambda trace: trace.start, reverse=True)[:limit]


def trace_get(*, trace_id: int) -> Trace | None:
    """One trace, all services' spans in one tree; None if the agent has none of it (yet)."""
    spans = _fetch(trace_id)
    return _waterfall(Trace(str(trace_id), spans)) if spans else None
