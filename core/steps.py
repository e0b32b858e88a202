"""The workshop's six steps (`STEP=1..6`): the seed's five, then ours across a queue; what each one turns on.

Both services read STEP once, at start-up, through the settings (`settings.STEP`); the code asks the
step, never the number: `settings.STEP.memo`, `settings.STEP.propagation`.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ImproperlyConfigured

Propagation = Literal["off", "manual", "auto"]


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    # off: no trace headers (two traces); manual: written and read by our code; auto: by ddtrace.
    propagation: Propagation
    # The thinker reads thoughts from the database; before, it knows only the six built-in ones.
    datastore: bool
    # The thinker memoizes its thoughts in Redis for THINK_CACHE_TTL_SECONDS.
    memo: bool
    # An edit of a thought re-thinks its subject on a Celery worker, which warms the memo (thinker_app/tasks.py).
    queue: bool = False


STEPS = {
    step.number: step
    for step in (
        Step(1, "broken in two", "off", datastore=False, memo=False),
        Step(2, "joined by hand", "manual", datastore=False, memo=False),
        Step(3, "joined automatically", "auto", datastore=False, memo=False),
        Step(4, "the datastore", "auto", datastore=True, memo=False),
        Step(5, "the Redis memo", "auto", datastore=True, memo=True),
        Step(6, "across a queue", "auto", datastore=True, memo=True, queue=True),
    )
}
LAST_STEP = max(STEPS)


def step_from(value: str | None) -> Step:
    """The step `value` names ("1" to "6"); unset or blank means the last, everything on."""
    if value is None or not value.strip():
        return STEPS[LAST_STEP]
    try:
        return STEPS[int(value)]
    except (ValueError, KeyError):
        valid = ", ".join(f"{n} ({step.title})" for n, step in STEPS.items())
        raise ImproperlyConfigured(f"STEP must be one of {valid}; not {value!r}.") from None
