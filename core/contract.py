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


# Unicode's categories of characters a subject may not hold: controls (NUL, tab, CR, LF, ...), invisible format
# characters (zero-width spaces, bidirectional overrides), surrogates, private-use and unassigned code points, and
# line and paragraph separators. Spaces (Zs) may stand inside a subject; at its ends they are trimmed.
NOT_IN_A_SUBJECT = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
INVISIBLE_CHARACTERS_MESSAGE = "A subject is printable text: control and invisible characters are not allowed."
# What Django decodes bytes that are not UTF-8 to.
REPLACEMENT_CHARACTER = "\ufffd"


class SubjectField(serializers.CharField):
    """A subject as both services accept it: 1 to 32 printable characters; spaces at its ends are trimmed, and a
    control or invisible character anywhere, ends included, is refused (it is checked before the trim)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=SUBJECT_MAX_LENGTH, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, str):
            if any(unicodedata.category(char) in NOT_IN_A_SUBJECT for char in data):
                raise serializers.ValidationError(INVISIBLE_CHARACTERS_MESSAGE)
            if REPLACEMENT_CHARACTER in data:
                raise serializers.ValidationError("A subject is UTF-8 text: this one has bytes that are not UTF-8.")
        return super().to_internal_value(data)


class ThoughtSerializer(serializers.Serializer):
    """A thought as both services answer it (the seed's JSON shape); id is null for the default thought."""

    id = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    author = serializers.CharField()
    subject = serializers.CharField()
