"""WSGI entry point for gunicorn and runserver; the service comes from SERVICE (api, the default, or thinker)."""

import os
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from core.service import service_from
from core.tracing.propagation import continue_incoming

os.environ.setdefault("DJANGO_SETTINGS_MODULE", service_from().settings_module)

application: Callable[..., Any] = get_wsgi_application()
# Django imports the URLconf (the views, DRF, drf-spectacular: about 370 modules) on the first request
# it resolves; importing it here moves that cost from a user's request to each gunicorn worker's boot.
import_module(settings.ROOT_URLCONF)
application = continue_incoming(application)  # the workshop's step 2 on the thinker
