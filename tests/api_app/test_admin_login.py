"""The admin's login is throttled (django-axes, thinkproject/settings/api.py): repeated wrong passwords for one
user from one address lock that pair out for AXES_COOLOFF_MINUTES, even with the right password."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "the-right-password"


@pytest.fixture
def staff() -> User:
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True, is_superuser=True)


def log_in(client, password: str, address: str = "203.0.113.7", username: str = "ada"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_twenty_wrong_passwords_then_the_right_one_is_refused(client, staff, settings):
    statuses = [log_in(client, f"guess-{n}").status_code for n in range(20)]
    # The form again for the first four; the fifth failure locks the pair out, and it stays out.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * (21 - settings.AXES_FAILURE_LIMIT)

    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert b"too many login attempts" in response.content
    assert not logged_in(client)


def test_the_lockout_is_for_that_user_at_that_address_only(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"guess-{n}", address="203.0.113.7")
    assert log_in(client, PASSWORD, address="198.51.100.9").status_code == 302  # the admin, from elsewhere
    assert logged_in(client)


def test_a_forwarded_for_header_does_not_change_the_address_counted(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "ada", "password": f"guess-{n}"}, REMOTE_ADDR="203.0.113.7",
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")  # fmt: skip
    assert log_in(client, PASSWORD, address="203.0.113.7").status_code == 429


def test_a_success_before_the_limit_starts_the_count_again(client, staff, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"guess-{n}")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, f"guess-again-{n}")
    assert log_in(client, PASSWORD).status_code == 302
