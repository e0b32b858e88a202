"""What a tracing backend gives the facade (core/tracing/__init__.py): ddtrace's (dd.py) and the OpenTelemetry
SDK's (otel.py) each implement it."""

from collections.abc import Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

# The agent keeps a trace's low 64 bits as its trace_id (both tracers make 128-bit ids).
LOW_64_BITS = (1 << 64) - 1


class SpanTags(Protocol):
    def set_tag(self, key: str, value: str) -> None: ...


class Backend(Protocol):
    def configure(self, *, service_name: str, continue_incoming: bool, untraced_paths: Sequence[str]) -> None:
        """Set the tracer up for this process, once."""

    def span(self, name: str, tags: Mapping[str, str]) -> AbstractContextManager[SpanTags]: ...

    def current_trace_id(self) -> int | None: ...

    def inject_headers(self, headers: MutableMapping[str, str]) -> None: ...

    def continued_from(self, headers: Mapping[str, str]) -> AbstractContextManager[None]: ...

    def log_ids(self) -> tuple[str, str] | None:
        """The current trace and span ids for a log line, where the tracer does not add them itself."""
