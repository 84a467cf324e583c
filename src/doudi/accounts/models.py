from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.roles import Capabilities, Role, capabilities


class User(AbstractUser):
    """A staff member (or applicant) bound to one role and, for most roles, one jurisdiction."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "registry.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("jurisdiction"),
    )
    # For department data officers: the department whose feeds they deliver (e.g. "残联").
    department = models.CharField(_("department"), max_length=32, blank=True, default="")
    display_name = models.CharField(_("display name"), max_length=64, blank=True, default="")

    @property
    def can(self) -> Capabilities:
        return capabilities(self.role)

    @property
    def label(self) -> str:
        return self.display_name or self.username

    # doudi grants nothing through Django's permission system: what an account may do is its
    # role's capability flags (roles.py). A superuser flag set in the database grants nothing.
    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False


class RoleChange(models.Model):
    """A change of role or jurisdiction that needs a second person (三权分立): requested by an
    administrator, approved or rejected by a security officer who is neither the requester nor
    the account holder."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_changes", verbose_name=_("account")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    jurisdiction = models.ForeignKey(
        "registry.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jurisdiction"),
    )
    old_role = models.CharField(max_length=32, blank=True, default="")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.role} ({self.status})"


class EnrolmentLink(models.Model):
    """A one-time link through which a holder enrols his own second factor (24 h). Only the
    hash of the token is stored; the link is shown once, to the person who hands it over."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment link of {self.user_id}"


class ApiToken(models.Model):
    """A machine's key to the API: scoped, expiring, revocable; only its hash is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        DELIVERIES = "deliveries", _("Data deliveries")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("token name"), max_length=64)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    # The role the token was issued for: a role change ends the token.
    role = models.CharField(max_length=32)
    issued_with_2fa = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
