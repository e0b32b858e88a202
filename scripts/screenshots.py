#!/usr/bin/env python
"""Take the README's trace pictures from the real running system: the seed's cache miss and hit.

Boots the stack as the end-to-end tests do (ddtrace-run gunicorn, test agent, redis-server), makes the
two requests, logs into the trace page in headless Chromium, and saves docs/images/trace-{miss,hit}.png.
Usage: .venv/bin/python scripts/screenshots.py
"""
import secrets
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.browser import admin_login, chromium  # noqa: E402
from harness.processes import boot_stack, manage, service_env, start_redis, start_trace_agent, think  # noqa: E402
from harness.spans import joined  # noqa: E402

OUT = REPO / "docs" / "images"


def main() -> None:
    logs = Path(tempfile.mkdtemp(prefix="thinker-screenshots-"))
    agent = start_trace_agent(logs)
    redis_url, redis = start_redis(logs)
    stack = boot_stack(logs, redis_url, agent.url, GUNICORN_WORKERS="1")
    password = secrets.token_urlsafe(16)
    try:
        manage(
            service_env(**stack.env, DJANGO_SETTINGS_MODULE="thinkproject.settings.api",
                        DJANGO_SUPERUSER_USERNAME="screenshots", DJANGO_SUPERUSER_PASSWORD=password,
                        DJANGO_SUPERUSER_EMAIL="screenshots@example.com"),
            "initdb",
        )  # fmt: skip
        shots = {}
        for name in ("miss", "hit"):
            response = think(stack, "war")
            agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
            shots[name] = response.headers["X-Trace-Url"]
        OUT.mkdir(parents=True, exist_ok=True)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 600}, device_scale_factor=1)
            admin_login(page, stack.api_url, "screenshots", password, next_path="/traces/")
            for name, url in shots.items():
                page.goto(url)
                page.wait_for_selector("#waterfall")
                page.locator("main").screenshot(path=str(OUT / f"trace-{name}.png"))
                print(f"wrote {OUT / f'trace-{name}.png'}")
    finally:
        stack.stop()
        agent.process.stop()
        redis.stop()


if __name__ == "__main__":
    main()
