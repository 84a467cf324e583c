"""The ``doudi`` console script: Django's manage command with doudi's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings.local")
    from django.core.management import execute_from_command_line

    from doudi.settings.env import ImproperlyConfiguredEnv

    try:
        execute_from_command_line(sys.argv)
    except (KeyboardInterrupt, SystemExit):
        raise
    except ImproperlyConfiguredEnv as exc:
        # A missing, weak or malformed setting: one line naming the cause and the fix.
        sys.stderr.write(f"doudi: cannot start: {exc}\n")
        sys.exit(2)
    except BrokenPipeError:
        # Piped into `head` and the like: stop quietly instead of a traceback. SIGPIPE keeps
        # Python's default (ignored): a server must survive a client that hangs up, so the
        # signal is never reset to SIG_DFL (that killed `doudi demo` when a browser closed a
        # connection early). The pattern is the one in Python's `signal` documentation.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        # Any error a command did not turn into its own message: one plain line, no traceback
        # (with --traceback, Django has already let the traceback through).
        if "--traceback" in sys.argv:
            raise
        command = sys.argv[1] if len(sys.argv) > 1 else "doudi"
        sys.stderr.write(
            f"doudi {command} failed ({type(exc).__name__}): run it again with --traceback to "
            "see where, and report it\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
