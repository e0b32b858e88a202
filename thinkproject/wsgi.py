"""WSGI entry point for gunicorn; the service comes from DJANGO_SETTINGS_MODULE."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thinkproject.settings.api")

application = get_wsgi_application()
