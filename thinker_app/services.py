import logging
from time import sleep
from typing import Any, NamedTuple, cast

from django.conf import settings

from core.contract import MemoOutcome, ThoughtData
from core.tracing import span as traced_span
from thoughts.memo import Claim, memo_claim, memo_claim_waiting, memo_get, memo_set, memo_wait, thought_key
from thoughts.models import AUTHOR_MAX_LENGTH, QUOTE_MAX_LENGTH, Thought
from thoughts.seed import SEED_THOUGHTS
from thoughts.selectors import thought_get

logger = logging.getLogger(__name__)

DEFAULT_QUOTE = "Hmmm, that's something I'll need to think about."
DEFAULT_AUTHOR = "The Machine"


class ThinkingFailed(RuntimeError):
    """Raised on purpose for subjects in THINK_FAIL_SUBJECTS, to put an error in the trace."""


class ThinkerBusy(RuntimeError):
    """The subject's single-flight lock stayed held while a rethink waited for it: the task tries again later."""


class NoThought(ThinkingFailed):
    """Before the datastore (STEP 1 to 3) an unknown subject fails, as the seed's `thoughts[subject]` did."""


def thought_data(thought: Thought) -> ThoughtData:
    return {"id": thought.id, "quote": thought.quote, "author": thought.author, "subject": thought.subject}


def default_thought(*, subject: str) -> ThoughtData:
    """The seed's fix for unknown subjects: a thought by The Machine, never saved."""
    return {"id": None, "quote": DEFAULT_QUOTE, "author": DEFAULT_AUTHOR, "subject": subject}


class Thinking(NamedTuple):
    thought: ThoughtData
    memo: MemoOutcome


def think(*, subject: str) -> ThoughtData:
    """The thought on `subject`: from the Redis memo, else after a pause and a lookup."""
    return think_with_memo_outcome(subject=subject).thought


def think_with_memo_outcome(*, subject: str) -> Thinking:
    """`think`, and whether the memo answered.

    Without the memo (STEP 1 to 4) every call thinks, and Redis is never called. With it, concurrent
    misses on one subject think once (single flight through a Redis lock): the others wait for that
    answer (a hit), and think for themselves only if it never comes.
    """
    with traced_span("think", subject=subject) as span:
        if not settings.STEP.memo:
            return Thinking(_think_uncached(subject), "off")
        key = thought_key(subject)
        cached = memoized_thought(memo_get(key), subject=subject)
        claim = None
        if cached is None:
            claim = memo_claim(key)
            if not claim.leader:
                cached = memoized_thought(memo_wait(key), subject=subject)
                span.set_tag("think.coalesced", "true" if cached is not None else "false")
        span.set_tag("think.cache_hit", "true" if cached is not None else "false")
        if cached is not None:
            return Thinking(cached, "hit")
        return Thinking(_think_and_memoize(subject, key, claim, said="Thought about %r"), "miss")


def rethink(*, subject: str) -> ThoughtData:
    """Think about `subject` afresh and memoize the answer, whatever the memo holds: step 6's worker, after an edit,
    so the next reader gets a hit with the edited thought. It reads the row when it runs (a burst of edits ends
    with the last one memoized), under the subject's single-flight lock, after any think in progress."""
    with traced_span("think", subject=subject) as span:
        span.set_tag("think.rethink", "true")
        key = thought_key(subject)
        claim = memo_claim_waiting(key)
        if claim is None:
            raise ThinkerBusy(f"The lock on {subject!r} stayed held for {settings.THINK_LOCK_TIMEOUT_SECONDS} s.")
        return _think_and_memoize(subject, key, claim, said="Re-thought %r after an edit")


def _think_and_memoize(subject: str, key: str, claim: Claim | None, *, said: str) -> ThoughtData:
    """The think itself (the pause and the lookup), its answer memoized at `key`, then the lock released if it was
    claimed; logged as `said` (with the subject)."""
    try:
        data = _think_uncached(subject)
        memo_set(key, data)
    finally:
        if claim is not None:
            claim.release()
    logger.info(f"{said} (%s); memoized for %d s", subject, data["author"], settings.THINK_CACHE_TTL_SECONDS)
    return data


def memoized_thought(value: Any, *, subject: str) -> ThoughtData | None:
    """`value` if it is the thought on `subject` as think memoizes it; anything else (nothing, another shape,
    another subject's thought) is a miss, which the think then overwrites."""
    if value is None:
        return None
    if (
        isinstance(value, dict)
        and value.keys() == ThoughtData.__annotations__.keys()
        and value["subject"] == subject
        and isinstance(value["quote"], str)
        and isinstance(value["author"], str)
        # Longer than the database lets a thought be: written by someone else (a 30 MB memo was served as is).
        and len(value["quote"]) <= QUOTE_MAX_LENGTH
        and len(value["author"]) <= AUTHOR_MAX_LENGTH
        and (value["id"] is None or type(value["id"]) is int)
    ):
        return cast(ThoughtData, value)
    logger.warning("The memo of %r is not a thought (%.100r); treating it as a miss.", subject, value)
    return None


def _think_uncached(subject: str) -> ThoughtData:
    sleep(settings.THINK_DELAY_SECONDS)
    if subject in settings.THINK_FAIL_SUBJECTS:
        raise ThinkingFailed(f"Thinking about {subject!r} failed on purpose (THINK_FAIL_SUBJECTS).")
    if not settings.STEP.datastore:
        return _seed_thought(subject)
    thought = thought_get(subject=subject)
    return thought_data(thought) if thought else default_thought(subject=subject)


# The seed's thoughts before its datastore, with the ids the data migration gives them.
_SEED_BY_SUBJECT: dict[str, ThoughtData] = {
    subject: {"id": number, "quote": quote, "author": author, "subject": subject}
    for number, (quote, author, subject) in enumerate(SEED_THOUGHTS, start=1)
}


def _seed_thought(subject: str) -> ThoughtData:
    try:
        return _SEED_BY_SUBJECT[subject].copy()
    except KeyError:
        raise NoThought(
            f"No thought on {subject!r}: until the datastore (STEP=4) the thinker knows only the seed's six."
        ) from None
