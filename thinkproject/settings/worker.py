"""Step 6's Celery worker (service thinker-worker): `celery -A thinkproject worker`, no HTTP.

It runs the thinker's own think (thinker_app/services.py) for the subjects the API queues after an edit: the same
database, memo and single-flight lock as the thinker.
"""

from core.service import expect_service
from thinkproject.settings.base import *  # noqa: F403
from thinkproject.settings.base import SERVICE

expect_service(SERVICE, "worker")  # SERVICE=worker (core/service.py)

# The tasks the worker runs (thinker_app is no Django app: its code runs in the thinker's and the worker's processes).
CELERY_IMPORTS = ["thinker_app.tasks"]
# The thinker's URLconf, for Django's checks: the worker answers no requests.
ROOT_URLCONF = "thinkproject.urls.thinker"
