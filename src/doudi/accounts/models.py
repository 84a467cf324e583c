from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
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
