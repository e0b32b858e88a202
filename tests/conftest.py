from collections.abc import Iterator

import pytest
from ddtrace.trace import tracer
from django.core.cache import cache

# Unit tests run in-process without ddtrace-run: they send no traces (the e2e tests trace real processes).
tracer.enabled = False


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
