"""The API runs Django's own session, auth and message middleware: the admin's checks find them as Django ships them."""

from django.core import checks


def test_the_admins_system_checks_find_its_middleware():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []
