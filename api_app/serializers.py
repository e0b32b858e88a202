from rest_framework import serializers

from core.contract import SubjectField

MAX_SUBJECTS = 10


class ThinkQuerySerializer(serializers.Serializer):
    """/think/'s query string: ?subject=war, or up to 10 subjects (?subject=war&subject=music)."""

    subject = serializers.ListField(
        child=SubjectField(),
        allow_empty=False,
        max_length=MAX_SUBJECTS,
        error_messages={
            "required": "Ask about a subject, e.g. /think/?subject=war.",
            "empty": "Ask about a subject, e.g. /think/?subject=war.",
            "max_length": f"Ask about at most {MAX_SUBJECTS} subjects at once.",
        },
    )
