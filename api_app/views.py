from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api_app.serializers import ThinkQuerySerializer
from api_app.thinker_client import check_thinker, fetch_thoughts
from thinkproject.health import check_database, check_redis, readiness


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness of the API: its database (admin), Redis (memo invalidation) and the thinker answer."""
    return readiness({"database": check_database, "redis": check_redis, "thinker": check_thinker})


class IndexView(APIView):
    """GET /: where things are."""

    def get(self, request: Request) -> Response:
        return Response(
            {
                "think": request.build_absolute_uri(reverse("think")) + "?subject=war",
                "admin": request.build_absolute_uri(reverse("admin:index")),
                "traces": settings.TRACE_UI_URL,
            }
        )


class ThinkView(APIView):
    """GET /think/?subject=war: one thought; several ?subject= give a list in the order asked."""

    def get(self, request: Request) -> Response:
        query = ThinkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        subjects = query.validated_data["subject"]
        thoughts = fetch_thoughts(subjects=subjects)
        return Response(thoughts[0] if len(subjects) == 1 else thoughts)
