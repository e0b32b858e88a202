from django.apps import AppConfig


class ApiAppConfig(AppConfig):
    """The public Think API: its views, the trace pages, and step 6's producer of rethinks."""

    name = "api_app"
    verbose_name = "Think API"

    def ready(self) -> None:
        from api_app import signals  # noqa: F401  (connects its receivers)
