"""``doudi register map-codes FILE.csv``: map community codes the reference table does not know
(``code,community_code`` rows) to communities; their households leave the unassigned community."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from doudi.registry.actions import community_codes_load


class Command(BaseCommand):
    help = "The register: `map-codes FILE.csv` maps unknown community codes (code,community_code)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        codes = sub.add_parser("map-codes", help="code,community_code rows")
        codes.add_argument("file", type=Path)

    def handle(self, *args, what: str, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            mapped, moved, problems = community_codes_load(path=file)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        for line, problem in problems:
            self.stderr.write(f"line {line}: {problem}")
        text = f"mapped {mapped} codes, {moved} households moved, {len(problems)} rows rejected"
        if not mapped:
            raise CommandError(f"{text}: nothing mapped — correct the rows and load again")
        self.stdout.write(text)
