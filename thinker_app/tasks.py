"""Step 6's task: re-think a subject on the Celery worker after an edit, and the API's side that queues it."""

import inspect
import logging
from collections.abc import Iterable
from numbers import Real
from typing import Any

from celery import Task, shared_task
from celery.exceptions import InvalidTaskError, Reject
from celery.worker.request import Request
from django.conf import settings
from django.db import DatabaseError
from kombu.exceptions import DecodeError, OperationalError
from rest_framework.exceptions import ValidationError

from core.contract import SubjectField
from thinker_app.dead_letters import keep_dead_letter
from thinker_app.services import ThinkerBusy
from thinker_app.services import rethink as rethink_now

logger = logging.getLogger(__name__)


class CheckedRequest(Request):
    """A task message checked before the worker acts on it (Celery's custom request class).

    Celery reads a message's body and headers in its consumer, where an error it does not expect (a body that is not
    [args, kwargs, options], a `timelimit` that is not two numbers) ends the worker, and the message, never
    acknowledged, ends the next one too. Raised as InvalidTaskError instead, Celery acknowledges the message, logs
    why and sends `task_rejected`, which keeps it (thinker_app/dead_letters.py); the next message runs."""

    def __init__(self, message: Any, **options: Any) -> None:
        try:
            super().__init__(message, **options)
        except (DecodeError, KeyError, TypeError, ValueError) as error:
            raise InvalidTaskError(f"its body is not [args, kwargs, options] ({error})") from error
        if not isinstance(self.args, list | tuple) or not isinstance(self.kwargs, dict):
            raise InvalidTaskError("its body is not [args, kwargs, options]")
        limits = self.time_limits
        if not (
            isinstance(limits, list | tuple)
            and len(limits) == 2
            and all(limit is None or (isinstance(limit, Real) and not isinstance(limit, bool)) for limit in limits)
        ):
            raise InvalidTaskError(f"its timelimit header {limits!r} is not [hard, soft] seconds or nulls")
        try:
            inspect.signature(self.task.run).bind(*self.args, **self.kwargs)
        except TypeError as error:
            raise InvalidTaskError(f"its arguments do not fit {self.task.name}: {error}") from error


class CheckedTask(Task):
    Request = CheckedRequest


def checked_subject(subject: Any) -> str:
    """`subject` as the API would accept it; anything else (another type, 1 MB, control characters) is refused,
    kept as a dead letter, and the message dropped (Celery's Reject: never retried)."""
    if not isinstance(subject, str):
        reason = f"its subject is a {type(subject).__name__}, not text"
    else:
        try:
            return SubjectField().run_validation(subject)
        except ValidationError as error:
            reason = f"its subject is not one the API accepts: {' '.join(map(str, error.detail))}"
    keep_dead_letter(reason, task=rethink.name, task_id=rethink.request.id, body=rethink.request.args)
    raise Reject(reason, requeue=False)


@shared_task(
    base=CheckedTask,
    autoretry_for=(DatabaseError, ThinkerBusy),
    retry_backoff=True,
    retry_backoff_max=settings.RETHINK_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=settings.RETHINK_MAX_RETRIES,
)
def rethink(subject: str) -> None:
    """Think about `subject` again and memoize the answer (thinker_app/services.py `rethink`); the database away or
    the lock held throughout retries after 1, 2, 4 ... seconds."""
    rethink_now(subject=checked_subject(subject))


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
