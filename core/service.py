"""Which service a process is: `SERVICE=api` (the default), `SERVICE=thinker` or `SERVICE=worker` (step 6's Celery
worker), read once from the environment.

Everything that differs between the two services' processes derives from it: the settings module, the tracer
variable, the name in traces, whether callers' traces are continued, gunicorn's process count. The launcher
(core/tracing/launch.py) and gunicorn.conf.py read it before Django starts, the settings (`settings.SERVICE`) once
it has, all through `service_from`, so they agree.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Tracer = Literal["ddtrace", "otel"]
TRACERS: tuple[Tracer, ...] = ("ddtrace", "otel")


@dataclass(frozen=True)
class Service:
    name: Literal["api", "thinker", "worker"]
    settings_module: str
    # The variable that chooses this service's tracer before TRACER does (a mixed fleet).
    tracer_variable: str
    # Its name in traces and log lines, unless DD_SERVICE (or OTEL_SERVICE_NAME) says otherwise.
    trace_name: str
    # Whether its callers are ours, so their trace headers may be continued. The public API's are not: it starts a
    # new trace whatever a client sends. The worker's are the API's tasks, on a private queue.
    continues_incoming: bool
    # gunicorn processes, unless GUNICORN_WORKERS says otherwise (gunicorn.conf.py); the worker runs no gunicorn.
    gunicorn_workers: int


SERVICES = {
    "api": Service(
        name="api",
        settings_module="thinkproject.settings.api",
        tracer_variable="API_TRACER",
        trace_name="thinker-api",
        continues_incoming=False,
        gunicorn_workers=2,
    ),
    "thinker": Service(
        name="thinker",
        settings_module="thinkproject.settings.thinker",
        tracer_variable="THINKER_TRACER",
        trace_name="thinker-microservice",
        continues_incoming=True,
        gunicorn_workers=1,
    ),
    "worker": Service(
        name="worker",
        settings_module="thinkproject.settings.worker",
        tracer_variable="WORKER_TRACER",
        trace_name="thinker-worker",
        continues_incoming=True,
        gunicorn_workers=0,
    ),
}


def service_from(environ: Mapping[str, str] = os.environ) -> Service:
    """The service `SERVICE` names (blank or unset: the API); ValueError names the valid ones."""
    name = environ.get("SERVICE", "").strip().lower() or "api"
    try:
        return SERVICES[name]
    except KeyError:
        raise ValueError(f"SERVICE must be one of {', '.join(SERVICES)}; not {name!r}.") from None


def tracer_for(service: Service, environ: Mapping[str, str] = os.environ) -> Tracer:
    """The tracer `service` runs under: its own variable, else TRACER, else ddtrace; ValueError names the variable
    that is wrong. (Each variable is read by its literal name: the docs' and manifests' tests look for them.)"""
    own = {
        "api": environ.get("API_TRACER", ""),
        "thinker": environ.get("THINKER_TRACER", ""),
        "worker": environ.get("WORKER_TRACER", ""),
    }[service.name]
    for variable, raw in ((service.tracer_variable, own), ("TRACER", environ.get("TRACER", ""))):
        value = raw.strip().lower()
        if value:
            if value not in TRACERS:
                raise ValueError(f"{variable} must be one of {', '.join(TRACERS)}; not {value!r}.")
            return value
    return "ddtrace"


def service_setting() -> Service:
    """`service_from` for the settings: a SERVICE that names no service stops the start-up, naming the valid ones."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return service_from()
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


def expect_service(service: Service, settings_of: str) -> None:
    """Stop a service's start-up with the other service's settings module, saying which SERVICE to set."""
    from django.core.exceptions import ImproperlyConfigured

    if service.name != settings_of:
        raise ImproperlyConfigured(
            f"{SERVICES[settings_of].settings_module} is the {settings_of}'s settings, but SERVICE={service.name}: "
            f"start the {settings_of} with SERVICE={settings_of} (its settings module then follows)."
        )


def tracer_setting(service: Service) -> Tracer:
    """`tracer_for` for the settings: a wrong value stops the service's start-up, naming the variable."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return tracer_for(service)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
