"""The register of jurisdictions, households and people.

Resident ID numbers are sensitive personal information (PIPL): they are stored encrypted
(``id_number``), found through a keyed hash (``id_index``) and shown masked (``id_masked``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from doudi.privacy.fields import EncryptedTextField

# The holding jurisdictions for households whose community code is unknown: district code +
# "000" (street) and + "000000" (community).
UNASSIGNED_STREET_SUFFIX = "000"
UNASSIGNED_COMMUNITY_SUFFIX = "000000"


class Jurisdiction(models.Model):
    """District (区) → street (街道) → community (社区), keyed by official code.

    Codes nest: a community's 12-digit code starts with its street's 9 digits, which start with
    the district's 6, so "inside this jurisdiction" is a code-prefix test.
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: Jurisdiction) -> bool:
        return other.code.startswith(self.code)


class Household(models.Model):
    """A household (户) as the household register (户籍) records it."""

    hukou_no = models.CharField(_("household register number"), max_length=32, unique=True)
    community = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("address"), max_length=255)
    source_feed = models.CharField(max_length=64, default="gongan_hukou")
    source_as_of = models.DateField(null=True, blank=True)
    # The community code the register delivered (kept when it is unknown and the household sits
    # in the "unassigned" holding community until the district maps the code).
    registered_community_code = models.CharField(max_length=32, blank=True, default="")
    # The day a register delivery no longer listed the household (moved out, cancelled).
    removed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hukou_no"]
        indexes = [models.Index(fields=["community", "hukou_no"])]

    def __str__(self) -> str:
        return self.hukou_no


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    name = models.CharField(_("name"), max_length=64, db_index=True)
    id_number = EncryptedTextField(_("ID number"), blank=True, default="")
    id_index = models.CharField(max_length=64, null=True, blank=True, unique=True)
    id_masked = models.CharField(max_length=18, blank=True, default="")
    id_area_unknown = models.BooleanField(default=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, default="")
    # The day a register delivery no longer listed the person (death, emigration, cancelled).
    removed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Person #{self.pk}"

    @property
    def phone_masked(self) -> str:
        p = self.phone
        return p[:3] + "****" + p[-4:] if len(p) >= 11 else ("*" * len(p))


class Membership(models.Model):
    """A person's place in a household: every person belongs to exactly one household."""

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other relative")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="membership")
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)

    class Meta:
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.relation}"


class CommunityCodeMap(models.Model):
    """A community or street code the reference table does not know, mapped by the district
    bureau to one of its communities; households delivered with the code move there."""

    code = models.CharField(max_length=32, unique=True)
    community = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="mapped_codes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.community.code}"
