from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What both services share: errors, health, logging, the workshop's steps, tracing, runserver."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from celery.signals import before_task_publish
        from django.conf import settings

        from core import tracing
        from core.tracing.propagation import carry_trace_headers, continues_incoming_automatically

        tracing.configure(
            tracer=settings.TRACER,
            service_name=settings.TRACE_SERVICE_NAME,
            continue_incoming=continues_incoming_automatically(),
            untraced_paths=settings.UNTRACED_PATH_PREFIXES,
        )
        # After the tracer's Celery integration has connected its own receiver: its producer span is the current one.
        before_task_publish.connect(carry_trace_headers, dispatch_uid="core.carry_trace_headers")
