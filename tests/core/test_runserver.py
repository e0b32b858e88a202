"""thinkproject's runserver shadows Django's and staticfiles', and keeps the options of the one it wraps."""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.core.management import get_commands, load_command_class

from core.management.commands.runserver import JSONErrorWSGIServer


def test_the_apis_runserver_is_ours_wrapping_staticfiles_with_its_options():
    assert get_commands()["runserver"] == "core"
    command = load_command_class("core", "runserver")
    assert isinstance(command, StaticfilesRunserver)
    assert command.server_cls is JSONErrorWSGIServer
    options = command.create_parser("manage.py", "runserver").parse_args(["--insecure", "--nostatic"])
    assert options.insecure_serving is True
    assert options.use_static_handler is False
