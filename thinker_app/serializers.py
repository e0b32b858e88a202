from django.http import QueryDict
from rest_framework import serializers

from core.contract import SubjectField, plain_subject


class ThinkerQuerySerializer(serializers.Serializer):
    """The thinker's query string: exactly one subject."""

    subject = SubjectField()

    def to_internal_value(self, data: object) -> dict:
        if hasattr(data, "getlist") and len(data.getlist("subject")) > 1:
            raise serializers.ValidationError({"subject": ["Ask the thinker for one subject at a time."]})
        return super().to_internal_value(data)


def thinker_subject(query: QueryDict) -> str:
    """The thinker's one subject; raises ValidationError (400) saying what is wrong with it.

    A plain subject skips the serializer (core/contract.py says why); it cleans or refuses the rest.
    """
    subjects = query.getlist("subject")
    if len(subjects) == 1 and plain_subject(subjects[0]):
        return subjects[0]
    serializer = ThinkerQuerySerializer(data=query)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["subject"]
