from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.registry.actions import jurisdictions_load, register_import


class Command(BaseCommand):
    help = "Load a household-register (户籍) extract CSV into the register (loads the district tree first)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        jurisdictions_load()
        report = register_import(path=path)
        self.stdout.write(
            f"{report.rows} rows: {report.households_created} households and "
            f"{report.persons_created} people created, {report.persons_updated} updated, "
            f"{len(report.rejected)} rejected"
        )
        for line, reason in report.rejected[:20]:
            self.stdout.write(f"  line {line}: {reason}")
