"""What crosses the hop between the API and the thinker: the subject both accept, the thought the thinker
answers (the seed's JSON shape) and its memo header. Both services import it from here, so neither
imports the other."""

import unicodedata
from typing import Any, Literal, TypedDict

from rest_framework import serializers

SUBJECT_MAX_LENGTH = 32

# Both services answer whether the thinker's memo served the thought: hit, miss or off (STEP 1 to 4);
# the API lists one per subject, comma-separated, in the order asked.
MEMO_HEADER = "X-Think-Memo"
# The memo's part in an answer: served from it, thought and then memoized, or no memo (STEP 1 to 4).
MemoOutcome = Literal["hit", "miss", "off"]


class ThoughtData(TypedDict):
    id: int | None
    quote: str
    author: str
    subject: str


def reject_control_characters(value: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise serializers.ValidationError("Control characters are not allowed in a subject.")


class SubjectField(serializers.CharField):
    """A subject as both services accept it: 1 to 32 printable characters, surrounding spaces trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=SUBJECT_MAX_LENGTH, validators=[reject_control_characters], **kwargs)


class ThoughtSerializer(serializers.Serializer):
    """A thought as both services answer it (the seed's JSON shape); id is null for the default thought."""

    id = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    author = serializers.CharField()
    subject = serializers.CharField()
