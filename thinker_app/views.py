from typing import get_args

from django.http import HttpRequest, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.contract import MEMO_HEADER, MemoOutcome, ThoughtSerializer
from core.errors import ErrorSerializer, ValidationErrorSerializer
from core.health import check_database, check_redis, readiness
from thinker_app.serializers import ThinkerQuerySerializer
from thinker_app.services import think_with_memo_outcome


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness of the thinker: its database and Redis answer."""
    return readiness({"database": check_database, "redis": check_redis})


class ThinkView(APIView):
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
