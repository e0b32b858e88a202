"""The private thinker (service thinker-microservice, port 5001): no admin, no sessions, no middleware."""
from thinkproject.settings.base import *  # noqa: F403

from thinkproject.settings.base import SPECTACULAR_SETTINGS  # noqa: E402

ROOT_URLCONF = "thinkproject.urls.thinker"
SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "Thinker",
    "DESCRIPTION": "The private thinker: thinks about one subject, memoized in Redis.",
}

TRACE_CONTINUE_INCOMING = True
