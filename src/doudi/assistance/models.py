"""Assistance applications, their verification, decision, benefits, payments and pushes.

An :class:`Application` is made by a resident online or by an officer on their behalf. It
holds its members (who counts and who is excluded, and why), declared income and assets,
the 承诺书 (:class:`Commitment`) and the 授权核对 of every adult (:class:`Authorization`).
A :class:`VerificationReport` compares the declaration with the linked department data and
is never changed; its verdict picks the simplified or the full path. A :class:`Decision` is
one per application (a database constraint), never changed, and keeps its evidence. An
approved decision makes an :class:`Entitlement` paid monthly in :class:`PaymentBatch` rows
and :class:`Push` rows to other departments (医保) with their acknowledgement.

Money is integer fen everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.privacy.fields import EncryptedTextField


class Immutable(models.Model):
    """A record written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("this record is immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("this record is immutable")


class Programme(models.TextChoices):
    DIBAO = "dibao", _("Minimum living allowance (dibao)")
    TEKUN = "tekun", _("Extreme-poverty support (tekun)")
    LINSHI = "linshi", _("Temporary assistance")
    DIBIAN = "dibian", _("Near-dibao household")
    GANGXING = "gangxing", _("Rigid-expenditure hardship")


class Resident(models.Model):
    """A resident's account bound to the person they are (set up at the counter)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident"
    )
    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="resident"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"resident #{self.pk}"


class Application(models.Model):
    class Channel(models.TextChoices):
        RESIDENT = "resident", _("Resident online")
        OFFICER = "officer", _("Officer on the resident's behalf")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted: signatures pending")
        SIGNED = "signed", _("Signed: waiting for verification")
        VERIFIED = "verified", _("Verified: simplified path")
        INVESTIGATING = "investigating", _("Full path: home visit")
        FIRST_OPINION = "first_opinion", _("First opinion")
        NOTICE = "notice", _("Public notice")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Path(models.TextChoices):
        SIMPLIFIED = "simplified", _("Simplified path")
        FULL = "full", _("Full path (home visit and community review)")

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="applications"
    )
    community = models.ForeignKey(
        "registry.Jurisdiction", on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="applications"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    path = models.CharField(_("path"), max_length=16, choices=Path.choices, blank=True, default="")
    # Documents still to be handed in (listed once), from the proof catalogue: [{code, name}]
    required_proofs = models.JSONField(default=list, blank=True)
    # The declaration form as typed (kept whole while a draft: nothing typed is lost).
    draft = models.JSONField(default=dict, blank=True)
    bank_account = EncryptedTextField(blank=True, default="")
    bank_account_masked = models.CharField(max_length=32, blank=True, default="")
    accepted_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    proposed_amount_fen = models.BigIntegerField(null=True, blank=True)
    first_opinion = models.CharField(max_length=500, blank=True, default="")
    first_opinion_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    notice_from = models.DateField(null=True, blank=True)
    notice_until = models.DateField(null=True, blank=True)
    task = models.ForeignKey(
        "casework.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assistance_applications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"application #{self.pk} {self.programme} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status not in (self.Status.REJECTED, self.Status.WITHDRAWN)


class CreditRecord(models.Model):
    """A false-commitment (虚假承诺) record: while in force, the person cannot use the
    commitment path (POLICY.md §5.1, §5.5)."""

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="credit_records"
    )
    note = models.CharField(max_length=300)
    recorded_on = models.DateField()
    repaired_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"credit record #{self.pk}"


class ApplicationEvent(models.Model):
    """The history of an application: one row per step, never changed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"applicationevent #{self.pk}"


class Member(models.Model):
    """A member of the applying household and whether the counting rules count them."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=64)
    id_number = EncryptedTextField(blank=True, default="")
    id_index = models.CharField(max_length=64)
    id_masked = models.CharField(max_length=18)
    birth_date = models.DateField()
    relation = models.CharField(_("relation to applicant"), max_length=16)
    counted = models.BooleanField(default=True)
    excluded_reason = models.CharField(max_length=200, blank=True, default="")
    # True while the application is active: one person in one active application at a time.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_index"], condition=Q(active=True), name="one_active_application_each"
            ),
        ]

    def __str__(self) -> str:
        return f"member {self.id_masked}"


class IncomeItem(models.Model):
    class Category(models.TextChoices):
        WAGE = "wage", _("Wages")
        BUSINESS = "business", _("Business income")
        PROPERTY = "property", _("Property income")
        TRANSFER = "transfer", _("Transfers (pensions, benefits)")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="incomes")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE)
    category = models.CharField(max_length=16, choices=Category.choices)
    monthly_fen = models.BigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"incomeitem #{self.pk}"


class AssetItem(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposits")
        VEHICLE = "vehicle", _("Vehicle")
        REAL_ESTATE = "real_estate", _("Real estate")
        BUSINESS = "business", _("Business")
        SECURITIES = "securities", _("Securities")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assets")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value_fen = models.BigIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"assetitem #{self.pk}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    path = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


class Commitment(Immutable):
    """承诺书: the notice version the signer was shown, who signed, when, what it waived."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="commitments"
    )
    notice_version = models.CharField(max_length=32)
    signer = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    waived = models.JSONField(default=list)
    signed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"commitment #{self.pk}"


class Authorization(Immutable):
    """授权核对 for one member: signed by the member, or by a guardian for a minor."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="authorizations"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="authorizations")
    guardian = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_version = models.CharField(max_length=32)
    scope = models.JSONField(default=list)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"], name="one_authorization_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"authorization #{self.pk}"


class VerificationReport(Immutable):
    """家庭经济状况核对报告: per member and item, declared against found, with the source
    feed and its date; stale sources said, never read as zero. Never changed."""

    class Verdict(models.TextChoices):
        CONSISTENT = "consistent", _("Basically consistent")
        INCONSISTENT = "inconsistent", _("Not consistent")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="reports")
    # rows: {"member", "item", "declared_fen", "found_fen", "feed", "feed_date", "stale"}
    rows = models.JSONField(default=list)
    stale_sources = models.JSONField(default=list)
    flags = models.JSONField(default=list)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    reasons = models.JSONField(default=list)
    trace = models.JSONField(default=list)
    parameter_version = models.TextField(blank=True, default="")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"verificationreport #{self.pk}"


class Objection(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections"
    )
    text = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"objection #{self.pk}"


class Decision(Immutable):
    """The decision on an application: exactly one (the database says so), never changed,
    holding its evidence, the verification report, the parameter version and the trace."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    monthly_amount_fen = models.BigIntegerField(default=0)
    reasons = models.CharField(max_length=1000)
    report = models.ForeignKey(
        VerificationReport, null=True, on_delete=models.PROTECT, related_name="+"
    )
    parameter_version = models.TextField(blank=True, default="")
    trace = models.JSONField(default=list)
    evidence = models.JSONField(default=dict)
    level = models.CharField(max_length=16)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"decision #{self.pk}"


class Entitlement(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Paid monthly")
        STOPPED = "stopped", _("Stopped")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="entitlement"
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="entitlements"
    )
    programme = models.CharField(max_length=16, choices=Programme.choices)
    monthly_fen = models.BigIntegerField()
    first_month = models.DateField()  # the first day of the month after approval
    last_month = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # A triggered review (a member's death: within 3 months, POLICY.md §1.11) and why.
    review_due = models.DateField(null=True, blank=True)
    review_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"entitlement #{self.pk}"


class EntitlementChange(models.Model):
    class Kind(models.TextChoices):
        STOP = "stop", _("Stop")
        ADJUST = "adjust", _("Adjust amount")
        PHASE_OUT = "phase_out", _("Gradual exit")

    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_month = models.DateField()
    monthly_fen = models.BigIntegerField(null=True, blank=True)
    months = models.PositiveSmallIntegerField(null=True, blank=True)  # 渐退: months still paid
    reason = models.CharField(max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    made_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"entitlementchange #{self.pk}"


class PaymentBatch(models.Model):
    """One month's bank file, made once and kept byte for byte (re-exports are identical)."""

    month = models.DateField(unique=True)  # the first day of the month
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    total_fen = models.BigIntegerField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"paymentbatch #{self.pk}"


class Payment(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="payments")
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(max_length=16, choices=Programme.choices)
    amount_fen = models.BigIntegerField()
    account_masked = models.CharField(max_length=32)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "entitlement"], name="one_payment_each")
        ]

    def __str__(self) -> str:
        return f"payment #{self.pk}"


class Push(models.Model):
    """An outbound record to another department (医保: medical aid and subsidised enrolment),
    waiting for its acknowledgement."""

    class Department(models.TextChoices):
        YIBAO = "yibao", _("Medical insurance (yibao)")

    class Kind(models.TextChoices):
        MEDICAL_AID = "medical_aid", _("Medical aid")
        ENROLMENT = "enrolment", _("Subsidised enrolment")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="pushes")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    department = models.CharField(max_length=16, choices=Department.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_reference = models.CharField(max_length=64, blank=True, default="")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member", "department", "kind"], name="one_push_each"
            )
        ]

    def __str__(self) -> str:
        return f"push #{self.pk}"
