"""`python -m core.tracing.launch <command>`: start a service under the tracer its environment chooses.

Which service: SERVICE (core/service.py). ddtrace (the default): `ddtrace-run <command>`, as the workshop
starts its services. otel: the command as it is, without ddtrace's start-up; the service sets up the
OpenTelemetry SDK itself when Django loads its apps (core/tracing/otel.py). Either way DD_SERVICE defaults to
the service's name in traces. docker compose, the image, the Procfile and the end-to-end tests all start the
services this way.
"""

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.service import service_from, tracer_for

# Set for a service started under the OpenTelemetry SDK: it sets the SDK up when Django loads (otel.py).
SDK_VARIABLE = "THINKER_OTEL_SDK"


def traced_command(command: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """`command` under the service's tracer; ValueError if the environment names no known service or tracer."""
    if tracer_for(service_from(environ), environ) == "otel":
        return list(command)
    # The ddtrace-run beside this Python (the virtualenv's), else the one on the PATH.
    ddtrace_run = Path(sys.executable).parent / "ddtrace-run"
    return [str(ddtrace_run) if ddtrace_run.exists() else "ddtrace-run", *command]


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m core.tracing.launch <command> [arguments]")
    try:
        command = traced_command(argv, os.environ)
        service = service_from(os.environ)
    except ValueError as error:
        sys.exit(str(error))
    os.environ.setdefault("DD_SERVICE", service.trace_name)
    if command == argv:
        os.environ[SDK_VARIABLE] = "1"
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
