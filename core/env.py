"""Typed readers for settings that come from the environment.

Unset or blank is the default. A value a reader cannot use (not a number, out of its range, not a yes or a no) is
ImproperlyConfigured naming the variable and what it accepts: the service stops at start-up, and `make run`
before it starts any (scripts/banner.py loads the settings first), instead of failing on every request later.
"""

import math
import os
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}

N = TypeVar("N", int, float)


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name} must be true or false (or 1/0, yes/no, on/off); not {value!r}.")
    return value in TRUE_WORDS


def env_float(name: str, default: float, *, minimum: float | None = None, above: float | None = None) -> float:
    """A number, at least `minimum` or more than `above` where given."""
    return _number(name, default, float, minimum, above)


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number, at least `minimum` where given."""
    return _number(name, default, int, minimum, None)


def _number(name: str, default: N, kind: type[N], minimum: N | None, above: N | None) -> N:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if (
        value is None
        or not math.isfinite(value)
        or (minimum is not None and value < minimum)
        or (above is not None and value <= above)
    ):
        what = "a whole number" if kind is int else "a number"
        if minimum is not None:
            what += f" of at least {minimum}"
        elif above is not None:
            what += f" above {above}"
        raise ImproperlyConfigured(f"{name} must be {what}; not {raw!r}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
