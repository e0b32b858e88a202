"""The yardstick: the workshop's hit with the framework choices each of our services makes, and none of our code.

`make bench` serves it like ours (ddtrace-run gunicorn with gunicorn.conf.py and tracing.env), traced and
untraced, to show what Django, DRF and their tracing cost by themselves. SERVICE picks the service, as in ours:
- the thinker: our thinker's installed apps, middleware and REST framework settings, one DRF APIView that
  reads one key through Django's django-redis cache inside a `think` span tagged with the subject;
- the API: our API's installed apps and middleware (the admin's session, auth and message middleware, whitenoise,
  CSRF, django-axes' login lockout, ...), one DRF APIView asking the thinker over a kept-alive `requests` session.
ddtrace's Django integration makes its default spans for both, view spans included: then ours ÷ this floor
counts our own code alone. Like perf/floor, it answers hits only.
"""

import os
import secrets

import django
import requests
from ddtrace.trace import tracer
from django.conf import settings
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.urls import path

THINKER = os.environ.get("SERVICE") == "thinker"
KEY = "django-floor:thought"
THOUGHT = {"id": 3, "quote": "To win a war is as disastrous as to lose one.", "author": "Agatha Christie"}

# Our services' choices, written out: the floor runs none of our code (perf/tests/test_floors.py holds them equal).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
}
API_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
            "django.contrib.messages", "django.contrib.staticfiles"]  # fmt: skip
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]
THINKER_MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    SECRET_KEY=secrets.token_urlsafe(),
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[*([] if THINKER else [*API_APPS, "axes"]), "rest_framework"],
    MIDDLEWARE=THINKER_MIDDLEWARE if THINKER else API_MIDDLEWARE,
    # The API's apps need a database configured; a hit never queries it (no session cookie, no user to load).
    DATABASES={} if THINKER else {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"SERIALIZER": "django_redis.serializers.json.JSONSerializer"},
        }
    },
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    REST_FRAMEWORK=REST_FRAMEWORK,
    STATIC_URL="static/",
    USE_TZ=True,
)
django.setup()

# DRF reads the settings as it loads.
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

cache.set(KEY, THOUGHT, timeout=None)
_session = requests.Session()
_session.trust_env = False
THINKER_URL = os.environ.get("THINKER_URL", "")  # only the API needs it


class ThinkerView(APIView):
    """One cache read in a `think` span tagged with the subject."""

    def get(self, request: Request) -> Response:
        with tracer.trace("think") as span:
            span.set_tag("subject", request.query_params.get("subject", ""))
            return Response(cache.get(KEY))


class ApiView(APIView):
    """The thinker's answer over HTTP (ddtrace's requests integration carries the trace)."""

    def get(self, request: Request) -> Response:
        subject = request.query_params.get("subject", "")
        answer = _session.get(THINKER_URL + "/", params={"subject": subject}, timeout=2)
        return Response(answer.json(), status=answer.status_code)


urlpatterns = [path("", ThinkerView.as_view())] if THINKER else [path("think/", ApiView.as_view())]

application = get_wsgi_application()
