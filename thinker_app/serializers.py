import unicodedata
from typing import Any

from rest_framework import serializers

from thinker_app.models import SUBJECT_MAX_LENGTH

# Both services answer whether the thinker's memo served the thought: hit, miss or off (STEP 1 to 4);
# the API lists one per subject, comma-separated, in the order asked.
MEMO_HEADER = "X-Think-Memo"


def reject_control_characters(value: str) -> None:
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise serializers.ValidationError("Control characters are not allowed in a subject.")


class SubjectField(serializers.CharField):
    """A subject as both services accept it: 1 to 32 printable characters, surrounding spaces trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=SUBJECT_MAX_LENGTH, validators=[reject_control_characters], **kwargs)


class ThinkerQuerySerializer(serializers.Serializer):
    """The thinker's query string: exactly one subject."""

    subject = SubjectField()

    def to_internal_value(self, data: object) -> dict:
        if hasattr(data, "getlist") and len(data.getlist("subject")) > 1:
            raise serializers.ValidationError({"subject": ["Ask the thinker for one subject at a time."]})
        return super().to_internal_value(data)


class ThoughtSerializer(serializers.Serializer):
    """A thought as both services answer it (the seed's JSON shape); id is null for the default thought."""

    id = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    author = serializers.CharField()
    subject = serializers.CharField()
