#!/usr/bin/env python
"""Take the workshop's trace pictures from the real running system: one or two per step (docs/workshop/).

For each step, boots the stack at that step as the end-to-end tests do (ddtrace-run gunicorn, a test agent
of its own, redis-server, and from step 6 a Celery worker), makes the step's curls (step 6: an edit in the admin),
logs into the trace page in headless Chromium, and saves docs/images/step-<n>[-<what>].png.
Usage: .venv/bin/python scripts/screenshots.py [STEP ...]   (default: every step)
"""

import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script (make screenshots): the repo's packages are not installed

from playwright.sync_api import Page  # noqa: E402

from core.steps import STEPS  # noqa: E402
from harness.browser import admin_login, chromium  # noqa: E402
from harness.processes import (  # noqa: E402
    TraceAgent,
    boot_stack,
    manage,
    service_env,
    start_redis,
    start_trace_agent,
    start_worker,
    think_and_trace,
)
from harness.spans import by_name, queue_spans  # noqa: E402

OUT = REPO / "docs" / "images"


@dataclass
class Picture:
    name: str  # docs/images/<name>.png
    subject: str  # what to curl first
    page: str = "trace"  # "trace": that curl's trace page; "list": the recent traces, that curl's at the top;
    # "demo": the demo page, each comma-separated subject clicked in turn; "edit": the trace of an admin edit of
    # the subject's thought, once the worker's part (if it joins) has arrived
    open_span: str = ""  # a span whose row to open (its tags, and an error's type, message and stack)
    unfold: bool = False  # unfold every request's framework spans (ddtrace's view spans)
    env: tuple[tuple[str, str], ...] = ()  # what the stack runs with beside the step, if not the defaults


PICTURES = {
    1: [Picture("step-1", "war"), Picture("step-1-list", "war", page="list")],
    2: [Picture("step-2", "war"), Picture("step-2-peace", "peace", open_span="think")],
    3: [Picture("step-3", "war")],
    4: [Picture("step-4", "war"), Picture("step-4-art", "art")],
    5: [
        Picture("step-5-miss", "war"),
        Picture("step-5-hit", "war"),
        Picture("step-5-hit-unfolded", "war", unfold=True),
        Picture("demo", "music,music,art", page="demo"),
    ],
    6: [
        Picture("step-6-two-traces", "war", page="edit", env=(("DD_CELERY_DISTRIBUTED_TRACING", "false"),)),
        Picture("step-6", "war", page="edit"),
    ],
}


def shoot(step: int, logs: Path, redis_url: str) -> None:
    """The step's pictures, from a stack booted for each environment they need."""
    for env in dict.fromkeys(picture.env for picture in PICTURES[step]):
        shoot_with(step, [picture for picture in PICTURES[step] if picture.env == env], dict(env), logs, redis_url)


def edit_trace_url(page: Page, agent: TraceAgent, api_url: str, subject: str, joined: bool) -> str:
    """Edit the thought on `subject` in the admin (as a person does: its form, then Save); its trace's page, once
    the enqueue and, when the trace crosses the queue (`joined`), the worker's think have arrived."""
    page.goto(f"{api_url}/admin/thinker_app/thought/?subject={subject}")
    page.locator("#result_list tbody a").first.click()
    page.fill("#id_quote", f"{page.input_value('#id_quote')} (edited)")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.click("input[name=_save]")
    headers = posted.value.headers

    def arrived(spans: list[dict]) -> bool:
        return bool(queue_spans(spans, "producer")) and (not joined or bool(by_name(spans, "think")))

    agent.wait_for_trace(headers["x-trace-id"], arrived, timeout=30)
    return headers["x-trace-url"]


def shoot_with(step: int, pictures: list[Picture], env: dict[str, str], logs: Path, redis_url: str) -> None:
    agent = start_trace_agent(logs)  # its own, so the trace list shows this step's traces only
    stack = boot_stack(logs, redis_url, agent.url, wrapper=(), repo=REPO, STEP=str(step), GUNICORN_WORKERS="1", **env)
    worker = start_worker(stack.env, logs) if STEPS[step].queue else None
    password = secrets.token_urlsafe(16)
    try:
        manage(
            service_env(**stack.env, SERVICE="api",
                        DJANGO_SUPERUSER_USERNAME="screenshots", DJANGO_SUPERUSER_PASSWORD=password,
                        DJANGO_SUPERUSER_EMAIL="screenshots@example.com"),
            "initdb",
        )  # fmt: skip
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1200, "height": 600}, device_scale_factor=1)
            # Logged in before the curls: the login's own traces are then older than the workshop's.
            admin_login(page, stack.api_url, "screenshots", password, next_path="/traces/")
            for picture in pictures:
                path = str(OUT / f"{picture.name}.png")
                if picture.page == "demo":
                    page.goto(f"{stack.api_url}/")
                    for number, subject in enumerate(picture.subject.split(","), start=1):
                        page.click(f'#subjects button[data-subject="{subject}"]')
                        page.locator("#answers li[data-done]").nth(number - 1).wait_for()
                    page.locator("main").screenshot(path=path)
                elif picture.page == "list":
                    _, traces = think_and_trace(agent, stack, picture.subject)
                    page.goto(f"{stack.api_url}/traces/")
                    top = page.locator("main h1").bounding_box()
                    last = page.locator(f"#traces tbody tr:nth-child({len(traces)})").bounding_box()
                    assert top and last, "the trace list is not on the page"
                    page.screenshot(
                        path=path,
                        clip={
                            "x": 0,
                            "y": top["y"] - 20,
                            "width": 1200,
                            "height": last["y"] + last["height"] - top["y"] + 21,
                        },
                    )
                else:
                    if picture.page == "edit":
                        joined = env.get("DD_CELERY_DISTRIBUTED_TRACING") != "false"
                        url = edit_trace_url(page, agent, stack.api_url, picture.subject, joined)
                    else:
                        url = think_and_trace(agent, stack, picture.subject)[0].headers["X-Trace-Url"]
                    page.goto(url)
                    page.wait_for_selector("#waterfall")
                    if picture.unfold:
                        for fold in page.locator("#waterfall .fold").all():
                            fold.click()
                    if picture.open_span:
                        page.click(f'details[data-name="{picture.open_span}"] > summary')
                    page.locator("main").screenshot(path=path)
                print(f"wrote {path}")
    finally:
        if worker is not None:
            worker.stop()
        stack.stop()
        agent.process.stop()


def main(steps: list[int]) -> None:
    logs = Path(tempfile.mkdtemp(prefix="thinker-screenshots-"))
    redis_url, redis = start_redis(logs)
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for step in steps:
            shoot(step, logs, redis_url)
    finally:
        redis.stop()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or list(STEPS))
