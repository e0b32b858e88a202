#!/usr/bin/env python
"""make run's banner, printed from the environment the services get (honcho's: tracing.env, then .env, which wins
over the shell), so the step it names is the step they run; a STEP they would refuse stops make run here."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from core.steps import LAST_STEP, step_from  # noqa: E402


def main() -> None:
    try:
        step = step_from(os.environ.get("STEP"))
    except ImproperlyConfigured as error:
        sys.exit(f"make run: {error}")
    print(f"""
  Workshop:    step {step.number} of {LAST_STEP}, {step.title}  (STEP=1 make run ... STEP={LAST_STEP}; the steps: docs/workshop/)
  Think API:   curl 'http://127.0.0.1:5000/think/?subject=war'
  Thinker:     curl 'http://127.0.0.1:5001/?subject=war'
  Traces:      http://127.0.0.1:5000/traces/  (both services joined; the test agent's own UI: http://127.0.0.1:8080)
  Admin:       http://127.0.0.1:5000/admin/  (make superuser creates a login; step 6: an edit re-thinks on the worker)
  Stop:        Ctrl-C
""")


if __name__ == "__main__":
    main()
