import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

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
