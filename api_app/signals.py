"""Step 6: an edit of a thought (the admin's, or anyone's through the ORM) queues a rethink of its subjects, so the
next reader gets a hit with the edited thought instead of paying a miss."""

from typing import Any

from django.conf import settings
from django.dispatch import receiver

from thinker_app.tasks import rethink_later
from thoughts.signals import thoughts_changed


@receiver(thoughts_changed)
def rethink_changed_thoughts(sender: Any, subjects: set[str], **kwargs: Any) -> None:
    if settings.STEP.queue:
        rethink_later(subjects)
