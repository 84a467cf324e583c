"""``doudi ingest PATH... [--json]``: ingest feed files or folders; one IngestRun per file.
``doudi ingest --confirm RUN`` / ``--withdraw RUN``: decide a snapshot held for confirmation."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doudi.common.progress import progress_bar
from doudi.intake.actions import (
    expand_paths,
    held_run_decide,
    ingest_path,
    runs_mark_interrupted,
)
from doudi.intake.models import IngestRun
from doudi.registry.actions import register_report_line


class Command(BaseCommand):
    help = "Ingest department feed files or folders (CSV, XLSX, JSON Lines, Parquet)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path)
        decide = parser.add_mutually_exclusive_group()
        decide.add_argument(
            "--confirm", type=int, metavar="RUN", help="put a held snapshot delivery in force"
        )
        decide.add_argument(
            "--withdraw", type=int, metavar="RUN", help="drop a held snapshot delivery"
        )
        parser.add_argument("--json", action="store_true", help="print a JSON report")
        parser.add_argument("--feed", default="", help="feed id (default: detect per file)")

    def handle(self, *args, paths: list[Path], json: bool, feed: str, **options):
        decided = options.get("confirm") or options.get("withdraw")
        if decided:
            return self._decide(decided, confirm=bool(options.get("confirm")))
        if not paths:
            raise CommandError(
                "no files given: name the feed files or folders to ingest "
                "(or --confirm/--withdraw RUN for a held snapshot)"
            )
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        runs_mark_interrupted()
        files = expand_paths(paths)
        if not files:
            raise CommandError("no feed files found (.csv, .xlsx, .jsonl, .parquet)")
        report = []
        for path in files:
            with progress_bar(unit="行", desc=path.name[:30], leave=False) as bar:
                run = ingest_path(
                    path=path, feed_id=feed, progress=lambda done: bar.update(done - bar.n)
                )
            report.append(_summary(path, run))
            if not json:
                self.stdout.write(_line(report[-1]))
                if run.status == IngestRun.Status.HELD:
                    self.stdout.write(
                        f"  held, the previous snapshot stays in force: {run.hold_reason} — "
                        f"confirm with `doudi ingest --confirm {run.pk}` or withdraw with "
                        f"`doudi ingest --withdraw {run.pk}`"
                    )
                if (run.flags or {}).get("register"):
                    self.stdout.write("  " + register_report_line(run.flags["register"]))
        if json:
            self.stdout.write(_json_dumps(report))
        failed = [r for r in report if r["status"] == IngestRun.Status.FAILED]
        if failed:
            first = failed[0]
            others = len(report) - len(failed)
            raise CommandError(
                f"{len(failed)} of {len(report)} files failed"
                + (f" (the other {others} are in)" if others else "")
                + f"; {first['file']}: {first['message'] or first['error']}"
                + (" — and more, each named above" if len(failed) > 1 else "")
            )

    def _decide(self, run_id: int, *, confirm: bool):
        run = IngestRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"no delivery {run_id}: see the run numbers `doudi ingest` printed")
        try:
            held_run_decide(actor=None, run=run, confirm=confirm)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        verb = "confirmed: now in force" if confirm else "withdrawn: the previous snapshot stays"
        self.stdout.write(f"delivery {run.pk} ({run.feed_id}) {verb}")
        if (run.flags or {}).get("register"):
            self.stdout.write("  " + register_report_line(run.flags["register"]))


def _json_dumps(report) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def _summary(path: Path, run: IngestRun) -> dict:
    return {
        "file": str(path),
        "feed": run.feed_id,
        "status": run.status,
        "run": run.pk,
        "rows_read": run.rows_read,
        "accepted": run.accepted,
        "quarantined": run.quarantined,
        "written": run.written,
        "duplicates": run.duplicates,
        "flags": run.flags,
        "error": run.error_code,
        "message": run.error_message,
        "hold": run.hold_reason,
        "seconds": round(run.seconds or 0.0, 3),
    }


def _line(s: dict) -> str:
    text = (
        f"{s['file']}: {s['feed'] or '?'} {s['status']} read={s['rows_read']} "
        f"accepted={s['accepted']} quarantined={s['quarantined']} written={s['written']} "
        f"duplicates={s['duplicates']} ({s['seconds']} s)"
    )
    if s["error"]:
        text += f" — {s['error']}: {s['message']}"
    unknown = (s["flags"] or {}).get("unknown_headers")
    if unknown:
        text += f"; columns not recognised (ignored): {', '.join(unknown)}"
    return text
