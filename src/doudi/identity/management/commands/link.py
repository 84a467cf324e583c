import time

from django.core.management.base import BaseCommand, CommandError

from doudi.identity.actions import link_run


class Command(BaseCommand):
    help = "Identity resolution over the lake: link every record into persons."
    # A batch job: Django's system checks (they import every URL module and view, seconds on
    # a busy server) are for `doudi check` and the web server, not for each run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--backend", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="match probability threshold (default: settings)",
        )
        parser.add_argument(
            "--retrain",
            action="store_true",
            help="estimate the model again instead of reusing the current one",
        )

    def handle(self, *args, backend: str, threshold: float | None, retrain: bool, **options):
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1")
        self.stderr.write("linking … (training and prediction, this takes a while)")
        started = time.perf_counter()
        try:
            run = link_run(backend=backend, threshold=threshold, retrain=retrain)
        except Exception as exc:
            raise CommandError(
                f"linking failed ({type(exc).__name__}): run again with --traceback to see where, "
                "and report it; the previous persons stay in force"
            ) from (exc if options.get("traceback") else None)
        seconds = time.perf_counter() - started  # wall time, what the operator waited
        self.stdout.write(
            f"run {run.pk}: {run.records} records → {run.persons} persons, "
            f"{run.review_count} pairs for review ({seconds:.1f} s)"
        )
        fallback = (run.model or {}).get("doudi_fallback")
        if fallback:
            self.stdout.write(
                "warning: the model could not be fitted for "
                f"{', '.join(fallback)} (too few record pairs, as in a small district); fixed "
                "m-probabilities were used — review the uncertain pairs, and run "
                "`doudi link --retrain` once more data has arrived"
            )
