import pytest

from thoughts.models import Thought
from thoughts.selectors import thought_get

pytestmark = pytest.mark.django_db


def test_thought_get_returns_the_first_thought_on_the_subject_by_id():
    later = Thought.objects.create(quote="War is a racket.", author="Smedley Butler", subject="war")
    thought = thought_get(subject="war")
    assert thought is not None
    assert thought.author == "Agatha Christie"
    assert thought.id < later.id


def test_thought_get_returns_none_for_an_unknown_subject():
    assert thought_get(subject="art") is None


def test_thought_get_matches_the_subject_exactly():
    assert thought_get(subject="wa") is None
