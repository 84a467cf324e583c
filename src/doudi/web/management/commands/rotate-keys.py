"""`doudi rotate-keys`: re-encrypt field-encrypted values under the newest key, in batches.

Put the new key first in DOUDI_FIELD_ENCRYPTION_KEYS (keep the old ones after it), then run
this. It is safe to interrupt and to run again: values already under the new key are skipped.
The ID-number look-up index (keyed by the newest key) is rebuilt too. When it reports nothing
left to rewrite, the old keys can be removed.
"""

from django.core.management.base import BaseCommand, CommandError

from doudi.audit.actions import audit_record
from doudi.privacy.rotation import encrypted_columns, reencrypt_column
from doudi.registry.actions import persons_reindex


class Command(BaseCommand):
    help = "Re-encrypt field-encrypted values under the newest field-encryption key (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        total_rewritten = 0
        for model, column in encrypted_columns():
            count = reencrypt_column(
                model, column, batch_size=batch_size, after_batch=self._after_batch
            )
            total_rewritten += count.rewritten
            self.stdout.write(
                f"{count.table}.{count.column}: {count.checked} checked, "
                f"{count.rewritten} re-encrypted"
            )
        reindexed = persons_reindex(batch_size=batch_size, after_batch=self._after_batch)
        self.stdout.write(f"ID-number index: {reindexed} rebuilt")
        audit_record(
            action="keys.rotate",
            object_type="field_encryption",
            detail={"reencrypted": total_rewritten, "reindexed": reindexed},
        )

    def _after_batch(self, done: int) -> None:
        """Called after each committed batch (a test interrupts here)."""
