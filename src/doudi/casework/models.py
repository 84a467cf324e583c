"""Casework: from a warning to a home visit to help that arrives.

A :class:`Task` is one piece of work on one household — made from a monitoring warning, or by
hand for a walk-in, a referral or a random verification visit — with a deadline in working
days. A :class:`Visit` (入户核查) records what the visitors found; its outcome is a label for
the monitoring model. Confirmed hardship takes one or more :class:`Disposition` (POLICY §4.3),
service :class:`Referral` to providers, and assist-first :class:`AssistGrant` (先行救助).
Every step keeps its timestamp (timeliness) and its :class:`TaskEvent` (history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doudi.privacy.fields import EncryptedTextField


class PolicyParameter(models.Model):
    """A dated, sourced casework parameter (POLICY.md: what varies by place is never a
    constant). In force for an area on a date: among the rows whose ``area_code`` is a prefix
    of the area's code (empty: everywhere), the longest prefix, then the latest
    ``effective_from`` on or before the date."""

    class Name(models.TextChoices):
        ASSIST_FIRST_LIMIT = "assist_first_limit_fen", _("Assist-first delegated limit (fen)")
        ASSIST_FIRST_PAPERWORK_DAYS = (
            "assist_first_paperwork_working_days",
            _("Assist-first paperwork deadline (working days)"),
        )
        INVESTIGATION_DAYS = (
            "investigation_start_working_days",
            _("Investigation starts within (working days)"),
        )
        VERIFICATION_SHARE = (
            "random_verification_share",
            _("Random verification visits (share of monthly visit capacity)"),
        )
        VISIT_CAPACITY = (
            "monthly_visit_capacity",
            _("Home visits a community can make per month"),
        )
        REMOTE_VISITS = (
            "remote_visits_allowed",
            _("Home visits by phone or video allowed (1 = yes, 0 = no)"),
        )

    name = models.CharField(_("parameter"), max_length=64, choices=Name.choices)
    area_code = models.CharField(_("area code"), max_length=12, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "area_code", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name}@{self.area_code or '*'} {self.value} from {self.effective_from}"


class VerificationDraw(models.Model):
    """One month's random verification visits: households drawn at random, with a recorded
    seed, among those with no open warning, so the district learns what its warnings miss."""

    month = models.DateField(unique=True)  # the first day of the month
    seed = models.BigIntegerField()
    share = models.DecimalField(max_digits=8, decimal_places=4)
    frame_size = models.PositiveIntegerField()
    draws = models.PositiveIntegerField()
    # per community: {"code": {"capacity": n, "stratum": N, "draws": n}}
    strata = models.JSONField(default=dict)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"draw {self.month:%Y-%m} seed {self.seed}"


class Task(models.Model):
    class Origin(models.TextChoices):
        WARNING = "warning", _("Monitoring warning")
        WALK_IN = "walk_in", _("Walk-in")
        REFERRAL = "referral", _("Referral")
        RANDOM = "random", _("Random verification")

    class Status(models.TextChoices):
        OPEN = "open", _("Not assigned")
        ASSIGNED = "assigned", _("To visit")
        VISITED = "visited", _("Visited")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Hardship confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Hardship not confirmed")
        UNREACHABLE = "unreachable", _("Could not reach")

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="tasks"
    )
    community = models.ForeignKey(
        "registry.Jurisdiction", on_delete=models.PROTECT, related_name="tasks"
    )
    warning = models.ForeignKey(
        "monitoring.Warning", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="casework_tasks",
    )
    # The deadline: investigation starts within N working days of ``accepted_on``.
    accepted_on = models.DateField()
    due_on = models.DateField(_("due"), null=True, blank=True)
    due_note = models.CharField(max_length=300, blank=True, default="")  # why there is none
    # Timeliness: when the need became known (the warning, or the walk-in), then each step.
    started_at = models.DateTimeField()
    assigned_at = models.DateTimeField(null=True, blank=True)
    visited_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    first_help_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Random verification: the draw and the household's chance of being drawn in it.
    draw = models.ForeignKey(
        VerificationDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    stratum_size = models.PositiveIntegerField(null=True, blank=True)
    stratum_draws = models.PositiveIntegerField(null=True, blank=True)
    selection_probability = models.DecimalField(
        max_digits=12, decimal_places=10, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning"],
                condition=Q(closed_at__isnull=True),
                name="one_open_task_per_warning",
            )
        ]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"task #{self.pk} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class TaskEvent(models.Model):
    """The history of a task: one row per step, never changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Overdue: escalated to the street")
        VISITED = "visited", _("Home visit recorded")
        DISPOSITION = "disposition", _("Disposition recorded")
        REFERRAL = "referral", _("Service referral")
        ASSIST = "assist", _("Assist-first aid granted")
        CLOSED = "closed", _("Closed")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.kind}"


class Visit(models.Model):
    """A home visit (入户核查), first a draft (saved as the visitors type), then completed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        VIDEO = "video", _("By video")

    class Hardship(models.IntegerChoices):
        NONE = 0, _("No evident hardship")
        MILD = 1, _("Mild")
        MODERATE = 2, _("Moderate")
        SEVERE = 3, _("Severe")
        EXTREME = 4, _("Extreme")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("date of the visit"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, blank=True)
    visitors = models.JSONField(_("visitors"), default=list, blank=True)  # names
    visitors_confirmed = models.BooleanField(default=False)
    members_present = models.JSONField(default=list, blank=True)  # person ids
    member_confirmed_by = models.CharField(max_length=64, blank=True, default="")
    living_conditions = models.TextField(blank=True, default="")
    observed_income_fen = models.BigIntegerField(null=True, blank=True)
    observed_spending_fen = models.BigIntegerField(null=True, blank=True)
    hardship = models.PositiveSmallIntegerField(choices=Hardship.choices, null=True, blank=True)
    causes = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Task.Outcome.choices, blank=True)
    # The form as typed (text), so a half-filled or invalid form loses nothing.
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"visit #{self.pk} {self.status}"


class Attachment(models.Model):
    """A photo or PDF of a visit, stored outside static and media (DOUDI_PRIVATE_DIR) and
    served only through the access layer."""

    class Kind(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        PDF = "application/pdf", "PDF"

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="attachments")
    content_type = models.CharField(max_length=32, choices=Kind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    path = models.CharField(max_length=200)  # relative to DOUDI_PRIVATE_DIR
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


class Disposition(models.Model):
    """What is done about confirmed hardship: the four ways of POLICY §4.3."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Start an application")
        REFERRAL = "referral", _("Refer to another department")
        CONFERENCE = "conference", _("Case conference (一事一议)")
        VERIFY_END = "verify_end", _("Verify and end help no longer due")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="dispositions")
    kind = models.CharField(_("disposition"), max_length=16, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=64, blank=True, default="")
    detail = models.TextField(_("details"), blank=True, default="")
    decision = models.TextField(_("decision"), blank=True, default="")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_note = models.CharField(max_length=300, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.kind}"


class Provider(models.Model):
    """A social-work organisation, a social worker or a volunteer."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Social-work organisation")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        VOLUNTEER = "volunteer", _("Volunteer")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    organisation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provider",
    )
    skills = models.JSONField(_("skills"), default=list)
    areas = models.ManyToManyField("registry.Jurisdiction", related_name="providers")
    capacity = models.PositiveSmallIntegerField(_("open referrals at most"), default=5)
    available = models.BooleanField(_("available"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A need of a household referred to a provider, who accepts or declines it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the provider")
        ACCEPTED = "accepted", _("Accepted by the provider")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="referrals")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="referrals"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    need = models.CharField(_("need"), max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5, by the household
    rating_note = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"referral #{self.pk} {self.status}"


class ServiceSession(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("length (minutes)"))
    summary = models.CharField(_("what was done"), max_length=500)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"session {self.held_on} {self.minutes} min"


class AssistGrant(models.Model):
    """Assist-first aid (先行救助): granted at once by a street reviewer up to the delegated
    limit, wherever the emergency happens (no household-register restriction); the
    paperwork follows by a deadline and the case cannot close before it is complete."""

    street = models.ForeignKey(
        "registry.Jurisdiction", on_delete=models.PROTECT, related_name="assist_grants"
    )
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assist_grants",
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="assist_grants"
    )
    recipient_name = models.CharField(_("recipient"), max_length=64)
    recipient_id_number = EncryptedTextField(blank=True, default="")
    recipient_id_masked = models.CharField(max_length=18, blank=True, default="")
    hukou_place = models.CharField(_("household register place"), max_length=100, blank=True)
    amount_fen = models.BigIntegerField(_("amount"))
    limit_fen = models.BigIntegerField()  # the delegated limit in force, as granted
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    paperwork_due_on = models.DateField(null=True, blank=True)
    paperwork_due_note = models.CharField(max_length=300, blank=True, default="")
    paperwork_completed_at = models.DateTimeField(null=True, blank=True)
    paperwork_completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paperwork_note = models.CharField(max_length=500, blank=True, default="")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"assist grant #{self.pk}"


class Notification(models.Model):
    """An in-app notice to one user; the header shows the count of unread ones."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("New assignment")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated to you")
        REFERRAL_NEW = "referral_new", _("New service referral")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        PAPERWORK_DUE = "paperwork_due", _("Assist-first paperwork due")
        PAPERWORK_OVERDUE = "paperwork_overdue", _("Assist-first paperwork overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    text = models.CharField(max_length=300)  # no ID numbers, no health facts
    url = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"


class SavedFilter(models.Model):
    """A work-queue filter a user saved under a name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(max_length=500)  # the filter's query string (codes only)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_saved_filter_per_name")
        ]

    def __str__(self) -> str:
        return self.name
