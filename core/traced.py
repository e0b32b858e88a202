"""`python -m core.traced <command>`: start a service under the tracer its environment chooses.

ddtrace (the default): `ddtrace-run <command>`, as the workshop starts its services. otel: the command
as it is, without ddtrace's start-up; the service sets up the OpenTelemetry SDK itself when Django loads
its apps (core/otel.py). Which service: its settings module, from DJANGO_SETTINGS_MODULE or the
command's --settings. docker compose, the image, the Procfile and the end-to-end tests all start the
services this way.
"""

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.tracers import tracer_for

# Set for a service started under the OpenTelemetry SDK: its core app sets the SDK up (core/apps.py).
SDK_VARIABLE = "THINKER_OTEL_SDK"


def service_of(command: Sequence[str], environ: Mapping[str, str]) -> str:
    """Which service, "thinker" or "api": the settings module the command runs with."""
    module = environ.get("DJANGO_SETTINGS_MODULE", "")
    for n, arg in enumerate(command):
        if arg.startswith("--settings="):
            module = arg.partition("=")[2]
        elif arg == "--settings" and n + 1 < len(command):
            module = command[n + 1]
    return "thinker" if module.endswith(".thinker") else "api"


def traced_command(command: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """`command` under the service's tracer; ValueError if the environment names no known tracer."""
    if tracer_for(service_of(command, environ), environ) == "otel":
        return list(command)  # core/otel.py sets the SDK up once Django loads (SDK_VARIABLE says so)
    # The ddtrace-run beside this Python (the virtualenv's), else the one on the PATH.
    ddtrace_run = Path(sys.executable).parent / "ddtrace-run"
    return [str(ddtrace_run) if ddtrace_run.exists() else "ddtrace-run", *command]


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m core.traced <command> [arguments]")
    try:
        command = traced_command(argv, os.environ)
    except ValueError as error:
        sys.exit(str(error))
    if command == argv:
        # Run as it is: the OpenTelemetry SDK, which the service sets up once told so. Only the service
        # itself: a `manage.py migrate` with TRACER=otel is no more traced than one without ddtrace-run.
        os.environ[SDK_VARIABLE] = "1"
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
