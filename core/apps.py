from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What both services share: errors, health, logging, the workshop's steps, tracing, runserver."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.tracing import configure_tracing

        configure_tracing()
