"""`doudi export`: one command for the results of several apps, so it sits in `web`, above them."""

import csv
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.assistance.actions import payment_batch
from doudi.identity.actions import persons_export_rows
from doudi.monitoring.selectors import warnings_export_rows


class Command(BaseCommand):
    help = (
        "Export results: `doudi export persons --out FILE.csv` (feed,record_key,person_key); "
        "`doudi export warnings --out FILE.csv` (hukou_no,score,level,reasons,probability); "
        "`doudi export payments --month YYYY-MM --out FILE.csv` (the month's bank file, "
        "docs/payments.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        persons = sub.add_parser("persons", help="record → person key of the current run")
        persons.add_argument("--out", required=True, type=Path)
        warnings = sub.add_parser("warnings", help="every open monitoring warning")
        warnings.add_argument("--out", required=True, type=Path)
        payments = sub.add_parser("payments", help="a month's payment batch (bank file)")
        payments.add_argument("--month", required=True, help="YYYY-MM")
        payments.add_argument("--out", required=True, type=Path)

    def handle(self, *args, what: str, out: Path, **options):
        if what == "warnings":
            return self._warnings(out)
        if what == "payments":
            return self._payments(options["month"], out)
        rows = persons_export_rows()
        if rows is None:
            raise CommandError("no identity-resolution run yet: run `doudi link` first")
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["feed", "record_key", "person_key"])
            writer.writerows(rows.itertuples(index=False, name=None))
        self.stdout.write(f"wrote {len(rows)} rows to {out}")

    def _warnings(self, out: Path):
        rows = warnings_export_rows()
        with open(out, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["hukou_no", "score", "level", "reasons", "probability"])
            writer.writerows(rows)
        self.stdout.write(f"wrote {len(rows)} rows to {out}")

    def _payments(self, month: str, out: Path):
        try:
            day = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(f"--month {month!r}: use the form YYYY-MM, e.g. 2024-06") from None
        batch = payment_batch(month=day)
        out.write_bytes(bytes(batch.content))
        self.stdout.write(f"wrote {batch.rows} rows to {out} (sha256 {batch.sha256})")
