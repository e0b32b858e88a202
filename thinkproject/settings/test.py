"""Unit-test settings: the API's settings with what tests need changed.

The API's apps are a superset of the thinker's; its middleware is not. A test marked `thinker` runs with the
thinker's URLconf and middleware (tests/conftest.py).
"""

import os

# Not a secret: a key for throwaway test databases only.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-not-a-secret")

from thinkproject.settings.api import *  # noqa: E402,F403
from thinkproject.settings.api import CACHES, DATABASES  # noqa: E402

# make test runs test processes side by side (pytest-xdist names each run and each of its processes): each process
# has its own key space and queue, even beside another run.
TEST_PROCESS = f"{os.environ.get('PYTEST_XDIST_TESTRUNUID', '')[:8]}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# Own key space in the shared Redis, so tests never clobber a running `make run`'s memo, nor each other's.
CACHES["default"]["KEY_PREFIX"] = f"thinker-test-{TEST_PROCESS}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Creating and dropping the test databases, beside the stacks make test's other processes boot, can take longer
    # than a request's statement may; a database left behind would stop the next run.
    DATABASES["default"]["OPTIONS"]["options"] = "-c statement_timeout=60000"
# In-process tests trace with ddtrace, whatever TRACER says (tests/e2e runs both tracers as real processes).
TRACER = "ddtrace"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in admin tests
# The broker is the real Redis: the tasks tests queue go to a queue of their own, which no make run worker reads
# (tests/conftest.py empties it).
CELERY_TASK_DEFAULT_QUEUE = f"thinker-test-{TEST_PROCESS}"
DEAD_LETTERS_KEY = f"thinker-test-{TEST_PROCESS}:dead-letters"
