import functools
import runpy
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from ddtrace.trace import tracer
from django.core.cache import cache as default_cache

if TYPE_CHECKING:
    from tests.stubs import StubServer

# The real processes tests/e2e boots (e2e_logs, redis_url, trace_agent, stack, dev_stack); perf/tests too.
pytest_plugins = ["harness.fixtures"]

cache: Any = default_cache  # django-redis's RedisCache (delete_pattern); django-stubs knows only BaseCache

# Unit tests run in-process without ddtrace-run: they send no traces (the e2e tests trace real processes).
tracer.enabled = False


# The test process group of the tests on the session's runserver pair (process_group).
DEV_STACK_GROUP = "dev_stack"


# The modules whose tests take longest (the fuzzer's run 20-55 s each, the queue's 8-20 s): first of all, so that
# no process is left working through one while the others have nothing (make test's --durations).
LONGEST_FIRST = {"test_fuzz.py"}


@pytest.hookimpl(tryfirst=True)  # before pytest's -m deselects, and before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what make test runs on both database engines, and what one test process runs together; the end-to-end
    tests first.

    First, because pytest-xdist hands each test process up to three tests ahead and the order is the collection's:
    a run that ended on end-to-end tests left two processes idle while the third worked through the 10-45 s tests
    it held; one that ends on the unit tests ends on work of milliseconds, spread over all three.
    """
    for item in items:
        if item.get_closest_marker("django_db") or "django_db_setup" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
        if item.get_closest_marker("xdist_group") is None and (group := process_group(item)):
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: ("e2e" not in item.path.parts, item.path.name not in LONGEST_FIRST))  # stable


def process_group(item: pytest.Item) -> str:
    """Which tests make test runs in one test process (pytest-xdist's loadgroup), so that what they share boots once:

    - those that share a module-scoped fixture (a stack booted for the module): their module and that fixture's
      parameter;
    - those on the session's runserver pair (`dev_stack`): runserver's autoreloader polls the tree every second
      for as long as the pair runs, so one process keeps one rather than each keeping its own.

    The rest ("") go wherever a process is free; each process boots the session's gunicorn stack once if it needs it.
    """
    definitions = getattr(item, "_fixtureinfo", None)
    if definitions is None:
        return ""
    names = getattr(item, "fixturenames", ())
    shared = sorted(
        name
        for name in names
        if any(d.scope in ("package", "module") for d in definitions.name2fixturedefs.get(name, ()))
    )
    if not shared:
        return DEV_STACK_GROUP if "dev_stack" in names else ""
    callspec = getattr(item, "callspec", None)
    indices = callspec.indices if callspec is not None else {}
    # No brackets: pytest-xdist reads a group from the id's last `@` only when no `]` follows it.
    return str(item.path.relative_to(item.config.rootpath)) + "".join(
        f":{name}={indices[name]}" for name in shared if name in indices
    )


@functools.cache
def thinker_settings() -> dict[str, Any]:
    """The thinker's settings module, read afresh as a thinker process reads it (SERVICE=thinker)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SERVICE", "thinker")
        patch.delitem(sys.modules, "thinkproject.settings.base")  # the API's, as the test settings loaded it
        return runpy.run_module("thinkproject.settings.thinker")


@pytest.fixture(autouse=True)
def _as_the_thinker(request: pytest.FixtureRequest) -> None:
    """`@pytest.mark.thinker`: the test runs as the thinker, with its service, URLconf and middleware."""
    if request.node.get_closest_marker("thinker") is None:
        return
    settings = request.getfixturevalue("settings")
    for name in ("SERVICE", "ROOT_URLCONF", "MIDDLEWARE"):
        setattr(settings, name, thinker_settings()[name])


@pytest.fixture
def clean_memo() -> Iterator[None]:
    """The real Redis, with this test run's key space empty before and after."""
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


@pytest.fixture
def redis_commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every command sent to the real Redis during the test, in order (a spy; the commands still run)."""
    import redis.client

    sent: list[tuple] = []
    execute = redis.client.Redis.execute_command

    def spy(self: redis.client.Redis, *args: object, **options: object) -> object:
        sent.append(args)
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.client.Redis, "execute_command", spy)
    return sent


@pytest.fixture
def stub_thinker(settings) -> Iterator["StubServer"]:
    """A real HTTP server standing in for the thinker; THINKER_URL points at it."""
    from tests.stubs import StubServer

    stub = StubServer().start()
    settings.THINKER_URL = stub.url
    yield stub
    stub.stop()


def closed_port() -> int:
    """A local port where nothing listens (connections are refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(clean_memo: None) -> Iterator[None]:
    """The cache points at a port where nothing listens, for the test only (clean_memo runs after)."""
    from django.conf import settings
    from django.test import override_settings

    from thoughts import memo

    dead = {"default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    limiter, memo.warn_redis_unavailable = memo.warn_redis_unavailable, memo._RateLimitedWarning()
    try:
        with override_settings(CACHES=dead):
            yield
    finally:
        memo.warn_redis_unavailable = limiter


@pytest.fixture(scope="session", autouse=True)
def _no_rethinks_left_queued() -> Iterator[None]:
    """Step 6 is the default: the tests' edits queue rethinks on the real broker, in the test settings' own queue,
    which no worker reads. Empty it when the run ends."""
    yield
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture
def queued_rethinks() -> Iterator[Callable[[], list[str]]]:
    """The test settings' own queue on the real broker, empty before and after the test: a reader of the subjects
    of the rethinks queued on it, in order (read from the messages as a worker would take them)."""
    import base64
    import json

    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    broker.delete(queue)

    def subjects() -> list[str]:
        messages = [json.loads(raw) for raw in reversed(broker.lrange(queue, 0, -1))]  # LPUSHed: the oldest last
        assert {message["headers"]["task"] for message in messages} <= {"thinker_app.tasks.rethink"}
        return [json.loads(base64.b64decode(message["body"]))[0][0] for message in messages]

    yield subjects
    broker.delete(queue)
