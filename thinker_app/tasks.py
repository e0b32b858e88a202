"""Step 6's task: re-think a subject on the Celery worker after an edit, and the API's side that queues it."""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from kombu.exceptions import OperationalError

from thinker_app.services import ThinkerBusy
from thinker_app.services import rethink as rethink_now

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(DatabaseError, ThinkerBusy),
    retry_backoff=True,
    retry_backoff_max=settings.RETHINK_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=settings.RETHINK_MAX_RETRIES,
)
def rethink(subject: str) -> None:
    """Think about `subject` again and memoize the answer (thinker_app/services.py `rethink`); the database away or
    the lock held throughout retries after 1, 2, 4 ... seconds."""
    rethink_now(subject=subject)


def rethink_later(subjects: Iterable[str]) -> None:
    """Queue a rethink of each subject. A broker that does not answer costs the caller nothing but this: one log
    line, the error on the enqueue's span, and no warm memo (the memo was forgotten: the next reader thinks)."""
    queue = sorted(subjects)
    for done, subject in enumerate(queue):
        try:
            rethink.delay(subject)
        except OperationalError as error:
            logger.error(
                "The broker is unreachable (%s): no rethink of %s; readers will think instead.", error, queue[done:]
            )
            return
