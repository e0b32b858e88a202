"""The cheapest Django can make the workshop's hit: bare Django, ddtrace's Django integration, 5 spans.

`make bench` serves it like ours (ddtrace-run gunicorn with gunicorn.conf.py and tracing.env), traced and
untraced, to show what Django and its tracing cost by themselves: no installed apps, no middleware, no
database, no DRF, one function view per service. The API asks the thinker over a kept-alive `requests`
session; the thinker reads one Redis key inside a `think` span. Traced, a hit is the workshop's trace:
API request, HTTP hop, thinker request, `think`, Redis GET. Like perf/floor, it answers hits only.
"""

import os
import secrets

import django
import redis
import requests
from ddtrace.trace import tracer
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path
from wrapt import CallableObjectProxy

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    SECRET_KEY=secrets.token_urlsafe(),
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    DATABASES={},
    USE_TZ=True,
)
django.setup()

KEY = "django-floor:thought"
THOUGHT = b'{"id": 3, "quote": "To win a war is as disastrous as to lose one.", "author": "Agatha Christie"}'
_redis = redis.Redis.from_url(os.environ["REDIS_URL"])
_redis.set(KEY, THOUGHT)
_session = requests.Session()
_session.trust_env = False
THINKER_URL = os.environ.get("THINKER_URL", "")  # only the API needs it


def thinker(request: HttpRequest) -> HttpResponse:
    """One Redis GET in a `think` span tagged with the subject."""
    with tracer.trace("think") as span:
        span.set_tag("subject", request.GET.get("subject", ""))
        body = _redis.get(KEY)
    return HttpResponse(body, content_type="application/json")


def api(request: HttpRequest) -> HttpResponse:
    """The thinker's answer over HTTP, passed through (ddtrace's requests integration carries the trace)."""
    answer = _session.get(THINKER_URL + "/", params={"subject": request.GET.get("subject", "")}, timeout=2)
    return HttpResponse(answer.content, status=answer.status_code, content_type="application/json")


# A wrapt proxy, as in core.tracing.view_without_span: ddtrace's path() instrumentation leaves an
# already wrapped view alone, so there is no `django.view` span, as in ours and the seed's traces.
urlpatterns = [path("", CallableObjectProxy(thinker)), path("think/", CallableObjectProxy(api))]

application = get_wsgi_application()
