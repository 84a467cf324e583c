"""Monitoring policy versions, runs, the warnings they keep up to date, and visit outcomes.

The engine (:mod:`doudi.engine.monitoring`) scores households; a :class:`MonitoringRun` loads
its result in one transaction and becomes current only on success, so a failed run leaves the
previous warnings in force. A household has at most one :class:`Warning`: later runs update
it (escalated, eased, resolved, reopened) and record each change as a :class:`WarningChange`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyVersion(models.Model):
    """One version of the monitoring policy document. Immutable: a change is a new version.

    The version in force on a date is the one with the latest ``effective_from`` on or before
    it (ties: the higher number)."""

    number = models.PositiveIntegerField(unique=True)
    document = models.JSONField()
    effective_from = models.DateField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"policy v{self.number}"

    def save(self, *args, **kwargs):
        # An invariant, not a workflow: a version once saved is history and never changes.
        if self.pk is not None:
            raise ValueError("a policy version is immutable; create a new version instead")
        super().save(*args, **kwargs)


class MonitoringRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    as_of = models.DateField()
    policy_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    model_version = models.CharField(max_length=64, blank=True, default="")
    backend = models.CharField(max_length=16, default="duckdb")
    # {"levels": {level: n}, "dimensions": {dim: n}, "streets": {code: {level: n}},
    #  "changes": {kind: n}, "households_scored": n, "warned": n, "unregistered": n}
    counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, for the progress bar
    stage = models.CharField(max_length=32, blank=True, default="")
    is_current = models.BooleanField(default=False)
    error = models.CharField(max_length=200, blank=True, default="")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"monitoring run #{self.pk} {self.status}"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Warning(models.Model):
    """A household flagged by monitoring; one per household, kept up to date across runs."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        # Casework adds its states (assigned, visited, …) here.

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="warning"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    level = models.CharField(max_length=32)
    # The level's place among the policy's bands (0 = lowest): sorts levels whatever their names.
    level_rank = models.PositiveSmallIntegerField(default=0)
    score = models.FloatField()  # a 0–100 risk score, not money
    scorecard_score = models.FloatField(null=True, blank=True)
    model_probability = models.FloatField(null=True, blank=True)
    trigger = models.CharField(max_length=64, blank=True, default="")
    reasons = models.JSONField(default=list)  # indicator ids
    suppressed = models.JSONField(default=list, blank=True)
    dimensions = models.JSONField(default=dict)  # dimension id → points
    explanation = models.JSONField(default=dict)
    # ";a;b;" copies of reasons and of dimensions with points, for portable filtering.
    reason_index = models.CharField(max_length=1000, blank=True, default="")
    dimension_index = models.CharField(max_length=300, blank=True, default="")
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(MonitoringRun, on_delete=models.PROTECT, related_name="+")
    first_run = models.ForeignKey(MonitoringRun, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-level_rank", "-score", "id"]
        indexes = [models.Index(fields=["status", "level_rank", "score"])]

    def __str__(self) -> str:
        return f"warning #{self.pk} {self.level} {self.score}"


class WarningChange(models.Model):
    """What one run changed on one warning. Unchanged warnings are not recorded."""

    class Kind(models.TextChoices):
        NEW = "new", _("New")
        ESCALATED = "escalated", _("Escalated")
        EASED = "eased", _("Eased")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="changes")
    run = models.ForeignKey(MonitoringRun, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_level = models.CharField(max_length=32, blank=True, default="")
    to_level = models.CharField(max_length=32, blank=True, default="")
    from_score = models.FloatField(null=True, blank=True)
    to_score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning", "run"], name="one_change_per_warning_and_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_level}→{self.to_level}"


class VisitOutcome(models.Model):
    """A home visit's verdict on a household: the labels the statistical model learns from."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="visit_outcomes"
    )
    visited_on = models.DateField(_("visited on"))
    hardship_confirmed = models.BooleanField(_("hardship confirmed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    # A random verification visit: the household's chance of being drawn (the model weighs its
    # outcome by the inverse). Empty: a visit down the warning queue (weight 1).
    selection_probability = models.DecimalField(
        _("selection probability"), max_digits=12, decimal_places=10, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "visited_on"], name="one_outcome_per_household_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on} {self.hardship_confirmed}"


class StatisticalModel(models.Model):
    """A statistical model trained on home-visit outcomes after a run (engine ``model.train``).

    Versioned by the SHA-256 of its bytes; the newest *promoted* one is used (a model trained
    but not promoted — it did no better than the current one on held-back outcomes — is kept
    for the record, with ``gate`` saying why). Its bytes are only ever made by the engine's
    ``train`` and loaded by its ``load``."""

    version = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    evaluation = models.JSONField(default=dict)
    outcomes = models.PositiveIntegerField()
    promoted = models.BooleanField(default=True)
    # the promotion gate: {"promote", "reason", "held_back", "candidate": {...}, "current": {...}}
    gate = models.JSONField(default=dict, blank=True)
    # the newest visit outcome (id) it was trained on: later outcomes are held back to judge it
    trained_through = models.PositiveIntegerField(default=0)
    trained_after = models.ForeignKey(MonitoringRun, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"model {self.version} ({self.outcomes} outcomes)"
