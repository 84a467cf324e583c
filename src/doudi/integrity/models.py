"""Integrity and supervision (issue 18): the honesty loop after a decision.

* :class:`CreditEvent` — a kept commitment (守信) or a breach (失信) of a person's 承诺书, with
  evidence. A breach is only *proposed* by an officer; an authorised reviewer (the district
  bureau) confirms or dismisses it — never automatically. A confirmed breach writes the
  assistance app's :class:`~doudi.assistance.models.CreditRecord` (the eligibility gate) and has
  a validity period; a repair (信用修复) ends it early.
* :class:`Sanction` — the revocation of a benefit with reasons, the overpayment computed from
  the payment history since the false declaration, the fine (1×–3×), an appeal.
* :class:`RecoveryPlan` / :class:`RecoveryInstalment` / :class:`RecoveryPayment` — how the
  money comes back (lump sum, instalments, offset) and what has come back.
* :class:`CreditExport` / :class:`CreditExportItem` — each batch sent to the credit-information
  sharing platform, kept byte for byte so it can be sent again.
* :class:`SpotCheckPlan` / :class:`SpotCheckDraw` / :class:`SpotCheckItem` — random spot checks
  drawn from a frame frozen when the plan is made.
* :class:`ReviewTask` — a periodic re-check the scheduler created (one per entitlement, reason
  and due date), linked to its casework task.

Money is integer fen everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditEvent(models.Model):
    class Kind(models.TextChoices):
        KEPT = "kept", _("Commitment kept")
        BREACH = "breach", _("Commitment broken")

    class Breach(models.TextChoices):
        FALSE_DECLARATION = "false_declaration", _("False declaration")
        HIDDEN = "hidden", _("Hidden income or assets")
        UNREPORTED_CHANGE = "unreported_change", _("Major change unreported for over 3 months")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed: waiting for the reviewer")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        REPAIRED = "repaired", _("Repaired")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    breach = models.CharField(max_length=24, choices=Breach.choices, blank=True, default="")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="credit_events"
    )
    application = models.ForeignKey(
        "assistance.Application", on_delete=models.PROTECT, related_name="credit_events"
    )
    commitment = models.ForeignKey(
        "assistance.Commitment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    evidence = models.CharField(max_length=1000, blank=True, default="")
    # The day the false declaration was made: payments from its month on were not due.
    false_from = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_reasons = models.CharField(max_length=1000, blank=True, default="")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    credit_record = models.OneToOneField(
        "assistance.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integrity_event",
    )
    repaired_on = models.DateField(null=True, blank=True)
    repair_reason = models.CharField(max_length=500, blank=True, default="")
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"credit event #{self.pk} {self.kind} {self.status}"


class Sanction(models.Model):
    """失信惩戒 on a confirmed breach: revocation, overpayment, fine, appeal."""

    class Appeal(models.TextChoices):
        NONE = "", _("No appeal")
        REVIEW = "review", _("Administrative review")
        LAWSUIT = "lawsuit", _("Administrative lawsuit")

    event = models.OneToOneField(CreditEvent, on_delete=models.PROTECT, related_name="sanction")
    entitlement = models.ForeignKey(
        "assistance.Entitlement", on_delete=models.PROTECT, related_name="+"
    )
    change = models.ForeignKey(
        "assistance.EntitlementChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.CharField(max_length=1000)
    stop_from = models.DateField()
    overpayment_fen = models.BigIntegerField()
    # The months and amounts the overpayment is made of: [{"month": "2026-06", "fen": 61200}]
    overpayment_months = models.JSONField(default=list)
    fine_multiple = models.DecimalField(max_digits=3, decimal_places=1, default=0)
    fine_fen = models.BigIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    appeal = models.CharField(max_length=8, choices=Appeal.choices, blank=True, default="")
    appeal_text = models.CharField(max_length=1000, blank=True, default="")
    appeal_on = models.DateField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=500, blank=True, default="")

    def __str__(self) -> str:
        return f"sanction #{self.pk}"


class RecoveryPlan(models.Model):
    class Method(models.TextChoices):
        LUMP_SUM = "lump_sum", _("Lump sum")
        INSTALMENTS = "instalments", _("Instalments")
        OFFSET = "offset", _("Offset against future benefits")

    class Status(models.TextChoices):
        OPEN = "open", _("Being recovered")
        COMPLETED = "completed", _("Recovered in full")

    sanction = models.OneToOneField(Sanction, on_delete=models.PROTECT, related_name="plan")
    method = models.CharField(max_length=12, choices=Method.choices)
    total_fen = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery plan #{self.pk}"


class RecoveryInstalment(models.Model):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount_fen = models.BigIntegerField()
    paid_fen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_number")
        ]

    def __str__(self) -> str:
        return f"instalment {self.number} of plan #{self.plan_id}"


class RecoveryPayment(models.Model):
    """Money recovered: paid back, or offset against a later legitimate benefit."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.BigIntegerField()
    received_on = models.DateField()
    offset = models.BooleanField(default=False)
    reference = models.CharField(max_length=64, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"recovery payment #{self.pk}"


class CreditExport(models.Model):
    """One batch for the credit-information sharing platform, kept byte for byte."""

    format_version = models.CharField(max_length=16)
    since = models.DateField()
    json_content = models.BinaryField()
    csv_content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    made_by = models.CharField(max_length=150, blank=True, default="")
    made_at = models.DateTimeField(auto_now_add=True)
    sent_count = models.PositiveIntegerField(default=1)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"credit export #{self.pk}"


class CreditExportItem(models.Model):
    """Which state of which event a batch carried: an event is sent once as new and once
    more for each later repair (the follow-up record)."""

    class RecordType(models.TextChoices):
        NEW = "new", _("New record")
        REPAIR = "repair", _("Repair (follow-up)")

    export = models.ForeignKey(CreditExport, on_delete=models.PROTECT, related_name="items")
    event = models.ForeignKey(CreditEvent, on_delete=models.PROTECT, related_name="exports")
    record_type = models.CharField(max_length=8, choices=RecordType.choices)
    record_id = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "record_type"], name="one_record_per_state")
        ]

    def __str__(self) -> str:
        return self.record_id


class SpotCheckPlan(models.Model):
    """A sampling plan with its frame and inspector pool frozen when it is made."""

    name = models.CharField(max_length=64, unique=True)
    ratio = models.DecimalField(max_digits=4, decimal_places=3)
    programme = models.CharField(max_length=16, blank=True, default="")
    # [{"entitlement": id, "household": id, "hukou_no": "...", "street": code, "programme": p}]
    frame = models.JSONField(default=list)
    # [{"user": id, "username": "...", "street": code}]
    inspectors = models.JSONField(default=list)
    made_by = models.CharField(max_length=150, blank=True, default="")
    made_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SpotCheckDraw(models.Model):
    plan = models.ForeignKey(SpotCheckPlan, on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField(max_length=64)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"draw #{self.pk} of {self.plan_id} seed {self.seed}"


class SpotCheckItem(models.Model):
    class Finding(models.TextChoices):
        PENDING = "", _("Not checked yet")
        OK = "ok", _("No problem found")
        PROBLEM = "problem", _("Problem found")

    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.CASCADE, related_name="items")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    street = models.CharField(max_length=16)
    programme = models.CharField(max_length=16)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.CharField(max_length=8, choices=Finding.choices, blank=True, default="")
    note = models.CharField(max_length=500, blank=True, default="")
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"spot check item #{self.pk}"


class ReviewTask(models.Model):
    """A periodic re-check made by the scheduler: one per entitlement, reason and due date."""

    class Reason(models.TextChoices):
        YEARLY = "yearly", _("Yearly review (stable household)")
        HALF_YEARLY = "half_yearly", _("Six-monthly review (irregular income or able to work)")
        DEATH = "death", _("Review within 3 months of a member's death")
        AGE = "age", _("Age trigger (tekun: 16, 18, 60)")

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue unchanged")
        ADJUST = "adjust", _("Adjust amount")
        PHASE_OUT = "phase_out", _("Gradual exit")
        STOP = "stop", _("Stop")

    entitlement = models.ForeignKey(
        "assistance.Entitlement", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    due_on = models.DateField()
    detail = models.CharField(max_length=200, blank=True, default="")
    task = models.ForeignKey("casework.Task", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The outcome of the review, with its reasons and the benefit change it made (if any).
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_reason = models.CharField(max_length=300, blank=True, default="")
    change = models.ForeignKey(
        "assistance.EntitlementChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement", "reason", "due_on"], name="one_review_task_each"
            )
        ]

    def __str__(self) -> str:
        return f"review #{self.pk} {self.reason} {self.due_on}"
