from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from doudi.audit.actions import audit_record
from doudi.web.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (database, lake, results, private files, audit anchors) "
        "to --out, with the key DOUDI_BACKUP_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the archive to write")

    def handle(self, *args, out: str, **options):
        try:
            manifest = backup(Path(out))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        audit_record(action="backup.write", object_type="backup", detail=manifest)
        folders = ", ".join(manifest["folders"]) or "database only"
        self.stdout.write(f"backup written: {Path(out).name} ({folders})")
