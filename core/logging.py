"""Logging helpers: log lines carry dd.* trace ids under either tracer, and never break without one."""

import logging
import os

from django.conf import settings

from core import tracing

DATADOG_FIELDS = {
    "dd.service": "",
    "dd.env": "",
    "dd.version": "",
    "dd.trace_id": "0",
    "dd.span_id": "0",
}


class WithoutTraceback(logging.Filter):
    """Log the record without its stack: for a refused request (a Host not in ALLOWED_HOSTS), whose line says it
    all, where Django's security logger adds a traceback of its own code to every one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        return True


class DatadogDefaultsFilter(logging.Filter):
    """Fill the dd.* attributes ddtrace's log injection adds, so the format string works without it.

    Under the OpenTelemetry SDK they come from its current span, in ddtrace's format (the trace id in 32
    hex digits, the span id in decimal), which Datadog's log pipeline joins to the trace either way.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "dd.trace_id") and settings.configured and getattr(settings, "TRACER", "") == "otel":
            ids = tracing.log_ids()
            if ids is not None:
                setattr(record, "dd.trace_id", ids[0])
                setattr(record, "dd.span_id", ids[1])
            setattr(record, "dd.service", settings.TRACE_SERVICE_NAME)
            setattr(record, "dd.env", os.environ.get("DD_ENV", ""))
            setattr(record, "dd.version", os.environ.get("DD_VERSION", ""))
        for field, default in DATADOG_FIELDS.items():
            if not hasattr(record, field):
                setattr(record, field, default)
        return True
