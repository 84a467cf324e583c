"""Identity-resolution runs, the review queue, and the human decisions that override the model.

The engine writes each run's persons table (record → person key) as Parquet under
``DOUDI_VAR_DIR/results``; a run becomes current only when it finished, so a failed run leaves
the previous persons in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    backend = models.CharField(max_length=16, default="duckdb")
    threshold = models.FloatField()  # a match probability, not money
    records = models.PositiveBigIntegerField(default=0)
    persons = models.PositiveBigIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    model = models.JSONField(default=dict, blank=True)  # fitted parameters, kept with the run
    timings = models.JSONField(default=dict, blank=True)
    persons_path = models.CharField(max_length=500, blank=True, default="")
    # Persons per household-attachment basis (register / relationship / address / review).
    households = models.JSONField(default=dict, blank=True)
    is_current = models.BooleanField(default=False)
    error = models.CharField(max_length=200, blank=True, default="")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"link run #{self.pk} {self.status}"


class ReviewItem(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="review_items")
    unique_id_l = models.CharField(max_length=200)
    unique_id_r = models.CharField(max_length=200)
    match_probability = models.FloatField(null=True)
    reason = models.CharField(max_length=32)
    weights = models.JSONField(default=dict)  # match weight per comparison
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)

    class Meta:
        ordering = ["run", "-match_probability", "id"]

    def __str__(self) -> str:
        return f"{self.unique_id_l} ~ {self.unique_id_r}"


class ReviewDecision(models.Model):
    """A person's decision on a pair of records; overrides the model in every later run."""

    unique_id_l = models.CharField(max_length=200)
    unique_id_r = models.CharField(max_length=200)
    same = models.BooleanField()
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unique_id_l", "unique_id_r"], name="one_decision_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unique_id_l} {'=' if self.same else '≠'} {self.unique_id_r}"
