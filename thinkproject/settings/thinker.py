"""The private thinker (service thinker-microservice, port 5001): no admin, no sessions, one middleware."""

from core.service import expect_service
from thinkproject.settings.base import *  # noqa: F403
from thinkproject.settings.base import SERVICE, SILENCED_SYSTEM_CHECKS, SPECTACULAR_SETTINGS

expect_service(SERVICE, "thinker")  # SERVICE=thinker (core/service.py)

ROOT_URLCONF = "thinkproject.urls.thinker"
# Django's CommonMiddleware alone (the API's others are for a public site and its admin): it answers only the
# names in DJANGO_ALLOWED_HOSTS, as the API does, and gives every answer its Content-Length (without one,
# gunicorn sends a body chunked: one more write, and a chunked read in the API's client).
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "Thinker",
    "DESCRIPTION": "The private thinker: thinks about one subject, memoized in Redis.",
}

# `check --deploy` asks for three middlewares the thinker goes without, on purpose. It answers the API's
# GETs with JSON: no cookies or sessions for CSRF to guard (W003), no HTML to frame (W002); and
# SecurityMiddleware (W001) would, with DJANGO_HTTPS on, redirect the API's plain-HTTP hop to HTTPS.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W001", "security.W002", "security.W003"]
