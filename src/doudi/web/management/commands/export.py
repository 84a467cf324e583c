"""`doudi export`: one command for the results of several apps, so it sits in `web`, above them."""

import csv
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.assistance.actions import payment_batch
from doudi.identity.actions import persons_export_rows
from doudi.integrity.export import credit_export, credit_resend, file_names
from doudi.integrity.models import CreditExport
from doudi.monitoring.selectors import warnings_export_rows


class Command(BaseCommand):
    help = (
        "Export results: `doudi export persons --out FILE.csv` (feed,record_key,person_key); "
        "`doudi export warnings --out FILE.csv` (hukou_no,score,level,reasons,probability); "
        "`doudi export payments --month YYYY-MM --out FILE.csv` (the month's bank file, "
        "docs/payments.md); "
        "`doudi export credit --since YYYY-MM-DD --out DIR` (records for the credit-information "
        "sharing platform, JSON and CSV, docs/credit-export.md; `--resend N` writes batch N again)."
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
        credit = sub.add_parser("credit", help="credit records for the sharing platform")
        credit.add_argument("--since", help="YYYY-MM-DD: records decided or repaired from then")
        credit.add_argument("--resend", type=int, help="write batch N again, byte for byte")
        credit.add_argument("--out", required=True, type=Path, help="a directory")

    def handle(self, *args, what: str, out: Path, **options):
        if what == "warnings":
            return self._warnings(out)
        if what == "payments":
            return self._payments(options["month"], out)
        if what == "credit":
            return self._credit(options["since"], options["resend"], out)
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

    def _credit(self, since: str | None, resend: int | None, out: Path):
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out {out}: is a file; give a directory for the two files")
        if resend is not None:
            export = CreditExport.objects.filter(pk=resend).first()
            if export is None:
                raise CommandError(f"--resend {resend}: no such batch; `doudi export credit` lists")
            export = credit_resend(export=export, made_by="doudi export credit")
        else:
            if not since:
                raise CommandError("--since is required, e.g. --since 2026-01-01 (or --resend N)")
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(
                    f"--since {since!r}: use the form YYYY-MM-DD, e.g. 2026-01-01"
                ) from None
            export = credit_export(since=day, made_by="doudi export credit")
        out.mkdir(parents=True, exist_ok=True)
        json_name, csv_name = file_names(export)
        (out / json_name).write_bytes(bytes(export.json_content))
        (out / csv_name).write_bytes(bytes(export.csv_content))
        self.stdout.write(
            f"batch {export.pk}: wrote {export.records} records to {out / json_name} and "
            f"{out / csv_name} (format {export.format_version}, sha256 {export.sha256})"
        )
