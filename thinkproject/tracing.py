"""What ddtrace-run and DD_* variables cannot say about tracing; everything else is in tracing.env."""
from ddtrace.trace import Span, TraceFilter, tracer

# Redis commands whose arguments after the key are the cached value.
_VALUE_WRITING_COMMANDS = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "MSET", "APPEND"}


class DropCachedValues(TraceFilter):
    """Keep memoized values out of `redis.raw_command`: the key shows, the value does not.

    ddtrace puts the whole command in that tag (DD_REDIS_RESOURCE_ONLY_COMMAND shortens only the
    resource, DD_REDIS_CMD_MAX_LENGTH only truncates), so a SET would carry the cached thought.
    """

    def process_trace(self, trace: list[Span]) -> list[Span]:
        for span in trace:
            if span.span_type != "redis":
                continue
            raw = span.get_tag("redis.raw_command")
            if not raw:
                continue
            command, _, rest = raw.partition(" ")
            if command.upper() in _VALUE_WRITING_COMMANDS:
                key = rest.partition(" ")[0]
                span.set_tag("redis.raw_command", f"{command} {key} ?")
        return trace


def configure_tracing() -> None:
    """Install the project's trace processors on ddtrace's global tracer."""
    tracer.configure(trace_processors=[DropCachedValues()])
