"""Which tracer traces a service: ddtrace (the default, as the workshop runs it) or the OpenTelemetry SDK.

TRACER chooses for both services, API_TRACER or THINKER_TRACER for one (a mixed fleet). The launcher
(core/traced.py) reads it before the service's Python starts, the settings (`settings.TRACER`) once
it has: both through `tracer_for`, so they agree.
"""

import os
from collections.abc import Mapping
from typing import Literal

Tracer = Literal["ddtrace", "otel"]
TRACERS: tuple[Tracer, ...] = ("ddtrace", "otel")
SERVICE_VARIABLES = {"api": "API_TRACER", "thinker": "THINKER_TRACER"}


def tracer_for(service: str, environ: Mapping[str, str] = os.environ) -> Tracer:
    """The tracer `service` ("api" or "thinker") runs under; ValueError names the variable that is wrong."""
    per_service = environ.get("API_TRACER", "") if service == "api" else environ.get("THINKER_TRACER", "")
    for variable, raw in ((SERVICE_VARIABLES[service], per_service), ("TRACER", environ.get("TRACER", ""))):
        value = raw.strip().lower()
        if value:
            if value not in TRACERS:
                raise ValueError(f"{variable} must be one of {', '.join(TRACERS)}; not {value!r}.")
            return value
    return "ddtrace"


def tracer_setting(service: str) -> Tracer:
    """`tracer_for` for the settings: a wrong value stops the service's start-up, naming the variable."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        return tracer_for(service)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
