"""The quick checks on the hot path (core/contract.py) agree with the serializers they stand in for."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from core.contract import SubjectField, plain_subject

# Text that reaches the edges: spaces, control, format and surrogate characters, lengths around 32.
texts = st.text(
    alphabet=st.one_of(st.sampled_from(" \t\n\x00\x7f\u00a0\u200b\u3000é戦x"), st.characters()), max_size=40
) | st.text(alphabet="ab ", min_size=30, max_size=34)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
thought_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.none() | st.integers() | st.booleans() | st.floats(allow_nan=False) | texts,
        "quote": texts | json_values,
        "author": texts,
        "subject": texts,
        "extra": json_values,
    },
)


def serializer_result(serializer_class: type, data: Any) -> Any:
    serializer = serializer_class(data=data)
    return serializer.validated_data if serializer.is_valid() else None


def outcome(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except ValidationError as error:
        return ("refused", error.detail)


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_a_plain_subject_is_one_the_serializer_takes_as_it_is(value):
    """What the views' quick paths take without a serializer (core/views.py), the serializer takes unchanged."""
    if plain_subject(value):
        assert outcome(SubjectField().run_validation, value) == value


@pytest.mark.parametrize(
    ("value", "plain"),
    [("war", True), ("戦争", True), ("x" * 32, True), ("two words", True), ("", False), (" war", False)]
    + [("war ", False), ("x" * 33, False), ("a\tb", False), ("a\x00b", False), ("\u200bwar", False)],
)
def test_which_subjects_are_plain(value, plain):
    assert plain_subject(value) is plain
