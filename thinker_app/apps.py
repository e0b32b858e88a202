from django.apps import AppConfig


class ThinkerAppConfig(AppConfig):
    name = "thinker_app"
    verbose_name = "Thinker"

    def ready(self) -> None:
        from thinker_app import signals  # noqa: F401  (connects the memo invalidation)
