"""Refuse: doudi has no superuser (三权分立). ``doudi bootstrap`` creates the first accounts."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled: doudi has no superuser; use `doudi bootstrap` for the first accounts."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--database")

    def handle(self, *args, **options):
        raise CommandError(
            "doudi has no superuser: run `doudi bootstrap` for the first administrator and "
            "security officer, then manage accounts at /accounts/users/."
        )
