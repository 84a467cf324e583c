from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.audit.actions import audit_record
from doudi.web.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore an encrypted backup written by `doudi backup` (key DOUDI_BACKUP_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to restore")
        parser.add_argument(
            "--replace", action="store_true", help="overwrite a database that holds data"
        )

    def handle(self, *args, file: str, replace: bool, **options):
        try:
            manifest = restore(Path(file), replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        audit_record(action="backup.restore", object_type="backup", detail=manifest)
        self.stdout.write(f"backup restored: {Path(file).name}")
