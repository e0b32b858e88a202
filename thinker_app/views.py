from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from thinker_app.serializers import ThinkerQuerySerializer
from thinker_app.services import think


class ThinkView(APIView):
    """GET /?subject=war: the thought on one subject."""

    def get(self, request: Request) -> Response:
        query = ThinkerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(think(subject=query.validated_data["subject"]))
