from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api_app.serializers import MAX_SUBJECTS, ThinkQuerySerializer
from api_app.thinker_client import check_thinker, fetch_thoughts
from api_app.traces import TraceStoreUnavailable, trace_get, trace_list
from thinker_app.models import SUBJECT_MAX_LENGTH
from thinker_app.serializers import MEMO_HEADER, ThoughtSerializer
from thinkproject.errors import ErrorSerializer, ValidationErrorSerializer
from thinkproject.health import check_database, check_redis, readiness
from thinkproject.steps import LAST_STEP


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness of the API: its database (admin), Redis (memo invalidation) and the thinker answer."""
    return readiness({"database": check_database, "redis": check_redis, "thinker": check_thinker})


class IndexView(APIView):
    """GET /: where things are."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "think": request.build_absolute_uri(reverse("think")) + "?subject=war",
                "admin": request.build_absolute_uri(reverse("admin:index")),
                "schema": request.build_absolute_uri(reverse("schema")),
                "traces": request.build_absolute_uri(reverse("trace-list")),
                "trace_agent_ui": settings.TRACE_UI_URL,
                "workshop_step": f"{settings.STEP.number} of {LAST_STEP}: {settings.STEP.title} (STEP=1..{LAST_STEP} at start-up)",
                "see_a_trace": "Every response names its trace page in its X-Trace-Url header "
                "(curl -i); open it logged in as staff.",
            }
        )


class ThinkView(APIView):
    """GET /think/?subject=war: one thought; several ?subject= give a list in the order asked."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subject",
                {"type": "array", "minItems": 1, "maxItems": MAX_SUBJECTS,
                 "items": {"type": "string", "minLength": 1, "maxLength": SUBJECT_MAX_LENGTH}},
                OpenApiParameter.QUERY,
                required=True,
                explode=True,
                style="form",
                description="What to think about; repeat it (up to 10) for several thoughts.",
            )
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ThoughtOrThoughts",
                serializers=[ThoughtSerializer, ThoughtSerializer(many=True)],
                resource_type_field_name=None,
                many=False,
            ),
            400: OpenApiResponse(ValidationErrorSerializer, description="Missing, blank, too long or too many subjects."),
            502: OpenApiResponse(ErrorSerializer, description="The thinker failed or could not be reached."),
            504: OpenApiResponse(ErrorSerializer, description="The thinker did not answer within THINKER_TIMEOUT_SECONDS."),
        },
    )
    def get(self, request: Request) -> Response:
        query = ThinkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        subjects = query.validated_data["subject"]
        answers = fetch_thoughts(subjects=subjects)
        thoughts = [answer.thought for answer in answers]
        memo = ",".join(answer.memo for answer in answers)
        return Response(thoughts[0] if len(subjects) == 1 else thoughts, headers={MEMO_HEADER: memo})


@method_decorator(staff_member_required, name="dispatch")
class TraceListView(TemplateView):
    """GET /traces/: the recent traces the test agent holds (staff only)."""

    template_name = "traces/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            return {**super().get_context_data(**kwargs), "traces": trace_list()}
        except TraceStoreUnavailable as error:
            return {**super().get_context_data(**kwargs), "unavailable": str(error)}


@method_decorator(staff_member_required, name="dispatch")
class TraceDetailView(TemplateView):
    """GET /traces/<id>/: one trace as a waterfall across both services (staff only)."""

    template_name = "traces/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            return {**context, "trace": trace_get(trace_id=kwargs["trace_id"])}
        except TraceStoreUnavailable as error:
            return {**context, "unavailable": str(error)}
