"""The private thinker (service thinker-microservice, port 5001): no admin, no sessions, one middleware."""

from core.service import expect_service
from thinkproject.settings.base import *  # noqa: F403
from thinkproject.settings.base import SERVICE, SILENCED_SYSTEM_CHECKS, SPECTACULAR_SETTINGS

expect_service(SERVICE, "thinker")  # SERVICE=thinker (core/service.py)

ROOT_URLCONF = "thinkproject.urls.thinker"
# Only Content-Length on every answer: the API's middleware is for a public site and its admin.
MIDDLEWARE = ["thinker_app.middleware.content_length"]
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "Thinker",
    "DESCRIPTION": "The private thinker: thinks about one subject, memoized in Redis.",
}

# `check --deploy` asks for three middlewares the thinker goes without, on purpose. It answers the API's
# GETs with JSON: no cookies or sessions for CSRF to guard (W003), no HTML to frame (W002); and
# SecurityMiddleware (W001) would, with DJANGO_HTTPS on, redirect the API's plain-HTTP hop to HTTPS.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W001", "security.W002", "security.W003"]
