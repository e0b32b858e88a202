#!/usr/bin/env python
"""Django's command-line utility; the service comes from SERVICE (api, the default, or thinker)."""

import os
import sys

from core.service import service_from


def main() -> None:
    try:
        service = service_from()
    except ValueError as error:
        sys.exit(str(error))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", service.settings_module)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
