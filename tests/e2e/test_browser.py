"""In headless Chromium against real processes: edit thoughts in the admin, read traces on the trace page."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from harness.browser import admin_login, chromium
from harness.processes import ADMIN, Stack, boot_stack, think
from harness.spans import joined

# Runs on both database engines (make test): the admin's edits and deletes.
pytestmark = pytest.mark.database


@pytest.fixture(scope="module")
def browser_stack(e2e_logs, redis_url, trace_agent) -> Iterator[Stack]:
    stack = boot_stack(e2e_logs, redis_url, trace_agent.url, THINK_FAIL_SUBJECTS="peace", GUNICORN_WORKERS="1")
    yield stack
    stack.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser, browser_stack: Stack) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    admin_login(page, browser_stack.api_url, *ADMIN)  # the user every fresh database comes with
    yield page
    context.close()


def open_thought(page: Page, stack: Stack, subject: str) -> None:
    page.goto(f"{stack.api_url}/admin/thinker_app/thought/?subject={subject}")
    page.click("#result_list tbody tr th a")


def test_an_edit_in_the_admin_shows_on_the_next_think(page, browser_stack):
    assert think(browser_stack, "war").json()["author"] == "Agatha Christie"  # memoized for 30 s

    open_thought(page, browser_stack, "war")
    page.fill("#id_quote", "War is the continuation of politics by other means.")
    page.fill("#id_author", "Carl von Clausewitz")
    page.click("input[name=_save]")
    assert "was changed successfully" in page.inner_text(".messagelist")

    answer = think(browser_stack, "war").json()
    assert (answer["author"], answer["quote"]) == (
        "Carl von Clausewitz",
        "War is the continuation of politics by other means.",
    )


def test_deleting_a_thought_in_the_admin_falls_back_to_the_default(page, browser_stack):
    assert think(browser_stack, "work").json()["author"] == "Horace"

    open_thought(page, browser_stack, "work")
    page.click("a.deletelink")
    page.click("input[type=submit]")  # "Yes, I'm sure"
    assert "was deleted successfully" in page.inner_text(".messagelist")

    assert think(browser_stack, "work").json()["author"] == "The Machine"


def rows(page: Page) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "#waterfall details.row",
        "rows => rows.map(r => ({span: r.dataset.spanId, parent: r.dataset.parentId, service: r.dataset.service,"
        " name: r.dataset.name, depth: r.dataset.depth}))",
    )


def test_the_trace_page_draws_both_services_under_one_root(page, browser_stack, trace_agent):
    response = think(browser_stack, "mankind")
    trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    page.goto(response.headers["X-Trace-Url"])
    drawn = rows(page)
    assert page.get_attribute("#waterfall", "data-trace-id") == response.headers["X-Trace-Id"]
    assert drawn[0]["depth"] == "0" and drawn[0]["service"] == "thinker-api"
    assert all(row["depth"] != "0" for row in drawn[1:]), "one root"
    hop = next(row for row in drawn if row["name"] == "requests.request")
    thinker_root = next(
        row for row in drawn if row["service"] == "thinker-microservice" and row["name"] == "django.request"
    )
    assert thinker_root["parent"] == hop["span"]
    assert page.inner_text("#trace-cache") in ("cache miss", "cache hit")

    page.click("#waterfall details[data-name=think] summary")  # a row opens to show its tags
    assert "mankind" in page.inner_text("#waterfall details[data-name=think][open] .tags")


def visible_names(page: Page) -> list[str]:
    return page.eval_on_selector_all("#waterfall details.row:not([hidden])", "rows => rows.map(r => r.dataset.name)")


def indent(page: Page, span_id: str) -> str:
    return page.eval_on_selector(f'#waterfall details[data-span-id="{span_id}"] .name', "n => n.style.paddingLeft")


def test_the_view_spans_fold_under_their_request_and_a_click_unfolds_them(page, browser_stack, trace_agent):
    response = think(browser_stack, "technology")
    trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))
    page.goto(response.headers["X-Trace-Url"])
    hop = next(row for row in rows(page) if row["name"] == "requests.request")

    folded = visible_names(page)
    assert folded[:3] == ["django.request", "requests.request", "django.request"]
    assert not any(name.startswith("django.view") for name in folded)
    assert indent(page, hop["span"]) == "14px"  # drawn one level under the API's request

    api_fold = page.locator("#waterfall .fold").first
    assert api_fold.inner_text() == "+5 framework spans"
    api_fold.click()
    assert api_fold.get_attribute("aria-expanded") == "true"
    unfolded = visible_names(page)
    assert unfolded[:6] == ["django.request", "django.view", "django.view", "django.view.setup",
                            "django.view.dispatch", "django.view.get"]  # fmt: skip
    assert unfolded.count("django.view") == 2, "the thinker's stay folded"
    assert indent(page, hop["span"]) == "70px"  # at its depth: five view spans above it
    assert page.locator("#waterfall details[open]").count() == 0, "the click opened no row"
    api_fold.click()
    assert visible_names(page) == folded


def test_an_error_trace_is_marked_and_shows_the_stack(page, browser_stack, trace_agent):
    response = think(browser_stack, "peace")
    assert response.status_code == 502
    trace_agent.wait_for_trace(response.headers["X-Trace-Id"], joined(thinker_calls=1))

    page.goto(response.headers["X-Trace-Url"])
    assert page.is_visible("#trace-error")
    page.click("#waterfall details[data-name=think] summary")
    stack = page.inner_text("#waterfall details[data-name=think][open] pre.stack")
    assert "ThinkingFailed" in stack and "peace" in stack

    page.goto(f"{browser_stack.api_url}/traces/")
    listed = page.locator(f'tr[data-trace-id="{response.headers["X-Trace-Id"]}"]')
    assert "error" in listed.inner_text()


def test_the_trace_page_needs_a_login(browser, browser_stack):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{browser_stack.api_url}/traces/")
        assert "/admin/login/" in page.url
    finally:
        context.close()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A browser with no login, sending the trace headers a client could forge (the API must ignore them)."""
    context = browser.new_context(extra_http_headers={"traceparent": FORGED_TRACEPARENT})
    yield context.new_page()
    context.close()


FORGED_TRACEPARENT = "00-000000000000000000000000499602d2-000000003ade68b1-01"


def click_subject(page: Page, subject: str) -> dict[str, str]:
    """Click a subject on the demo page; what its answer shows: text, memo badge, trace link and id."""
    answered = page.locator("#answers li[data-done]")
    before = answered.count()
    page.click(f'#subjects button[data-subject="{subject}"]')
    answered.nth(before).wait_for()  # answers come newest first, so the new one is the first
    newest = page.locator("#answers li[data-done]").first
    return {
        "text": newest.inner_text(),
        "memo": newest.locator(".badge").inner_text(),
        "trace_url": newest.locator("a.trace").get_attribute("href") or "",
        "trace_id": newest.locator(".mono").inner_text().removeprefix("trace "),
    }


def test_on_the_quick_starts_servers_click_a_subject_see_the_thought_and_follow_it_to_its_trace(
    visitor, dev_stack, trace_agent
):
    visitor.goto(f"{dev_stack.api_url}/")
    assert "6 of 6: across a queue" in visitor.inner_text(".step")
    assert not visitor.is_visible("#login-hint")  # make run's servers open the trace pages

    first, second = click_subject(visitor, "war"), click_subject(visitor, "war")
    assert "Agatha Christie" in first["text"] and "Agatha Christie" in second["text"]
    assert first["memo"] in ("cache miss", "cache hit") and second["memo"] == "cache hit"
    assert second["trace_id"] != str(int("499602d2", 16)), "the API continued a trace the browser sent"

    trace_agent.wait_for_trace(second["trace_id"], joined(thinker_calls=1))
    visitor.goto(second["trace_url"])
    drawn = rows(visitor)
    assert drawn[0]["service"] == "thinker-api" and drawn[0]["parent"] == "0"
    assert {"thinker-api", "thinker-microservice", "redis"} <= {row["service"] for row in drawn}


def test_on_the_compose_like_stack_the_page_answers_and_its_trace_links_ask_for_a_login(visitor, browser_stack):
    visitor.goto(f"{browser_stack.api_url}/")
    assert visitor.is_visible("#login-hint")
    answer = click_subject(visitor, "peace")  # THINK_FAIL_SUBJECTS there: the error shows as one
    assert answer["text"].startswith("502 thinker_unavailable") and answer["memo"] == "error"
    visitor.goto(answer["trace_url"])
    assert "/admin/login/" in visitor.url
