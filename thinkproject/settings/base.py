"""Settings shared by both services; every knob comes from the environment with a laptop-safe default."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from core.env import env_bool, env_float, env_int, env_list, env_str
from core.service import service_setting, tracer_setting
from core.steps import step_from

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Which service this process is (core/service.py): SERVICE=api (the default) or SERVICE=thinker. Each service's
# settings module checks that it is its own; DJANGO_SETTINGS_MODULE follows from SERVICE (manage.py, wsgi.py).
SERVICE = service_setting()
# ddtrace (ddtrace-run) or the OpenTelemetry SDK: API_TRACER or THINKER_TRACER, else TRACER.
TRACER = tracer_setting(SERVICE)
# The service's name in traces and log lines; the launcher gives ddtrace-run the same default (core/tracing/launch.py).
TRACE_SERVICE_NAME = (TRACER == "otel" and env_str("OTEL_SERVICE_NAME", "")) or env_str(
    "DD_SERVICE", SERVICE.trace_name
)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for a throwaway key).")
    # A per-process key is fine for a debug runserver; never ship one in the repo.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# Behind TLS (a proxy that sets X-Forwarded-Proto), turn on Django's HTTPS protections.
HTTPS = env_bool("DJANGO_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 3600, minimum=0)
    # Subdomains and the preload list commit a whole domain for months: the domain's owner decides.
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
else:
    # The workshop is served over plain HTTP on localhost (`curl http://localhost:5000/...`), where
    # these HTTPS-only protections cannot apply; DJANGO_HTTPS=true turns them all on.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A dead or slow database must cost a request seconds, not a hung worker.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 3, minimum=1),
        options=f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT_MS', 5000, minimum=1)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "thinker",
        "OPTIONS": {
            # JSON, not pickle: a thought is plain data, and unpickling what a shared Redis
            # hands back would let whoever can write to it run code in our processes.
            "SERIALIZER": "django_redis.serializers.json.JSONSerializer",
            # Short timeouts: a dead or slow Redis must cost a request milliseconds, not a hung worker.
            "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT_SECONDS", 0.25, above=0),
            "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT_SECONDS", 0.25, above=0),
        },
    }
}


def _next_redis_database(url: str) -> str:
    """The Redis server of `url`, the database after its own (redis://host:6379/0 -> redis://host:6379/1)."""
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 1) % 16}"))


# Step 6 (core/steps.py): an edit queues a rethink of its subject on Celery (thinker_app/tasks.py), whose broker is
# the same Redis server, in a database of its own (the memo's + 1). Celery reads the CELERY_* names
# (thinkproject/celery.py). No result backend: nobody waits for a rethink.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", _next_redis_database(REDIS_URL))
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once it has run, not when a worker takes it: a worker killed mid-task leaves it queued.
# A pool process that dies gives its task back at once; a whole worker that dies, after the visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each pool process reserves one task at a time, so tasks spread over the workers instead of queueing behind one.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 2, minimum=1)
# The worker logs through LOGGING below (Datadog's layout, with the trace ids), not a handler of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task taken but not acknowledged (its worker died) goes back to the queue after this long. It must outlast
    # the longest retry delay (RETHINK_RETRY_BACKOFF_MAX_SECONDS): a retry waits, unacknowledged, in its worker.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 60, minimum=1),
    # Each worker looks for such tasks when it starts and every 10 s (kombu's default scans every 10th time, 100 s).
    "unacked_restore_throttle": 1,
    # A dead or hung broker must cost an admin save a second, not a hung request.
    "socket_connect_timeout": env_float("CELERY_BROKER_CONNECT_TIMEOUT_SECONDS", 0.5, above=0),
    "socket_timeout": env_float("CELERY_BROKER_TIMEOUT_SECONDS", 2.0, above=0),
}
# Publishing retries once, at once: then the save goes on without its rethink (readers pay one miss).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The Redis list on the broker where the worker keeps the messages it refuses (thinker_app/dead_letters.py).
DEAD_LETTERS_KEY = "thinker:dead-letters"
# A rethink that fails (the database away, the subject's lock held throughout) retries after 1, 2, 4 ... seconds.
RETHINK_MAX_RETRIES = env_int("RETHINK_MAX_RETRIES", 5, minimum=0)
RETHINK_RETRY_BACKOFF_MAX_SECONDS = env_int("RETHINK_RETRY_BACKOFF_MAX_SECONDS", 30, minimum=1)
if RETHINK_RETRY_BACKOFF_MAX_SECONDS >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured(
        f"RETHINK_RETRY_BACKOFF_MAX_SECONDS ({RETHINK_RETRY_BACKOFF_MAX_SECONDS}) must stay below "
        f"CELERY_VISIBILITY_TIMEOUT_SECONDS ({CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']}): a retry "
        "waits unacknowledged in its worker, and the broker would give it to another worker meanwhile: it would run twice."
    )

THINK_DELAY_SECONDS = env_float("THINK_DELAY_SECONDS", 0.5, minimum=0)
# Fault injection, like the seed's `peace` and `art`: thinking about these subjects raises.
THINK_FAIL_SUBJECTS = set(env_list("THINK_FAIL_SUBJECTS", []))
THINK_CACHE_TTL_SECONDS = env_int("THINK_CACHE_TTL_SECONDS", 30, minimum=1)
# Single flight: how long a miss holds its Redis lock, and the longest others wait for its answer. A
# leader killed mid-think (SIGKILL, OOM) leaves its lock this long: the pause plus half a second keeps its
# followers' wait plus their own think under the API's THINKER_TIMEOUT_SECONDS (2 s), so a replica that
# dies loses no request (tests/e2e/test_scale_out.py).
THINK_LOCK_TIMEOUT_SECONDS = env_float("THINK_LOCK_TIMEOUT_SECONDS", THINK_DELAY_SECONDS + 0.5, above=0)
# How often, at most, a process logs that Redis is unreachable (one line per interval, not per request).
REDIS_WARNING_INTERVAL_SECONDS = env_float("REDIS_WARNING_INTERVAL_SECONDS", 60.0, minimum=0)

# runserver (`make run`) lets go of a connection that sends nothing for this long: a half-open socket or an
# idle kept-alive one (gunicorn's `keepalive` is the same 5 s).
RUNSERVER_IDLE_TIMEOUT_SECONDS = env_float("RUNSERVER_IDLE_TIMEOUT_SECONDS", 5.0, above=0)

# The workshop's step (core/steps.py): how the trace crosses the hop, the datastore, the memo.
STEP = step_from(env_str("STEP", ""))
if env_str("TRACE_PROPAGATION", ""):
    raise ImproperlyConfigured(
        "TRACE_PROPAGATION is gone: STEP walks the workshop (off is STEP=1, manual STEP=2, auto STEP=3 to 6)."
    )
# Whether a task carries its producer's trace to the worker: ddtrace's own switch (off by its default), which
# core/tracing/queue.py honours under the OpenTelemetry SDK too. tracing.env turns it on: step 6's one trace.
QUEUE_PROPAGATION = env_bool("DD_CELERY_DISTRIBUTED_TRACING", False)
# Requests about the system rather than of it, whose traces are dropped: the polled health checks, and the icon a
# browser asks for beside every page it opens (a 404 trace above each trace a learner clicked).
UNTRACED_PATH_PREFIXES: tuple[str, ...] = ("/healthz", "/readyz", "/favicon.ico")

# core comes first: its runserver command must win over django.contrib.staticfiles' (which it wraps).
INSTALLED_APPS = [
    "core",
    "rest_framework",
    "drf_spectacular",
    "thoughts",
]
MIDDLEWARE: list[str] = []
WSGI_APPLICATION = "thinkproject.wsgi.application"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Content negotiation by the Accept header only: no ?format= (an unknown one would be a bare 404).
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "datadog": {"()": "core.logging.DatadogDefaultsFilter"},
        "without_traceback": {"()": "core.logging.WithoutTraceback"},
    },
    "formatters": {
        # Datadog's documented layout, so logs and traces join in Datadog (and greppable locally).
        "datadog": {
            "format": (
                "%(asctime)s %(levelname)s [%(name)s] [dd.service=%(dd.service)s dd.env=%(dd.env)s "
                "dd.version=%(dd.version)s dd.trace_id=%(dd.trace_id)s dd.span_id=%(dd.span_id)s] "
                "- %(message)s"
            )
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "datadog", "filters": ["datadog"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # ddtrace reports an unreachable agent itself (rate-limited); keep its chatter at warnings.
        "ddtrace": {"level": "WARNING"},
        # A request for a host we do not serve: one line, not a traceback.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
}
