"""Settings that cannot work together stop a service at start-up, with the variables named."""

import subprocess
import sys

from harness.processes import REPO, clean_env


def test_a_retry_that_waits_past_the_visibility_timeout_is_refused_at_start_up():
    # The broker would hand the waiting task to another worker: it would run twice (#44, 10).
    env = clean_env(
        DJANGO_SECRET_KEY="x",
        SERVICE="worker",
        RETHINK_RETRY_BACKOFF_MAX_SECONDS="90",
        CELERY_VISIBILITY_TIMEOUT_SECONDS="60",
    )
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert (
        "RETHINK_RETRY_BACKOFF_MAX_SECONDS (90) must stay below CELERY_VISIBILITY_TIMEOUT_SECONDS (60)" in result.stderr
    )
    env.update(RETHINK_RETRY_BACKOFF_MAX_SECONDS="30")
    assert (
        subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=REPO, capture_output=True).returncode == 0
    )
