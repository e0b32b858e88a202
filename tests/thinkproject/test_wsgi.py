"""thinkproject.wsgi as a gunicorn worker loads it: in a fresh interpreter, before any request."""

import os
import subprocess
import sys

import pytest

from harness.processes import REPO


@pytest.mark.parametrize("service", ["api", "thinker"])
def test_loading_the_app_imports_the_urlconf_so_no_request_pays_for_it(service):
    urlconf = f"thinkproject.urls.{service}"
    code = f"import sys, thinkproject.wsgi; print({urlconf!r} in sys.modules, 'rest_framework.views' in sys.modules)"
    env = {**os.environ, "SERVICE": service, "DJANGO_SECRET_KEY": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # it follows from SERVICE
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
