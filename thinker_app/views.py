from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from thinker_app.serializers import ThinkerQuerySerializer, ThoughtSerializer
from thinker_app.services import think
from thinkproject.errors import ErrorSerializer, ValidationErrorSerializer


class ThinkView(APIView):
    """GET /?subject=war: the thought on one subject."""

    @extend_schema(
        parameters=[ThinkerQuerySerializer],
        responses={
            200: ThoughtSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Missing, blank, too long or repeated subject."),
            500: OpenApiResponse(ErrorSerializer, description="Thinking failed (see THINK_FAIL_SUBJECTS)."),
            503: OpenApiResponse(ErrorSerializer, description="The database is unreachable."),
        },
    )
    def get(self, request: Request) -> Response:
        query = ThinkerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(think(subject=query.validated_data["subject"]))
