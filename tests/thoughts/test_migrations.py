import pytest

from thoughts.models import Thought

pytestmark = pytest.mark.django_db


def test_data_migration_loads_the_six_seed_thoughts():
    assert sorted(Thought.objects.values_list("subject", "author")) == [
        ("mankind", "Oscar Wilde"),
        ("music", "J. K. Rowling"),
        ("religion", "Albert Einstein"),
        ("technology", "Richard Feynman"),
        ("war", "Agatha Christie"),
        ("work", "Horace"),
    ]


def test_war_is_thought_3_as_in_the_seed():
    assert Thought.objects.get(subject="war").id == 3


def test_einstein_quote_longer_than_the_seeds_128_column_is_stored_whole():
    quote = Thought.objects.get(subject="religion").quote
    assert len(quote) > 128
    assert quote.endswith("frail and feeble mind.")
