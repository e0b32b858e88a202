"""Run under ddtrace-run with the API's settings: in one trace, call the thinker and another host.

Usage: outbound_headers.py OTHER_URL   (THINKER_URL in the environment points at a recorder)
"""

import sys

import django

django.setup()

import requests  # noqa: E402
from ddtrace.trace import tracer  # noqa: E402

from api_app.thinker_client import fetch_thought  # noqa: E402

with tracer.trace("outbound-probe"):
    requests.get(sys.argv[1], timeout=5)
    fetch_thought(subject="war")
