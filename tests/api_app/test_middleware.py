"""The admin's session, auth and message middleware run everywhere on the API but /think/."""

import pytest
from django.core import checks
from django.http import HttpRequest, HttpResponse

from api_app.middleware import AdminAuthenticationMiddleware, AdminMessageMiddleware, AdminSessionMiddleware


@pytest.mark.parametrize(("path", "runs"), [("/think/", False), ("/admin/", True), ("/", True), ("/traces/", True)])
def test_the_admins_middleware_skips_only_the_think_path(rf, path, runs):
    seen = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(
            session=hasattr(request, "session"), user=hasattr(request, "user"), messages=hasattr(request, "_messages")
        )
        return HttpResponse()

    AdminSessionMiddleware(AdminAuthenticationMiddleware(AdminMessageMiddleware(view)))(
        rf.get(path, {"subject": "war"})
    )
    assert seen == {"session": runs, "user": runs, "messages": runs}


def test_the_admins_system_checks_still_find_its_middleware():
    assert checks.run_checks(tags=[checks.Tags.admin]) == []
