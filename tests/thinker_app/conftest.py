import pytest

from thinker_app import services


@pytest.fixture
def think_delay() -> float:
    """THINK_DELAY_SECONDS for the test; a module overrides this fixture for longer pauses."""
    return 0.01


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch, settings, think_delay: float) -> list[float]:
    """Every pause think takes; the pauses still happen, only shorter."""
    settings.THINK_DELAY_SECONDS = think_delay
    taken: list[float] = []
    real_sleep = services.sleep

    def spy(seconds: float) -> None:
        taken.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(services, "sleep", spy)
    return taken
