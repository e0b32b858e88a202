"""The OpenTelemetry SDK's side of the facade, for a service started with TRACER=otel, set up in code.

`configure` runs when Django loads the apps, so in each gunicorn worker (they fork before loading the
app): a tracer provider named after the service, a batch exporter sending OTLP over HTTP
(OTEL_EXPORTER_OTLP_ENDPOINT; Datadog's agent and its test agent take it on 4318), and the official
instrumentations of what the services use: Django, requests, redis, the database driver, Celery (step 6).

The trust boundary holds as under ddtrace (core/tracing/propagation.py): the global propagator continues
nothing, and injects nothing, unless the service continues its callers' traces automatically (the
thinker, steps 3 to 5). Our headers leave only through the thinker client, written with W3C's
propagator (`inject_headers`), the format both tracers read.
"""

import json
import logging
import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.celery import CeleryInstrumentor
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor
from opentelemetry.propagate import set_global_textmap
from opentelemetry.propagators.textmap import CarrierT, Getter, TextMapPropagator, default_getter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from core.tracing.backend import LOW_64_BITS
from core.tracing.launch import SDK_VARIABLE

logger = logging.getLogger(__name__)

W3C = TraceContextTextMapPropagator()
# ddtrace sends what it has each second; the SDK's default is 5 s. The same here, so a trace shows as soon.
EXPORT_DELAY_MILLISECONDS = 1000


class NoPropagation(TextMapPropagator):
    """Continues no caller's trace and writes no headers: what the public API's integrations must do."""

    def extract(
        self, carrier: CarrierT, context: Context | None = None, getter: Getter[CarrierT] = default_getter
    ) -> Context:
        return Context()

    def inject(self, carrier: CarrierT, context: Context | None = None, setter: Any = None) -> None:
        return None

    @property
    def fields(self) -> set[str]:
        return set()


class Span:
    """An OpenTelemetry span with ddtrace's `set_tag` (core.tracing.SpanTags)."""

    def __init__(self, span: trace.Span) -> None:
        self._span = span

    def set_tag(self, key: str, value: str) -> None:
        self._span.set_attribute(key, value)


def sampler_from_dd_rules() -> Sampler | None:
    """DD_TRACE_SAMPLING_RULES, the one switch under both tracers (ddtrace reads it itself), as the SDK's sampler:
    a single rule with a `sample_rate` alone keeps that share of the traces this service starts, and follows the
    caller's decision in the others (parent-based, as ddtrace does). The SDK's own OTEL_TRACES_SAMPLER wins; rules
    that filter by service or name have no SDK equivalent and are left to ddtrace, with a warning."""
    rules = os.environ.get("DD_TRACE_SAMPLING_RULES", "").strip()
    if not rules or os.environ.get("OTEL_TRACES_SAMPLER"):
        return None
    try:
        (rule,) = json.loads(rules)
        rate = float(rule.pop("sample_rate"))
        if rule:
            raise ValueError(f"filters {sorted(rule)}")
    except (ValueError, TypeError, KeyError) as error:
        logger.warning(
            "DD_TRACE_SAMPLING_RULES=%s is not one sample_rate (%s): the SDK samples by its default.", rules, error
        )
        return None
    return ParentBased(TraceIdRatioBased(rate))


class DropStrayCalls(Sampler):
    """Drops the spans that would start a trace as a client's call, and keeps the rest as `sampler` decides.

    Those are Celery's broker upkeep (step 6's worker polls its queue, restores unacknowledged tasks, answers
    pings: a trace every second or so) and each start's own database queries: the Redis and database
    instrumentations' spans outside any request or task. A user's calls always come under a request or a task.
    (ddtrace's side: dd.py's DropStrayCalls.)
    """

    def __init__(self, sampler: Sampler) -> None:
        self._sampler = sampler

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: trace.SpanKind | None = None,
        attributes: Any = None,
        links: Any = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        if kind == trace.SpanKind.CLIENT and not trace.get_current_span(parent_context).get_span_context().is_valid:
            return SamplingResult(Decision.DROP)
        return self._sampler.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"DropStrayCalls{{{self._sampler.get_description()}}}"


class OpenTelemetry:
    """The facade's backend under the OpenTelemetry SDK (core.tracing.backend.Backend)."""

    def configure(self, *, service_name: str, continue_incoming: bool, untraced_paths: Sequence[str]) -> None:
        """Set up the SDK and instrument the libraries; `continue_incoming`: the Django instrumentation continues
        callers' W3C headers (only the thinker's callers are ours)."""
        # Only a service the launcher started (core/tracing/launch.py): a `manage.py migrate` with TRACER=otel is no
        # more traced than one without ddtrace-run.
        if not os.environ.get(SDK_VARIABLE):
            return
        resource = Resource.create({
            "service.name": service_name,
            "deployment.environment": os.environ.get("DD_ENV", ""),
            "service.version": os.environ.get("DD_VERSION", ""),
        })  # fmt: skip
        # OTEL_TRACES_SAMPLER, when set, is the SDK's own choice, as it is: without the upkeep's drop.
        sampler = None if os.environ.get("OTEL_TRACES_SAMPLER") else sampler_from_dd_rules() or ParentBased(ALWAYS_ON)
        provider = TracerProvider(resource=resource, sampler=sampler and DropStrayCalls(sampler))
        delay = int(os.environ.get("OTEL_BSP_SCHEDULE_DELAY") or EXPORT_DELAY_MILLISECONDS)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=delay))
        trace.set_tracer_provider(provider)
        set_global_textmap(W3C if continue_incoming else NoPropagation())
        DjangoInstrumentor().instrument(excluded_urls=",".join(untraced_paths))
        RequestsInstrumentor().instrument()
        RedisInstrumentor().instrument()
        if settings.STEP.queue:
            CeleryInstrumentor().instrument()
        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
            # DD_DBM_PROPAGATION_MODE, the one switch under both tracers (ddtrace reads it itself): `full` turns on
            # the instrumentation's SQL commenter, whose comment carries the W3C traceparent. It has no service
            # tags to send, so `service` adds no comment under OpenTelemetry.
            PsycopgInstrumentor().instrument(enable_commenter=os.environ.get("DD_DBM_PROPAGATION_MODE") == "full")
        else:
            SQLite3Instrumentor().instrument()

    @contextmanager
    def span(self, name: str, tags: Mapping[str, str]) -> Iterator[Span]:
        # start_as_current_span records an exception raised in the block and sets the span's status to error.
        with trace.get_tracer("thinker").start_as_current_span(name, attributes=dict(tags)) as current:
            yield Span(current)

    def current_trace_id(self) -> int | None:
        span_context = trace.get_current_span().get_span_context()
        return span_context.trace_id & LOW_64_BITS if span_context.is_valid else None

    def inject_headers(self, headers: MutableMapping[str, str]) -> None:
        W3C.inject(headers)

    @contextmanager
    def continued_from(self, headers: Mapping[str, str]) -> Iterator[None]:
        token = context.attach(W3C.extract(headers))
        try:
            yield
        finally:
            context.detach(token)

    def log_ids(self) -> tuple[str, str] | None:
        """The current trace and span ids as ddtrace writes them in log lines (32 hex digits; decimal)."""
        span_context = trace.get_current_span().get_span_context()
        if not span_context.is_valid:
            return None
        return f"{span_context.trace_id:032x}", str(span_context.span_id)
