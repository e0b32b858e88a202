"""`python -m core.tracing.launch <command>`: start a service under the tracer its environment chooses.

Which service: SERVICE (core/service.py). ddtrace (the default): `ddtrace-run <command>`, as the workshop
starts its services. otel: the command as it is, without ddtrace's start-up; the service sets up the
OpenTelemetry SDK itself when Django loads its apps (core/tracing/otel.py). Either way DD_SERVICE defaults to
the service's name in traces. docker compose, the image, the Procfile and the end-to-end tests all start the
services this way.

The switches both tracers read (`check_tracer_switches`) are checked here, before either starts: a value one
tracer would clamp and the other die on stops the service with one line, under both.
"""

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.service import service_from, tracer_for

# Set for a service started under the OpenTelemetry SDK: it sets the SDK up when Django loads (otel.py).
SDK_VARIABLE = "THINKER_OTEL_SDK"


# DD_TRACE_SAMPLING_RULES: what a rule of ddtrace's may say (ddtrace's SamplingRule; the SDK takes sample_rate alone).
SAMPLING_RULE_KEYS = {"sample_rate", "service", "name", "resource", "tags", "provenance"}
SAMPLING_RULES_ACCEPTED = 'a JSON list of rules, each with a sample_rate from 0 to 1, e.g. [{"sample_rate": 0.5}]'
DBM_PROPAGATION_MODES = ("disabled", "service", "full")


def check_tracer_switches(environ: Mapping[str, str]) -> None:
    """ValueError, naming the variable and what it accepts, for a value of a switch both tracers read that either
    of them cannot use as it is (DD_TRACE_SAMPLING_RULES, DD_DBM_PROPAGATION_MODE). Unset or blank is fine."""
    if rules := environ.get("DD_TRACE_SAMPLING_RULES", "").strip():
        try:
            parsed = json.loads(rules)
        except ValueError:
            parsed = None
        if not isinstance(parsed, list) or not all(_is_sampling_rule(rule) for rule in parsed):
            raise ValueError(f"DD_TRACE_SAMPLING_RULES must be {SAMPLING_RULES_ACCEPTED}; not {rules!r}.")
    mode = environ.get("DD_DBM_PROPAGATION_MODE", "").strip()
    if mode and mode not in DBM_PROPAGATION_MODES:
        raise ValueError(f"DD_DBM_PROPAGATION_MODE must be one of {', '.join(DBM_PROPAGATION_MODES)}; not {mode!r}.")


def _is_sampling_rule(rule: object) -> bool:
    if not isinstance(rule, dict) or not rule.keys() <= SAMPLING_RULE_KEYS:
        return False
    rate = rule.get("sample_rate")
    return isinstance(rate, int | float) and not isinstance(rate, bool) and 0 <= rate <= 1


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
        check_tracer_switches(os.environ)
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
