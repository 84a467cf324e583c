from django.core.management.base import BaseCommand, CommandError

from doudi.identity.actions import link_run


class Command(BaseCommand):
    help = "Identity resolution over the lake: link every record into persons."

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
        try:
            run = link_run(backend=backend, threshold=threshold, retrain=retrain)
        except Exception as exc:
            raise CommandError(
                f"linking failed ({type(exc).__name__}): run again with --traceback to see where, "
                "and report it; the previous persons stay in force"
            ) from (exc if options.get("traceback") else None)
        seconds = sum(run.timings.values()) if run.timings else 0
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
