"""``doudi monitor [--as-of YYYY-MM-DD] [--backend duckdb|spark]``: run monitoring and update
warnings. ``doudi monitor schedule`` starts the daily run (02:00 Asia/Shanghai);
``doudi monitor outcomes-import FILE.csv`` loads home-visit outcomes (columns
``hukou_no,visited_on,hardship_confirmed``, optionally ``random`` and ``selection_probability``
for random verification visits, whose outcomes the model weighs by 1 / probability)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doudi.common.progress import progress_bar
from doudi.monitoring.actions import (
    BACKENDS,
    RunFailed,
    RunInputMissing,
    monitoring_run,
    visit_outcomes_import,
)
from doudi.monitoring.models import WarningChange


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of must be a date YYYY-MM-DD, not {text!r}") from None


def feed_lines(feeds: list[dict]) -> list[str]:
    """The run's summary of the feeds its policy reads that are missing, late or partial:
    one line each, with the estimated change of recall and precision and the share of confirmed hardship
    resting on the feed when known; nothing when every feed is fine."""
    lines = []
    for f in feeds:
        status = f.get("status")
        if status == "ok":
            continue
        if status == "missing":
            what = "no data delivered"
        elif status == "late":
            what = (
                f"newest data {f.get('newest') or '—'}, last delivered "
                f"{f.get('delivered') or '—'} (freshness limit {f.get('freshness_days')} days)"
            )
        else:
            what = f"covers from {f.get('oldest')} only, read from {f.get('needed_from')}"
        n = len(f.get("items") or [])
        line = f"feed {status}: {f['feed']} — {what}; {n} indicator{'s' if n != 1 else ''} read it"
        if f.get("recall_cost"):
            ra, rw = f["recall_cost"]
            pa, pw = f.get("precision_change") or (0.0, 0.0)
            line += (
                f"; estimated change without it: recall {ra:+.1f} / {rw:+.1f} pts, precision "
                f"{pa:+.1f} / {pw:+.1f} pts (all levels / 预警 and above; measured on the "
                "synthetic test district)"
            )
        if f.get("confirmed_share") is not None:
            line += f"; {f['confirmed_share']:.0%} of confirmed hardship warned on its data"
        lines.append(line)
    return lines


class Command(BaseCommand):
    help = "Run monitoring and update warnings (or: schedule, outcomes-import FILE.csv)."
    # A batch job: Django's system checks (they import every URL module and view, seconds on
    # a busy server) are for `doudi check` and the web server, not for each run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="score as of this date (default: today, Asia/Shanghai)",
        )
        parser.add_argument("--backend", choices=BACKENDS, default=None)
        sub = parser.add_subparsers(dest="what", required=False)
        sub.add_parser("schedule", help="enqueue the daily run at 02:00 Asia/Shanghai")
        outcomes = sub.add_parser(
            "outcomes-import",
            help="hukou_no,visited_on,hardship_confirmed rows; optional columns random "
            "(true/false) and selection_probability (a random verification visit's chance of "
            "being drawn, in (0, 1]; blank for a visit down the queue)",
        )
        outcomes.add_argument("file", type=Path)
        outcomes.add_argument(
            "--rejects",
            type=Path,
            default=None,
            help="where to list the rows not recorded (default: FILE.rejects.csv beside it)",
        )

    def handle(
        self, *args, as_of: str | None, backend: str | None, what: str | None = None, **options
    ):
        if what == "schedule":
            return self._schedule()
        if what == "outcomes-import":
            return self._outcomes(options["file"], options.get("rejects"))
        day = _date(as_of) if as_of else None
        with progress_bar(total=100, unit="%", desc="monitor") as bar:
            try:
                run = monitoring_run(
                    actor=None,
                    as_of=day,
                    backend=backend,
                    progress=lambda percent, stage: bar.update(percent - bar.n),
                )
            except RunFailed as exc:
                cause = exc.__cause__
                if isinstance(cause, RunInputMissing):
                    message = f"monitoring failed: {exc.run.error}"
                else:
                    message = (
                        f"monitoring failed ({exc.run.error}): run again with --traceback to see "
                        "where, and report it"
                    )
                raise CommandError(f"{message}; the previous warnings stay in force") from (
                    cause if options.get("traceback") else None
                )
        counts = run.counts
        levels = ", ".join(f"{level}={n}" for level, n in counts.get("levels", {}).items())
        changes = counts.get("changes", {})
        self.stdout.write(
            f"run {run.pk} as of {run.as_of} (policy v{run.policy_version.number}, "
            f"{run.backend}): {counts.get('households_scored', 0)} households scored, "
            f"{counts.get('warned', 0)} warned ({levels or 'none'})"
        )
        self.stdout.write(
            "changes: "
            + ", ".join(
                f"{kind}={changes.get(kind, 0)}"
                for kind in (
                    WarningChange.Kind.NEW,
                    WarningChange.Kind.ESCALATED,
                    WarningChange.Kind.EASED,
                    WarningChange.Kind.RESOLVED,
                    WarningChange.Kind.REOPENED,
                )
            )
        )
        model = counts.get("model") or {}
        if model.get("retrained") and model.get("version") and model.get("promoted") is False:
            self.stdout.write(
                f"statistical model retrained on {model.get('outcomes', 0)} home-visit outcomes: "
                f"version {model['version']} not promoted ({(model.get('gate') or {}).get('reason')})"
                f"; this run's scores use version {run.model_version or 'none'}"
            )
        elif model.get("retrained") and model.get("version"):
            self.stdout.write(
                f"statistical model retrained on {model.get('outcomes', 0)} home-visit outcomes: "
                f"version {model['version']} (previous: {model.get('previous_version') or 'none'})"
                ", used for this run's scores"
            )
        elif run.model_version:
            self.stdout.write(f"statistical model: version {run.model_version}")
        for line in feed_lines(counts.get("feeds") or []):
            self.stdout.write(line)
        self._unassigned()
        if counts.get("unregistered"):
            self.stdout.write(
                f"not in the register: {counts['unregistered']} warned households "
                "(no warning made; load the household register)"
            )

    def _unassigned(self):
        """Households waiting in the unassigned community are monitored like the others: say
        how many, and how many are warned, until their codes are mapped."""
        from doudi.monitoring.models import Warning
        from doudi.registry.models import UNASSIGNED_COMMUNITY_SUFFIX, Household

        waiting = Household.objects.filter(
            community__level="community", community__code__endswith=UNASSIGNED_COMMUNITY_SUFFIX
        )
        total = waiting.count()
        if not total:
            return
        warned = Warning.objects.filter(status="open", household__in=waiting).count()
        codes = sorted(set(waiting.values_list("registered_community_code", flat=True)))
        self.stdout.write(
            f"unassigned community: {total} households monitored, {warned} warned (community "
            f"codes not in the reference table: {', '.join(c or '(blank)' for c in codes)}) — "
            "map them with `doudi register map-codes FILE` or on /households/codes/"
        )

    def _schedule(self):
        from doudi.monitoring.tasks import daily_schedule_ensure

        due = daily_schedule_ensure()
        if due is None:
            self.stdout.write("the daily monitoring run is already scheduled")
        else:
            self.stdout.write(f"daily monitoring scheduled: next run {due.isoformat()}")

    def _outcomes(self, path: Path, rejects: Path | None):
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        try:
            report = visit_outcomes_import(path=path)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        rejects = rejects or path.with_name(f"{path.stem}.rejects.csv")
        if report.problems:
            with open(rejects, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["line", "reason"])
                writer.writerows(report.problems)
        text = f"recorded {report.recorded} visit outcomes, {len(report.problems)} rows rejected"
        if report.problems:
            text += f" (listed with their reasons in {rejects})"
        if not report.recorded:
            raise CommandError(f"{text}: nothing recorded — correct the rows and import again")
        self.stdout.write(
            text + "; the next monitoring run retrains the statistical model on them first and "
            "scores with it"
        )
