from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.common.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Write a synthetic district (Wuchang-like): the household-register extract under "
        "DIR/feeds/ and hidden ground truth under DIR/truth/. Deterministic by seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="output folder")
        parser.add_argument("--households", type=int, default=130_000)
        parser.add_argument("--seed", type=int, default=20261129)

    def handle(self, *args, out: Path, households: int, seed: int, **options):
        from doudi.synth import generate

        if households < 1:
            raise CommandError("--households must be at least 1")
        with progress_bar(total=households, unit="户", desc="synth") as bar:
            summary = generate(
                out,
                households=households,
                seed=seed,
                progress=lambda done, total: bar.update(done - bar.n),
            )
        self.stdout.write(
            f"wrote {summary.households} households, {summary.persons} people to {out} "
            f"in {summary.seconds:.1f} s"
        )
