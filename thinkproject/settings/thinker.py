"""The private thinker (service thinker-microservice, port 5001): no admin, no sessions, no middleware."""
from thinkproject.settings.base import *  # noqa: F403

ROOT_URLCONF = "thinkproject.urls.thinker"

TRACE_CONTINUE_INCOMING = True
