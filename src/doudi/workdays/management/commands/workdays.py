"""``doudi workdays seed``: add the tables of every year the installed chinesecalendar
package covers and the database lacks (years already present are left as they are)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from doudi.workdays.actions import holiday_years_seed, package_tables


class Command(BaseCommand):
    help = "Holiday calendar: seed years from the chinesecalendar package."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("seed", help="add the years the chinesecalendar package covers")

    def handle(self, *args, what: str, **options):
        version, tables = package_tables()
        if not tables:
            raise CommandError("the chinesecalendar package is not installed: pip install it")
        added = holiday_years_seed()
        covered = f"{min(tables)}–{max(tables)}"
        if added:
            self.stdout.write(
                f"added {len(added)} years ({added[0]}–{added[-1]}) from chinesecalendar "
                f"{version}, which covers {covered}"
            )
        else:
            self.stdout.write(f"nothing to add: chinesecalendar {version} covers {covered}")
