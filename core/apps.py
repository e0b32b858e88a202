from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What both services share: errors, health, logging, the workshop's steps, tracing, runserver."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.conf import settings

        from core import tracing
        from core.tracing.propagation import continues_incoming_automatically

        tracing.configure(
            tracer=settings.TRACER,
            service_name=settings.TRACE_SERVICE_NAME,
            continue_incoming=continues_incoming_automatically(),
            untraced_paths=settings.UNTRACED_PATH_PREFIXES,
        )
