import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_initdb_creates_the_admin_user_from_the_environment_once(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ada@example.com")
    call_command("initdb", verbosity=0)
    call_command("initdb", verbosity=0)  # a second start finds the user and leaves it be
    user = get_user_model().objects.get(username="ada")
    assert user.is_superuser and user.email == "ada@example.com"
    assert user.check_password("correct horse battery staple")


@pytest.mark.parametrize("missing", ["DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD"])
def test_initdb_without_a_username_or_password_creates_no_user(monkeypatch, missing):
    """Everything else set: only the missing credential stands between initdb and a user."""
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ada@example.com")
    monkeypatch.delenv(missing)
    call_command("initdb", verbosity=0)
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    "missing", ["DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL"]
)
def test_make_superuser_without_a_terminal_fails_naming_what_to_set(monkeypatch, missing):
    # The Makefile's path with no terminal to ask on: `initdb --require-superuser` reads .env's variables.
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ada@example.com")
    monkeypatch.delenv(missing)
    with pytest.raises(CommandError, match=f"^No {missing}: set DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD"):
        call_command("initdb", "--require-superuser", verbosity=0)
    assert not get_user_model().objects.exists()


def test_make_superuser_without_a_terminal_creates_the_user_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "ada")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ada@example.com")
    call_command("initdb", "--require-superuser", verbosity=0)
    assert get_user_model().objects.get(username="ada").check_password("correct horse battery staple")
