from typing import Any, get_args

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.contract import MEMO_HEADER, MemoOutcome, ThoughtSerializer, plain_subject
from core.errors import ErrorSerializer, ValidationErrorSerializer
from thinker_app.serializers import ThinkerQuerySerializer, thinker_subject
from thinker_app.services import think_with_memo_outcome


# Accept headers that DRF's negotiation would answer with JSON; the API's client sends requests' */*.
JSON_OK = {"*/*", "application/json"}


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
        thinking = think_with_memo_outcome(subject=thinker_subject(request.query_params))
        return Response(thinking.thought, headers={MEMO_HEADER: thinking.memo})

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The hot path, a GET of one plain subject, is answered without DRF's request, negotiation and
        response: the same body and headers for a tenth less of the thinker's work per hit
        (perf/BENCHMARKS.md). Anything else, and every error, goes DRF's way, as `get` shows."""
        subjects = request.GET.getlist("subject")
        plain = len(subjects) == 1 and plain_subject(subjects[0]) and request.headers.get("Accept", "*/*") in JSON_OK
        if request.method != "GET" or not plain:
            return super().dispatch(request, *args, **kwargs)
        try:
            thinking = think_with_memo_outcome(subject=subjects[0])
        except Exception as error:  # noqa: BLE001  # DRF's handler answers it, as in super().dispatch
            drf_request = self.initialize_request(request, *args, **kwargs)
            self.request, self.args, self.kwargs, self.headers = (
                drf_request,
                args,
                kwargs,
                self.default_response_headers,
            )
            return self.finalize_response(drf_request, self.handle_exception(error), *args, **kwargs)
        body = JSONRenderer().render(thinking.thought)
        headers = {**self.default_response_headers, MEMO_HEADER: thinking.memo}
        return HttpResponse(body, content_type="application/json", headers=headers)
