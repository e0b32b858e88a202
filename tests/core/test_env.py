"""core/env.py: unset or blank is the default; a value the setting cannot use is refused naming the variable and
what it accepts, never read as something else."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_float, env_int


@pytest.mark.parametrize(("raw", "read"), [("", 7), ("  ", 7), ("0", 0), (" 12 ", 12)])
def test_a_whole_number_or_the_default(monkeypatch, raw, read):
    monkeypatch.setenv("SOME_COUNT", raw)
    assert env_int("SOME_COUNT", 7, minimum=0) == read


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("-5", "SOME_COUNT must be a whole number of at least 0; not '-5'."),
        ("1.5", "SOME_COUNT must be a whole number of at least 0; not '1.5'."),
        ("many", "SOME_COUNT must be a whole number of at least 0; not 'many'."),
    ],
)
def test_a_count_it_cannot_use_is_refused(monkeypatch, raw, says):
    monkeypatch.setenv("SOME_COUNT", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("SOME_COUNT", 7, minimum=0)
    assert str(refused.value) == says


@pytest.mark.parametrize("raw", ["0", "-0.1", "nan", "inf", "soon"])
def test_a_timeout_must_be_a_finite_number_above_zero(monkeypatch, raw):
    monkeypatch.setenv("SOME_TIMEOUT", raw)
    with pytest.raises(ImproperlyConfigured, match=f"SOME_TIMEOUT must be a number above 0; not '{raw}'"):
        env_float("SOME_TIMEOUT", 2.0, above=0)
    monkeypatch.setenv("SOME_TIMEOUT", "0.25")
    assert env_float("SOME_TIMEOUT", 2.0, above=0) == 0.25


@pytest.mark.parametrize(("raw", "read"), [("", True), ("true", True), ("ON", True), ("0", False), ("no", False)])
def test_a_yes_or_no_or_the_default(monkeypatch, raw, read):
    monkeypatch.setenv("SOME_SWITCH", raw)
    assert env_bool("SOME_SWITCH", True) is read


def test_a_word_that_is_neither_yes_nor_no_is_refused_not_read_as_no(monkeypatch):
    monkeypatch.setenv("SOME_SWITCH", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_SWITCH must be true or false .*; not 'maybe'"):
        env_bool("SOME_SWITCH", True)
