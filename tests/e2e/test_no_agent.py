"""Tracing never breaks the app: with no trace agent listening, every request still succeeds."""

import pytest
import requests

from harness.processes import boot_stack, free_port


@pytest.fixture(scope="module")
def agentless_stack(e2e_logs, redis_url):
    stack = boot_stack(e2e_logs, redis_url, f"http://127.0.0.1:{free_port()}", GUNICORN_WORKERS="1")
    yield stack
    stack.kill()


def test_every_request_succeeds_with_no_agent_running(agentless_stack):
    subjects = ["war", "mankind", "music", "art", "war", "war&subject=music"]
    statuses = [
        requests.get(f"{agentless_stack.api_url}/think/?subject={subject}", timeout=10).status_code
        for subject in subjects * 3
    ]
    assert statuses == [200] * len(statuses)
    assert agentless_stack.api.running() and agentless_stack.thinker.running()
