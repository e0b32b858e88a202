"""Invalidate the memo whenever a thought changes, whoever writes it (admin, shell, API), then say so:
`thoughts_changed` (step 6's API queues a rethink of the subjects on it, api_app/signals.py)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from thoughts.memo import forget_thoughts
from thoughts.models import Thought

# Sent after commit, once the memo of `subjects` (a set of str) is forgotten.
thoughts_changed = Signal()


def _forget_on_commit(subjects: set[str]) -> None:
    # After commit: a think running meanwhile would otherwise re-memoize the old row.
    transaction.on_commit(lambda: _forget_and_tell(subjects))


def _forget_and_tell(subjects: set[str]) -> None:
    forget_thoughts(subjects=subjects)
    thoughts_changed.send(sender=Thought, subjects=subjects)


@receiver(pre_save, sender=Thought)
def remember_old_subject(sender: type[Thought], instance: Thought, **kwargs: Any) -> None:
    instance._old_subject = (  # type: ignore[attr-defined]
        Thought.objects.filter(pk=instance.pk).values_list("subject", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Thought)
def forget_saved_thought(sender: type[Thought], instance: Thought, **kwargs: Any) -> None:
    old_subject = getattr(instance, "_old_subject", None)
    _forget_on_commit({instance.subject} | ({old_subject} if old_subject else set()))


@receiver(post_delete, sender=Thought)
def forget_deleted_thought(sender: type[Thought], instance: Thought, **kwargs: Any) -> None:
    _forget_on_commit({instance.subject})
