"""WSGI entry point for gunicorn and runserver; the service comes from DJANGO_SETTINGS_MODULE."""
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from thinkproject.tracing import continue_trace_from_headers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thinkproject.settings.api")

application = get_wsgi_application()
# Django imports the URLconf (the views, DRF, drf-spectacular: about 370 modules) on the first request
# it resolves. Here it happens as each gunicorn worker boots instead, not during a user's request.
get_resolver().url_patterns
if settings.TRACE_CONTINUE_INCOMING and settings.TRACE_PROPAGATION == "manual":
    application = continue_trace_from_headers(application)
