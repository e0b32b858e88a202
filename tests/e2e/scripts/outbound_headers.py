"""Run as the API runs (`python -m core.tracing.launch`, the API's settings): in one trace, call the thinker and
another host.

Usage: outbound_headers.py OTHER_URL   (THINKER_URL in the environment points at a recorder)
"""

import sys

import django

django.setup()

import requests  # noqa: E402

from api_app.thinker_client import fetch_thought  # noqa: E402
from core.tracing import span  # noqa: E402

with span("outbound-probe"):
    requests.get(sys.argv[1], timeout=5)
    fetch_thought(subject="war")
