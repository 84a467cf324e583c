"""Demo resident (used by ``doudi demo``): the demo applicant account is bound to the head
of the first household of the first community, so the resident pages can be tried."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from doudi.accounts.roles import Role
from doudi.assistance.models import Resident
from doudi.registry.models import Membership


def demo_resident_ensure() -> Resident | None:
    user = get_user_model().objects.filter(role=Role.APPLICANT).order_by("id").first()
    if user is None:
        return None
    existing = Resident.objects.filter(user=user).first()
    if existing is not None:
        return existing
    head = (
        Membership.objects.filter(relation="head")
        .exclude(person__resident__isnull=False)
        .select_related("person")
        .order_by("household__community__code", "household__hukou_no")
        .first()
    )
    if head is None:
        return None
    return Resident.objects.create(user=user, person=head.person)
