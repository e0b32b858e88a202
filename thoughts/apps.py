from django.apps import AppConfig


class ThoughtsConfig(AppConfig):
    """The Thought domain both services share: the model, its admin, the seed data and the Redis memo."""

    name = "thoughts"
    # The label the model was created under, when it lived in thinker_app: its table (thinker_app_thought), its
    # migration history and its admin permissions stay where they are, so no data moves.
    label = "thinker_app"
    verbose_name = "Thoughts"

    def ready(self) -> None:
        from thoughts import signals  # noqa: F401  (connects the memo invalidation)
