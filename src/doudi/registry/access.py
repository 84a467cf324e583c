"""Jurisdiction-scoped loading of households and people: every read goes through here.

"Missing" and "forbidden" look the same: both raise Http404, so an officer cannot learn that a
household exists outside their jurisdiction.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from doudi.registry.models import Household, Person


def _jurisdiction_prefix(user) -> str | None:
    """The code prefix the user may read, or None when the user may read no household."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not user.can.reads_registry or user.jurisdiction_id is None:
        return None
    return user.jurisdiction.code


def households_for(user) -> QuerySet[Household]:
    """All households the user may read (empty for roles without registry access)."""
    prefix = _jurisdiction_prefix(user)
    if prefix is None:
        return Household.objects.none()
    return Household.objects.filter(community__code__startswith=prefix)


def persons_for(user) -> QuerySet[Person]:
    prefix = _jurisdiction_prefix(user)
    if prefix is None:
        return Person.objects.none()
    return Person.objects.filter(membership__household__community__code__startswith=prefix)


def access_household(user, household_id: int) -> Household:
    """The household with this id if the user may read it; otherwise Http404."""
    try:
        return households_for(user).select_related("community__parent").get(pk=int(household_id))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("no such household") from None


def access_person(user, person_id: int) -> Person:
    try:
        return persons_for(user).select_related("membership__household").get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("no such person") from None
