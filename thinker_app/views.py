from typing import get_args

from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.contract import MEMO_HEADER, MemoOutcome, ThoughtData, ThoughtSerializer, plain_subject
from core.errors import ErrorSerializer, ValidationErrorSerializer
from core.views import QuickGetAPIView
from thinker_app.serializers import ThinkerQuerySerializer
from thinker_app.services import think_with_memo_outcome


class ThinkView(QuickGetAPIView):
    """GET /?subject=war: the thought on one subject."""

    @extend_schema(
        parameters=[
            ThinkerQuerySerializer,
            OpenApiParameter(
                MEMO_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[200],
                enum=list(get_args(MemoOutcome)),
                description="Whether the Redis memo served the thought; off before the memo (STEP 1 to 4).",
            ),
        ],
        responses={
            200: ThoughtSerializer,
            400: OpenApiResponse(
                ValidationErrorSerializer, description="Missing, blank, too long or repeated subject."
            ),
            500: OpenApiResponse(ErrorSerializer, description="Thinking failed (see THINK_FAIL_SUBJECTS)."),
            503: OpenApiResponse(ErrorSerializer, description="The database is unreachable."),
        },
    )
    def get(self, request: Request) -> Response:
        query = ThinkerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        thinking = think_with_memo_outcome(subject=query.validated_data["subject"])
        return Response(thinking.thought, headers={MEMO_HEADER: thinking.memo})

    def quick_get(self, request: HttpRequest) -> tuple[ThoughtData, dict[str, str]] | None:
        """`get` for one plain subject, the API's every call (core/views.py)."""
        subjects = request.GET.getlist("subject")
        if len(subjects) != 1 or not plain_subject(subjects[0]):
            return None
        thinking = think_with_memo_outcome(subject=subjects[0])
        return thinking.thought, {MEMO_HEADER: thinking.memo}
