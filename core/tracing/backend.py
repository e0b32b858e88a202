"""What a tracing backend gives the facade (core/tracing/__init__.py): ddtrace's (dd.py) and the OpenTelemetry
SDK's (otel.py) each implement it; Untraced, below, is a process's that no tracer runs."""

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, contextmanager
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


class _NoSpan:
    def set_tag(self, key: str, value: str) -> None:
        pass


class Untraced:
    """The backend of a process that no tracer runs: spans are no-ops, and there is no trace to carry or name."""

    def configure(self, *, service_name: str, continue_incoming: bool, untraced_paths: Sequence[str]) -> None:
        pass

    @contextmanager
    def span(self, name: str, tags: Mapping[str, str]) -> Iterator[SpanTags]:
        yield _NoSpan()

    def current_trace_id(self) -> int | None:
        return None

    def inject_headers(self, headers: MutableMapping[str, str]) -> None:
        pass

    @contextmanager
    def continued_from(self, headers: Mapping[str, str]) -> Iterator[None]:
        yield

    def log_ids(self) -> tuple[str, str] | None:
        return None
