from rest_framework import serializers

from core.contract import SubjectField


class ThinkerQuerySerializer(serializers.Serializer):
    """The thinker's query string: exactly one subject."""

    subject = SubjectField()

    def to_internal_value(self, data: object) -> dict:
        if hasattr(data, "getlist") and len(data.getlist("subject")) > 1:
            raise serializers.ValidationError({"subject": ["Ask the thinker for one subject at a time."]})
        return super().to_internal_value(data)
