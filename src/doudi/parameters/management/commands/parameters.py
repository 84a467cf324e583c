"""`doudi parameters seed [--area 420106] [--from 2024-01-01]`: add the POLICY.md defaults the
area lacks (idempotent; the migration seeds Wuchang already). `doudi parameters show [--area]
[--date]`: print the parameters in force with their versions and sources."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from doudi.parameters import actions
from doudi.parameters.api import rows_in_force
from doudi.parameters.specs import DEFAULT_FROM, SPECS, WUCHANG
from doudi.parameters.units import display


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Programme parameters: seed the POLICY.md defaults for an area, or show those in force."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="add the defaults the area lacks")
        seed.add_argument("--area", default=WUCHANG)
        seed.add_argument("--from", dest="effective_from", default=DEFAULT_FROM.isoformat())
        show = sub.add_parser("show", help="print the parameters in force")
        show.add_argument("--area", default=WUCHANG)
        show.add_argument("--date", default="")

    def handle(self, *args, action, area, **options):
        if not area.isdigit() or not 2 <= len(area) <= 12:
            raise CommandError(f"not an area code: {area}")
        if action == "seed":
            added = actions.parameters_seed(area, _date(options["effective_from"]))
            self.stdout.write(f"{len(added)} parameters added for {area}")
            return
        day = _date(options["date"]) if options["date"] else timezone.localdate()
        rows = rows_in_force(area, day)
        for spec in SPECS:
            row = rows.get(spec.name)
            if row is None:
                self.stdout.write(f"{spec.name}\t-")
            else:
                self.stdout.write(
                    f"{spec.name}\t{display(spec, row.value)}\t{row.version}\t{row.source}"
                )
