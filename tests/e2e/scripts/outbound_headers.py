"""Run as the API runs (`python -m core.tracing.launch`, SERVICE=api): in one trace, call the thinker and
another host.

Usage: outbound_headers.py OTHER_URL   (THINKER_URL in the environment points at a recorder)
"""

import os
import sys

import django

from core.service import service_from

os.environ.setdefault("DJANGO_SETTINGS_MODULE", service_from().settings_module)
django.setup()

import requests  # noqa: E402

from api_app.thinker_client import fetch_thought  # noqa: E402
from core.tracing import span  # noqa: E402

with span("outbound-probe"):
    requests.get(sys.argv[1], timeout=5)
    fetch_thought(subject="war")
