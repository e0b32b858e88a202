#!/usr/bin/env python
"""make run's banner, and which of the Procfile's lines it leaves out, from the environment the services get
(honcho's: tracing.env, then .env, which wins over the shell), so the step it names is the step they run. A value
the services would refuse (a STEP, a negative THINK_DELAY_SECONDS, sampling rules a tracer cannot read) stops make
run here, with one line naming the variable, before any service starts: their settings are loaded here first.

The banner goes to stderr. Standard output is honcho's `--concurrency` for the lines this run does without: the
worker before step 6 (no earlier step queues anything, and it is another Django and ddtrace to start), and the
redis line where a Redis already answers (it would only wait).
"""

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dev_redis import answers, redis_address  # noqa: E402  (beside this file)
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from core.steps import LAST_STEP, Step  # noqa: E402
from core.tracing.launch import check_tracer_switches  # noqa: E402


def left_out(step: Step, redis_answers: bool) -> list[str]:
    """The Procfile's lines this run does without, as honcho's `--concurrency` takes them."""
    return [line for line, unneeded in (("worker", not step.queue), ("redis", redis_answers)) if unneeded]


def main() -> None:
    try:
        check_tracer_switches(os.environ)
        # The API's settings read every variable the services do (the thinker's and the worker's add none).
        step = importlib.import_module("thinkproject.settings.api").STEP
    except (ImproperlyConfigured, ValueError) as error:
        sys.exit(f"make run: {error}")
    host, port = redis_address()
    redis_answers = answers(host, port)
    redis = f"{host}:{port}, " + ("already answering" if redis_answers else "started by make run where it can")
    worker = "an admin edit re-thinks on it" if step.queue else f"step {LAST_STEP} only: not started"
    print(
        f"""
  Workshop:    step {step.number} of {LAST_STEP}, {step.title}  (STEP=1 make run ... STEP={LAST_STEP}; the steps: docs/workshop/)
  Think API:   curl 'http://127.0.0.1:5000/think/?subject=war'
  Thinker:     curl 'http://127.0.0.1:5001/?subject=war'
  Traces:      http://127.0.0.1:5000/traces/  (both services joined; the test agent's own UI: http://127.0.0.1:8080)
  Admin:       http://127.0.0.1:5000/admin/  (make superuser creates a login)
  Worker:      {worker}
  Redis:       {redis}
  Stop:        Ctrl-C
""",
        file=sys.stderr,
    )
    if lines := left_out(step, redis_answers):
        print("--concurrency " + ",".join(f"{line}=0" for line in lines))


if __name__ == "__main__":
    main()
