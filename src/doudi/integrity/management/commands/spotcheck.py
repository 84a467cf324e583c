"""`doudi spotcheck`: make a sampling plan (its frame frozen) and draw samples from it."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doudi.integrity import spotcheck
from doudi.integrity.models import SpotCheckPlan


class Command(BaseCommand):
    help = (
        "Random spot checks: `doudi spotcheck plan --name NAME --ratio 0.3 [--programme tekun]` "
        "freezes the frame; `doudi spotcheck draw --plan NAME --seed S --out F.csv` prints and "
        "writes the sample (the same plan and seed always give the same sample)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        plan = sub.add_parser("plan", help="make a sampling plan; the frame is frozen now")
        plan.add_argument("--name", required=True)
        plan.add_argument("--ratio", required=True, help="share to draw per stratum, e.g. 0.3")
        plan.add_argument("--programme", default="", help="only this programme (e.g. tekun)")
        draw = sub.add_parser("draw", help="draw the sample of a plan with a seed")
        draw.add_argument("--plan", required=True)
        draw.add_argument("--seed", required=True)
        draw.add_argument("--out", required=True, type=Path)

    def handle(self, *args, what: str, **options):
        try:
            if what == "plan":
                made = spotcheck.plan_create(
                    name=options["name"],
                    ratio=options["ratio"],
                    programme=options["programme"],
                    made_by="doudi spotcheck",
                )
                self.stdout.write(
                    f"plan {made.name}: {len(made.frame)} households in the frame, "
                    f"{len(made.inspectors)} inspectors, ratio {Decimal(made.ratio).normalize()}"
                )
                return
            plan = SpotCheckPlan.objects.filter(name=options["plan"]).first()
            if plan is None:
                raise CommandError(
                    f"--plan {options['plan']!r}: no such plan; make it with `doudi spotcheck plan`"
                )
            _made, rows = spotcheck.draw(plan=plan, seed=options["seed"], made_by="doudi spotcheck")
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        lines = spotcheck.csv_rows(rows)
        with open(options["out"], "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(spotcheck.CSV_HEADER)
            writer.writerows(lines)
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(spotcheck.CSV_HEADER)
        out.writerows(lines)
        self.stdout.write(
            f"drew {len(lines)} of {len(plan.frame)} (plan {plan.name}, seed "
            f"{options['seed']}); wrote {options['out']}"
        )
