"""core/service.py and core/tracing/launch.py: which service a process is, and which tracer starts it."""

import subprocess
import sys

import pytest

from core.service import SERVICES, service_from, tracer_for
from core.tracing.launch import traced_command
from harness.processes import REPO, clean_env

GUNICORN = ["gunicorn", "-c", "gunicorn.conf.py", "thinkproject.wsgi:application"]
API, THINKER = SERVICES["api"], SERVICES["thinker"]


@pytest.mark.parametrize(
    ("environ", "api", "thinker"),
    [
        ({}, "ddtrace", "ddtrace"),
        ({"TRACER": "otel"}, "otel", "otel"),
        ({"THINKER_TRACER": "otel"}, "ddtrace", "otel"),
        ({"TRACER": "otel", "API_TRACER": "ddtrace"}, "ddtrace", "otel"),
        ({"API_TRACER": " OTEL ", "THINKER_TRACER": ""}, "otel", "ddtrace"),
    ],
)
def test_a_services_own_variable_wins_over_tracer_which_wins_over_the_default(environ, api, thinker):
    assert (tracer_for(API, environ), tracer_for(THINKER, environ)) == (api, thinker)


def test_an_unknown_tracer_names_the_variable_and_the_choices():
    with pytest.raises(ValueError, match="THINKER_TRACER must be one of ddtrace, otel; not 'zipkin'"):
        tracer_for(THINKER, {"THINKER_TRACER": "zipkin"})


@pytest.mark.parametrize(
    ("environ", "service"),
    [({}, "api"), ({"SERVICE": ""}, "api"), ({"SERVICE": "api"}, "api"), ({"SERVICE": " Thinker"}, "thinker")],
)
def test_the_service_is_what_service_names_and_the_api_by_default(environ, service):
    assert service_from(environ).name == service


def test_what_each_service_is_follows_from_its_name():
    assert (API.settings_module, API.trace_name, API.continues_incoming) == (
        "thinkproject.settings.api",
        "thinker-api",
        False,
    )
    assert (THINKER.settings_module, THINKER.trace_name, THINKER.continues_incoming) == (
        "thinkproject.settings.thinker",
        "thinker-microservice",
        True,
    )


def test_ddtrace_runs_the_command_under_ddtrace_run_and_otel_runs_it_as_it_is():
    environ = {"SERVICE": "thinker", "API_TRACER": "otel"}
    assert traced_command(GUNICORN, environ)[0].endswith("ddtrace-run")
    assert traced_command(GUNICORN, environ)[1:] == GUNICORN
    assert traced_command(GUNICORN, {**environ, "THINKER_TRACER": "otel"}) == GUNICORN


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    environ = clean_env(DJANGO_SECRET_KEY="x", **env)
    return subprocess.run(command, env=environ, cwd=REPO, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("variable", ["TRACER", "API_TRACER"])
def test_a_wrong_tracer_stops_the_launcher_and_the_service_with_its_name(variable):
    launcher = run([sys.executable, "-m", "core.tracing.launch", "true"], **{variable: "jaeger"})
    assert launcher.returncode == 1 and f"{variable} must be one of ddtrace, otel" in launcher.stderr
    service = run([sys.executable, "manage.py", "check"], **{variable: "jaeger"})
    assert service.returncode != 0 and f"{variable} must be one of ddtrace, otel; not 'jaeger'" in service.stderr


def test_a_wrong_service_stops_the_launcher_and_manage_py_naming_the_services():
    for command in ([sys.executable, "-m", "core.tracing.launch", "true"], [sys.executable, "manage.py", "check"]):
        result = run(command, SERVICE="frontend")
        assert result.returncode == 1 and "SERVICE must be one of api, thinker, worker; not 'frontend'" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "accepts"),
    [
        ("DD_TRACE_SAMPLING_RULES", '[{"sample_rate": 2}]', "each with a sample_rate from 0 to 1"),  # ddtrace clamps
        ("DD_TRACE_SAMPLING_RULES", "not json", "a JSON list of rules"),  # ddtrace logs a traceback per sampler
        ("DD_TRACE_SAMPLING_RULES", '[{"rate": 0.5}]', "each with a sample_rate"),
        ("DD_DBM_PROPAGATION_MODE", "bogus", "one of disabled, service, full"),
    ],
)
def test_a_switch_both_tracers_read_stops_the_launcher_with_one_line_under_either(variable, value, accepts):
    """#44, 9: the SDK died on a sample_rate of 2 where ddtrace clamped it; 'not json' printed 12 tracebacks."""
    answers = {
        tracer: run([sys.executable, "-m", "core.tracing.launch", "true"], TRACER=tracer, **{variable: value})
        for tracer in ("ddtrace", "otel")
    }
    assert answers["ddtrace"].stderr == answers["otel"].stderr
    assert answers["ddtrace"].returncode == answers["otel"].returncode == 1
    (line,) = answers["ddtrace"].stderr.splitlines()
    assert line.startswith(f"{variable} must be") and accepts in line and repr(value) in line


def test_sampling_rules_and_modes_either_tracer_can_use_pass(tmp_path):
    for variable, value in [
        ("DD_TRACE_SAMPLING_RULES", '[{"sample_rate": 0.5}]'),
        ("DD_TRACE_SAMPLING_RULES", '[{"sample_rate": 1, "service": "thinker-api", "name": "django.request"}]'),
        ("DD_DBM_PROPAGATION_MODE", "full"),
    ]:
        result = run([sys.executable, "-m", "core.tracing.launch", "true"], TRACER="otel", **{variable: value})
        assert result.returncode == 0 and result.stderr == "", (variable, value, result.stderr)


def test_the_launcher_names_the_service_in_traces_unless_dd_service_does():
    script = "import os; print(os.environ['DD_SERVICE'])"
    named = run([sys.executable, "-m", "core.tracing.launch", sys.executable, "-c", script], SERVICE="thinker")
    assert named.stdout.strip() == "thinker-microservice", named.stderr
    own = run(
        [sys.executable, "-m", "core.tracing.launch", sys.executable, "-c", script],
        SERVICE="thinker",
        DD_SERVICE="mine",
    )
    assert own.stdout.strip() == "mine"


def test_a_settings_module_refuses_the_other_services_process():
    result = run([sys.executable, "manage.py", "check", "--settings=thinkproject.settings.thinker"])
    assert result.returncode != 0
    assert "thinkproject.settings.thinker is the thinker's settings, but SERVICE=api" in result.stderr
    assert run([sys.executable, "manage.py", "check"], SERVICE="thinker").returncode == 0
