"""Dated, sourced parameter values per area, and the proposed changes that produce them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.parameters.specs import NAME_CHOICES


class ParameterValue(models.Model):
    """A value in force for an area from a date. In force for an area on a day: among the rows
    whose ``area_code`` is a prefix of the area's code (empty: everywhere), the longest prefix,
    then the latest ``effective_from`` on or before the day, then the latest row. Rows are never
    edited: a change adds a row (the history stays)."""

    name = models.CharField(_("parameter"), max_length=64, choices=NAME_CHOICES)
    area_code = models.CharField(_("area code"), max_length=12, blank=True, default="")
    # the stored form: int fen for money, int, decimal as a string, bool, choice key, or a list
    value = models.JSONField(_("value"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=500)
    change = models.OneToOneField(
        "ParameterChange", null=True, blank=True, on_delete=models.PROTECT, related_name="result"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "area_code", "-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.name}@{self.area_code or '*'} from {self.effective_from}"

    @property
    def version(self) -> str:
        return f"{self.area_code or '*'}·{self.effective_from.isoformat()}·#{self.pk}"


class ParameterChange(models.Model):
    """A proposed change. Money parameters wait for a second person's approval (the proposer
    cannot approve); others apply at once. Either way the change, its diff and the impact
    preview shown are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("parameter"), max_length=64, choices=NAME_CHOICES)
    area_code = models.CharField(_("area code"), max_length=12, blank=True, default="")
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    old_version = models.CharField(max_length=80, blank=True, default="")
    new_value = models.JSONField(_("new value"))
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=500)
    reason = models.CharField(_("reason"), max_length=500)
    needs_approval = models.BooleanField(default=False)
    impact = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"change #{self.pk} {self.name}@{self.area_code or '*'} {self.status}"
