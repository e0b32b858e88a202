from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api_app.serializers import MAX_SUBJECTS, ThinkQuerySerializer
from api_app.thinker_client import check_thinker, fetch_thoughts
from api_app.traces import LIST_LIMIT, MAX_LIST_LIMIT, TraceStoreUnavailable, trace_get, trace_list
from core.contract import MEMO_HEADER, SUBJECT_MAX_LENGTH, ThoughtData, ThoughtSerializer
from core.errors import ErrorSerializer, ValidationErrorSerializer, json_error
from core.health import check_database, check_redis, readiness
from core.steps import LAST_STEP
from thoughts.seed import SEED_THOUGHTS

# Beside the seed's six: its two error cases (art: the default thought from step 4; peace: fails before it).
DEMO_SUBJECTS = ["art", "peace"]


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness of the API: its database (admin), Redis (memo invalidation) and the thinker answer."""
    return readiness({"database": check_database, "redis": check_redis, "thinker": check_thinker})


class IndexView(APIView):
    """GET /: where things are, as JSON; in a browser (Accept: text/html), the demo page to click."""

    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]  # */* (curl, API clients) gets JSON
    authentication_classes = [SessionAuthentication]  # the page tells a staff login apart (the admin's session)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        index = {
            "think": request.build_absolute_uri(reverse("think")) + "?subject=war",
            "admin": request.build_absolute_uri(reverse("admin:index")),
            "schema": request.build_absolute_uri(reverse("schema")),
            "traces": request.build_absolute_uri(reverse("trace-list")),
            "trace_agent_ui": settings.TRACE_UI_URL,
            "workshop_step": f"{settings.STEP.number} of {LAST_STEP}: {settings.STEP.title} (STEP=1..{LAST_STEP} at start-up)",
            "see_a_trace": "Every response names its trace page in its X-Trace-Url header (curl -i); open it in "
            "a browser" + ("." if settings.TRACE_PAGES_OPEN else ", logged in as staff."),
        }
        if request.accepted_renderer.format != "html":
            return Response(index)
        page = {
            **index,
            "step": settings.STEP,
            "subjects": [*(subject for _, _, subject in SEED_THOUGHTS), *DEMO_SUBJECTS],
            "think_path": reverse("think"),
            "trace_pages_need_login": not trace_pages_open_to(request.user),
        }
        return Response(page, template_name="api_app/index.html")

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # Only the page itself is HTML: errors and OPTIONS answer JSON, whatever the client accepts.
        if getattr(response, "template_name", None) is None:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class ThinkView(APIView):
    """GET /think/?subject=war: one thought; several ?subject= give a list in the order asked."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "subject",
                {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_SUBJECTS,
                    "items": {"type": "string", "minLength": 1, "maxLength": SUBJECT_MAX_LENGTH},
                },
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
            400: OpenApiResponse(
                ValidationErrorSerializer, description="Missing, blank, too long or too many subjects."
            ),
            502: OpenApiResponse(ErrorSerializer, description="The thinker failed or could not be reached."),
            503: OpenApiResponse(
                ErrorSerializer,
                description="The API makes as many thinker calls as it may at once (THINKER_MAX_CALLS_IN_FLIGHT); "
                "try again after Retry-After.",
            ),
            504: OpenApiResponse(
                ErrorSerializer, description="The thinker did not answer within THINKER_TIMEOUT_SECONDS."
            ),
        },
    )
    def get(self, request: Request) -> Response:
        query = ThinkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data, headers = thoughts_on(query.validated_data["subject"])
        return Response(data, headers=headers)


def thoughts_on(subjects: list[str]) -> tuple[ThoughtData | list[ThoughtData], dict[str, str]]:
    """/think/'s answer: the thought, or the list in the order asked, and the memo header, one outcome per subject."""
    answers = fetch_thoughts(subjects=subjects)
    thoughts = [answer.thought for answer in answers]
    memo = ",".join(answer.memo for answer in answers)
    return thoughts[0] if len(subjects) == 1 else thoughts, {MEMO_HEADER: memo}


def trace_pages_open_to(user: Any) -> bool:
    """Staff may read traces; anyone may where TRACE_PAGES_OPEN (make run's servers, on loopback only)."""
    return settings.TRACE_PAGES_OPEN or bool(user and user.is_active and user.is_staff)


class TracePageAccess(View):
    """Staff only, through the admin's login, unless TRACE_PAGES_OPEN: then no login for a local demo."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not trace_pages_open_to(request.user):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return super().dispatch(request, *args, **kwargs)


class TraceListView(TracePageAccess, TemplateView):
    """GET /traces/: the recent traces the test agent holds; ?kept=1, only those sampling kept; ?limit=N, how many."""

    template_name = "traces/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = request.GET.get("limit", str(LIST_LIMIT))
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= MAX_LIST_LIMIT):
            return json_error(400, f"limit is how many traces to list: a whole number from 1 to {MAX_LIST_LIMIT}.")
        return super().get(request, *args, limit=int(limit), **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = {**super().get_context_data(**kwargs), "kept_only": self.request.GET.get("kept") == "1"}
        try:
            return {**context, "traces": trace_list(limit=kwargs["limit"], kept_only=context["kept_only"])}
        except TraceStoreUnavailable as error:
            return {**context, "unavailable": str(error)}


class TraceDetailView(TracePageAccess, TemplateView):
    """GET /traces/<id>/: one trace as a waterfall across both services."""

    template_name = "traces/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not 0 < kwargs["trace_id"] < 2**64:  # the agent's trace ids: 64 bits, never 0; no trace will ever have it
            raise Http404
        context = super().get_context_data(**kwargs)
        try:
            return {**context, "trace": trace_get(trace_id=kwargs["trace_id"])}
        except TraceStoreUnavailable as error:
            return {**context, "unavailable": str(error)}
