"""The public Think API (service thinker-api, port 5000); it also serves the admin."""

from datetime import timedelta

from core.env import env_bool, env_float, env_int, env_str
from core.service import expect_service
from thinkproject.settings.base import *  # noqa: F403
from thinkproject.settings.base import INSTALLED_APPS, SERVICE, SPECTACULAR_SETTINGS, UNTRACED_PATH_PREFIXES

expect_service(SERVICE, "api")  # SERVICE=api, the default (core/service.py)
# The trace pages read traces: a trace of each look would bury the workshop's.
UNTRACED_PATH_PREFIXES = (*UNTRACED_PATH_PREFIXES, "/traces/")

ROOT_URLCONF = "thinkproject.urls.api"

INSTALLED_APPS = [
    "core",  # first, as in base.py
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    *(app for app in INSTALLED_APPS if app != "core"),
    "api_app",
    "axes",
]
MIDDLEWARE = [
    "api_app.middleware.TraceIdHeaderMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api_app.middleware.AdminDatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it answers a locked-out login after the view has run.
    "axes.middleware.AxesMiddleware",
]

# django-axes throttles the admin's login: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused (429) for AXES_COOLOFF_MINUTES, even with the right password. The pair, not the
# address alone or the user alone: nobody can lock the admin out from elsewhere. The address is REMOTE_ADDR,
# never a client's X-Forwarded-For. Attempts are kept in the database (the admin lists them).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("AXES_COOLOFF_MINUTES", 15, above=0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Not its "AXES: BEGIN version ..." line at every start of every process; failed logins and lockouts are still logged.
AXES_VERBOSE = False

# Only the API renders templates: the admin and the trace page.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "Think API",
    "DESCRIPTION": "The public API of the distributed-tracing workshop: a thought on a subject, asked of the thinker.",
}

THINKER_URL = env_str("THINKER_URL", "http://127.0.0.1:5001")
THINKER_TIMEOUT_SECONDS = env_float("THINKER_TIMEOUT_SECONDS", 2.0, above=0)
# Thinker calls one API process makes at once, at most (a request of ten subjects makes ten); a request that would
# go past it is refused with a 503 at once (api_app/thinker_client.py).
THINKER_MAX_CALLS_IN_FLIGHT = env_int("THINKER_MAX_CALLS_IN_FLIGHT", 100, minimum=10)
# Where a person looks at traces; the index page links to it.
TRACE_UI_URL = env_str("TRACE_UI_URL", "http://127.0.0.1:8080")
# Where the trace page reads traces from: the test agent's HTTP API (by default, the agent we send to).
TRACE_STORE_URL = env_str("TRACE_STORE_URL", env_str("DD_TRACE_AGENT_URL", "http://127.0.0.1:8126"))
# Where the test agent keeps OpenTelemetry's spans: its OTLP HTTP port, where the SDK sends them.
TRACE_STORE_OTLP_URL = env_str("TRACE_STORE_OTLP_URL", env_str("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"))
# The trace pages are staff-only; make run's servers (runserver on 127.0.0.1, the Procfile) open them
# for a local demo with no login. Never where the API is reachable from elsewhere (docker compose).
TRACE_PAGES_OPEN = env_bool("TRACE_PAGES_OPEN", False)
