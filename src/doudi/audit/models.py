"""The append-only, hash-chained audit log.

Each entry's hash is an HMAC-SHA256, under a key kept outside the database
(``settings.DOUDI_AUDIT_KEYS``; the entry names its key id so keys can be rotated), of its own
fields and the previous entry's hash, and entries carry a gap-free sequence number; the chain head records the last sequence number and hash. Altering,
deleting or inserting a row anywhere breaks the chain at that entry, which
``doudi audit verify`` reports. The application has no code path that edits or deletes an entry:
``save()`` refuses updates, and ``delete()``/``update()`` refuse on instances and querysets.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries cannot be changed")


class AuditEntry(models.Model):
    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Success")
        DENIED = "denied", _("Denied")
        FAILURE = "failure", _("Failure")

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # Plain values rather than a foreign key: an entry must not change when a user does.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True, default="")
    actor_role = models.CharField(max_length=32, blank=True, default="")
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.CharField(max_length=45, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Which audit key signed this entry ("" only on entries written before the chain was keyed).
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    def compute_hash(self, key: bytes) -> str:
        """HMAC-SHA256 of the entry's canonical form under ``key`` (the key of ``key_id``)."""
        return hmac.new(key, self.canonical().encode(), hashlib.sha256).hexdigest()

    def compute_unkeyed_hash(self) -> str:
        """The hash of entries written before the chain was keyed (SHA-256, no key)."""
        return hashlib.sha256(self.canonical(legacy=True).encode()).hexdigest()

    def canonical(self, *, legacy: bool = False) -> str:
        payload = [
            self.seq,
            self.at.isoformat(timespec="microseconds"),
            self.actor_id,
            self.actor_name,
            self.actor_role,
            self.action,
            self.object_type,
            self.object_id,
            self.outcome,
            self.detail,
            self.ip,
            self.prev_hash,
        ]
        if not legacy:
            payload.append(self.key_id)
        return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash, locked while an entry is appended."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"
