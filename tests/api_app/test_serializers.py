import pytest
from django.http import QueryDict

from api_app.serializers import ThinkQuerySerializer


def validate(query: str) -> ThinkQuerySerializer:
    serializer = ThinkQuerySerializer(data=QueryDict(query))
    serializer.is_valid()
    return serializer


@pytest.mark.parametrize(
    ("query", "subjects"),
    [
        ("subject=war", ["war"]),
        ("subject=%20war%20", ["war"]),
        ("subject=caf%C3%A9", ["café"]),
        ("subject=%E6%88%A6%E4%BA%89", ["戦争"]),
        ("subject=" + "x" * 32, ["x" * 32]),
        ("subject=war&subject=war", ["war", "war"]),
        ("&".join(f"subject=s{i}" for i in range(10)), [f"s{i}" for i in range(10)]),
    ],
)
def test_accepts_one_to_ten_printable_subjects_of_up_to_32_characters(query, subjects):
    assert validate(query).validated_data == {"subject": subjects}


@pytest.mark.parametrize(
    "query",
    ["", "subject=", "subject=%20%20", "subject=" + "x" * 33, "subject=a%09b", "subject=a%00b", "subject=%7F"]
    + ["&".join(f"subject=s{i}" for i in range(11))],
)
def test_refuses_missing_blank_long_control_character_or_too_many_subjects(query):
    serializer = validate(query)
    assert "subject" in serializer.errors
