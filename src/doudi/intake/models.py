"""Records of deliveries (IngestRun) and of the rows kept aside (QuarantinedRow).

The data itself lives in the engine's lake; the application keeps run records and quarantine.
Quarantined rows hold residents' data as delivered, so the raw row is encrypted at rest.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.privacy.fields import EncryptedTextField


class IngestRun(models.Model):
    class Channel(models.TextChoices):
        CLI = "cli", _("Command line")
        UPLOAD = "upload", _("Upload page")
        API = "api", _("Push API")
        RESUBMIT = "resubmit", _("Corrected rows")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        INGESTED = "ingested", _("Ingested")
        DUPLICATE = "duplicate", _("Already delivered")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")
        HELD = "held", _("Needs confirmation")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    feed_id = models.CharField(_("feed"), max_length=64, blank=True, default="", db_index=True)
    department = models.CharField(_("department"), max_length=32, blank=True, default="")
    source_name = models.CharField(_("file"), max_length=255)
    content_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    rows_read = models.PositiveBigIntegerField(default=0)
    accepted = models.PositiveBigIntegerField(default=0)
    quarantined = models.PositiveBigIntegerField(default=0)
    written = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    flags = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=32, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    upload_path = models.CharField(max_length=500, blank=True, default="")
    # a snapshot held for confirmation: why (the previous snapshot stays in force meanwhile)
    hold_code = models.CharField(max_length=32, blank=True, default="")
    hold_reason = models.CharField(max_length=500, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run #{self.pk} {self.feed_id or '?'} {self.status}"

    @property
    def source_file(self) -> str:
        """The delivered file's name only: never a server path (issue 12, F10)."""
        return re.split(r"[\\/]", self.source_name)[-1]

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def done(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class QuarantinedRow(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESUBMITTED = "resubmitted", _("Corrected and resubmitted")

    run = models.ForeignKey(IngestRun, on_delete=models.PROTECT, related_name="quarantine")
    feed_id = models.CharField(max_length=64, db_index=True)
    line = models.IntegerField(null=True, blank=True)
    sheet = models.CharField(max_length=64, blank=True, default="")
    field = models.CharField(max_length=64, blank=True, default="")
    reason_code = models.CharField(max_length=32, db_index=True)
    reason_zh = models.CharField(max_length=255)
    reason_en = models.CharField(max_length=255)
    raw = EncryptedTextField()  # JSON object: original header → original cell text
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.PROTECT, related_name="resolves"
    )

    class Meta:
        ordering = ["run", "line", "id"]

    def __str__(self) -> str:
        return f"{self.feed_id} {self.location} {self.reason_code}"

    @property
    def location(self) -> str:
        if self.sheet:
            return f"{self.sheet}!{self.line}"
        return str(self.line) if self.line is not None else ""
