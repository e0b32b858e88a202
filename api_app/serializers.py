from django.http import QueryDict
from rest_framework import serializers

from core.contract import SubjectField, plain_subject

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


def think_subjects(query: QueryDict) -> list[str]:
    """/think/'s subjects in the order asked; raises ValidationError (400) saying what is wrong with them.

    Plain subjects skip the serializer (core/contract.py says why); it cleans or refuses the rest.
    """
    subjects = query.getlist("subject")
    if 0 < len(subjects) <= MAX_SUBJECTS and all(map(plain_subject, subjects)):
        return subjects
    serializer = ThinkQuerySerializer(data=query)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["subject"]
