"""core/tracers.py and core/traced.py: which tracer starts each service, from the environment."""

import subprocess
import sys

import pytest

from core.traced import service_of, traced_command
from core.tracers import tracer_for
from harness.processes import REPO, clean_env

GUNICORN = ["gunicorn", "-c", "gunicorn.conf.py", "thinkproject.wsgi:application"]
RUNSERVER = ["python", "manage.py", "runserver", "--settings=thinkproject.settings.thinker"]


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
    assert (tracer_for("api", environ), tracer_for("thinker", environ)) == (api, thinker)


def test_an_unknown_tracer_names_the_variable_and_the_choices():
    with pytest.raises(ValueError, match="THINKER_TRACER must be one of ddtrace, otel; not 'zipkin'"):
        tracer_for("thinker", {"THINKER_TRACER": "zipkin"})


@pytest.mark.parametrize(
    ("command", "environ", "service"),
    [
        (GUNICORN, {"DJANGO_SETTINGS_MODULE": "thinkproject.settings.thinker"}, "thinker"),
        (GUNICORN, {"DJANGO_SETTINGS_MODULE": "thinkproject.settings.api"}, "api"),
        (GUNICORN, {}, "api"),
        (RUNSERVER, {}, "thinker"),
        (["python", "manage.py", "runserver", "--settings", "thinkproject.settings.thinker"], {}, "thinker"),
    ],
)
def test_the_service_is_its_settings_module(command, environ, service):
    assert service_of(command, environ) == service


def test_ddtrace_runs_the_command_under_ddtrace_run_and_otel_runs_it_as_it_is():
    environ = {"DJANGO_SETTINGS_MODULE": "thinkproject.settings.thinker", "API_TRACER": "otel"}
    assert traced_command(GUNICORN, environ)[0].endswith("ddtrace-run")
    assert traced_command(GUNICORN, environ)[1:] == GUNICORN
    assert traced_command(GUNICORN, {**environ, "THINKER_TRACER": "otel"}) == GUNICORN


@pytest.mark.parametrize("variable", ["TRACER", "API_TRACER"])
def test_a_wrong_tracer_stops_the_launcher_and_the_service_with_its_name(variable):
    env = clean_env(**{variable: "jaeger"}, DJANGO_SECRET_KEY="x", DJANGO_SETTINGS_MODULE="thinkproject.settings.api")
    launcher = subprocess.run(
        [sys.executable, "-m", "core.traced", "true"], env=env, cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert launcher.returncode == 1 and f"{variable} must be one of ddtrace, otel" in launcher.stderr
    service = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert service.returncode != 0 and f"{variable} must be one of ddtrace, otel; not 'jaeger'" in service.stderr
