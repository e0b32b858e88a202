"""Invalidate the memo whenever a thought changes, whoever writes it (admin, shell, API)."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from thoughts.memo import forget_thoughts
from thoughts.models import Thought


def _forget_on_commit(subjects: set[str]) -> None:
    # After commit: a think running meanwhile would otherwise re-memoize the old row.
    transaction.on_commit(lambda: forget_thoughts(subjects=subjects))


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
