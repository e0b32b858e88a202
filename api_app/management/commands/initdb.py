import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# What createsuperuser reads in non-interactive mode (the email is one of the user model's required fields).
SUPERUSER_VARIABLES = ("DJANGO_SUPERUSER_USERNAME", "DJANGO_SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_EMAIL")


class Command(BaseCommand):
    help = (
        "Migrate the database, then create the admin user from DJANGO_SUPERUSER_USERNAME / "
        "DJANGO_SUPERUSER_PASSWORD / DJANGO_SUPERUSER_EMAIL when they are set and the user does not exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--require-superuser",
            action="store_true",
            help="Fail, saying what to set, when the variables do not name a user (make superuser with no terminal).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        if options["require_superuser"] and (
            missing := [name for name in SUPERUSER_VARIABLES if not os.environ.get(name)]
        ):
            raise CommandError(
                f"No {' and no '.join(missing)}: set {', '.join(SUPERUSER_VARIABLES)} in .env (or run make superuser "
                "in a terminal, which asks)."
            )
        if not username:
            self.stdout.write("No DJANGO_SUPERUSER_USERNAME: no admin user created.")
            return
        if not os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stderr.write(
                "DJANGO_SUPERUSER_USERNAME is set without DJANGO_SUPERUSER_PASSWORD: no admin user created."
            )
            return
        if get_user_model().objects.filter(username=username).exists():
            self.stdout.write(f"Admin user {username!r} already exists.")
            return
        # createsuperuser reads the password and email from DJANGO_SUPERUSER_* in non-interactive mode.
        call_command("createsuperuser", interactive=False, username=username, verbosity=options["verbosity"])
        self.stdout.write(f"Admin user {username!r} created.")
