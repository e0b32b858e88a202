"""Messages the worker cannot run, kept where an operator can read them: a Redis list on the broker.

Redis has no dead-letter exchange (RabbitMQ's answer to Celery's `Reject(requeue=False)`), so the worker keeps its
own: `redis-cli -n <broker database> LRANGE thinker:dead-letters 0 -1` (settings.DEAD_LETTERS_KEY) lists them,
newest first, as JSON with why each was refused. The list is bounded (the newest DEAD_LETTERS_KEPT, each body cut
at DEAD_LETTER_BODY_CHARS), so a flood of bad messages cannot fill the broker's memory.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

import redis
from celery.signals import task_rejected, task_unknown
from django.conf import settings
from kombu.message import Message

logger = logging.getLogger(__name__)

DEAD_LETTERS_KEPT = 1000
DEAD_LETTER_BODY_CHARS = 4096


def keep_dead_letter(reason: str, *, task: str | None, task_id: str | None, body: Any) -> None:
    """Keep a refused message (`body` as it came: bytes, or the arguments Celery decoded) with `reason`, and log it.
    Never raises: a broker that cannot take the record costs the record and a log line, not the worker."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else json.dumps(body, default=repr)
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reason": reason,
        "task": task,
        "id": task_id,
        "body": text[:DEAD_LETTER_BODY_CHARS],
        "body_chars": len(text),
    }
    try:
        with redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=1) as broker:
            broker.pipeline().lpush(settings.DEAD_LETTERS_KEY, json.dumps(record)).ltrim(
                settings.DEAD_LETTERS_KEY, 0, DEAD_LETTERS_KEPT - 1
            ).execute()
    except redis.RedisError as error:
        logger.error("Refused task %s[%s] (%s) and could not keep it: %s", task, task_id, reason, error)
        return
    logger.warning(
        "Refused task %s[%s]: %s; kept in the broker's %s.", task, task_id, reason, settings.DEAD_LETTERS_KEY
    )


def _keep_message(message: Message, reason: str) -> None:
    headers = message.headers if isinstance(message.headers, dict) else {}
    keep_dead_letter(reason, task=headers.get("task"), task_id=headers.get("id"), body=message.body)


@task_rejected.connect
def keep_rejected_message(message: Message | None = None, exc: Exception | None = None, **kwargs: Any) -> None:
    """Celery refused a message it could not read as a task (an invalid body, a header of the wrong type, a
    serializer it does not accept), acknowledged it and logged why: keep it."""
    if message is not None:
        _keep_message(message, str(exc) if exc else "not a task message")


@task_unknown.connect
def keep_unknown_task(message: Message | None = None, name: str | None = None, **kwargs: Any) -> None:
    """A message for a task this worker does not have: Celery dropped it; keep it."""
    if message is not None:
        _keep_message(message, f"no task named {name!r} on this worker")
