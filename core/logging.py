"""Logging helpers: log lines carry dd.* trace ids when ddtrace runs, and never break when it does not."""

import logging

DATADOG_FIELDS = {
    "dd.service": "",
    "dd.env": "",
    "dd.version": "",
    "dd.trace_id": "0",
    "dd.span_id": "0",
}


class DatadogDefaultsFilter(logging.Filter):
    """Fill the dd.* attributes ddtrace's log injection adds, so the format string works without it."""

    def filter(self, record: logging.LogRecord) -> bool:
        for field, default in DATADOG_FIELDS.items():
            if not hasattr(record, field):
                setattr(record, field, default)
        return True
