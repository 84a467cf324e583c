"""The ``doudi`` console script: Django's manage command with doudi's settings."""

import os
import signal
import sys


def main() -> None:
    # Piped into `head` and the like, stop quietly instead of a BrokenPipeError traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
