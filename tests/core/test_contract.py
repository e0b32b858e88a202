"""The quick checks on the hot path (core/contract.py) agree with the serializers they stand in for."""

from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from api_app.serializers import ThinkQuerySerializer, think_subjects
from core.contract import ThoughtSerializer, plain_subject, thought_from
from thinker_app.serializers import ThinkerQuerySerializer, thinker_subject

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


def validated_subject(serializer_class: type, query: QueryDict) -> Any:
    serializer = serializer_class(data=query)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["subject"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(thought_like, json_values))
def test_thought_from_cleans_and_refuses_as_the_serializer_does(data):
    assert thought_from(data) == serializer_result(ThoughtSerializer, data)


@settings(max_examples=400, deadline=None)
@given(st.lists(texts, max_size=12))
def test_the_apis_subjects_are_the_serializers(subjects):
    query = QueryDict(mutable=True)
    query.setlist("subject", subjects)
    assert outcome(think_subjects, query) == outcome(validated_subject, ThinkQuerySerializer, query)


@settings(max_examples=400, deadline=None)
@given(st.lists(texts, max_size=3))
def test_the_thinkers_subject_is_the_serializers(subjects):
    query = QueryDict(mutable=True)
    query.setlist("subject", subjects)
    assert outcome(thinker_subject, query) == outcome(validated_subject, ThinkerQuerySerializer, query)


@pytest.mark.parametrize(
    ("value", "plain"),
    [("war", True), ("戦争", True), ("x" * 32, True), ("two words", True), ("", False), (" war", False)]
    + [("war ", False), ("x" * 33, False), ("a\tb", False), ("a\x00b", False), ("\u200bwar", False)],
)
def test_a_plain_subject_is_one_the_serializer_keeps_as_it_is(value, plain):
    assert plain_subject(value) is plain
