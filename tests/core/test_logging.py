import logging

from core.logging import DatadogDefaultsFilter
from thinkproject.settings.base import LOGGING


def formatted(record: logging.LogRecord) -> str:
    DatadogDefaultsFilter().filter(record)
    return logging.Formatter(LOGGING["formatters"]["datadog"]["format"]).format(record)


def test_a_record_without_ddtrace_attributes_still_formats():
    record = logging.LogRecord("thinker", logging.WARNING, __file__, 1, "Redis is away", None, None)
    assert "dd.trace_id=0 dd.span_id=0] - Redis is away" in formatted(record)


def test_the_trace_ids_ddtrace_injects_are_kept():
    record = logging.LogRecord("thinker", logging.INFO, __file__, 1, "hello", None, None)
    setattr(record, "dd.trace_id", "6925f5a2000000001234")
    setattr(record, "dd.span_id", "42")
    assert "dd.trace_id=6925f5a2000000001234 dd.span_id=42]" in formatted(record)
