"""The Celery app of step 6, set up as Celery's "First steps with Django" does: `celery -A thinkproject worker`.

Its configuration is the CELERY_* settings of the service's settings module (thinkproject/settings/base.py); the
worker's imports its tasks (thinker_app/tasks.py), which the API imports to queue them.
"""

import os

from celery import Celery

from core.service import service_from

os.environ.setdefault("DJANGO_SETTINGS_MODULE", service_from().settings_module)

app = Celery("thinkproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
