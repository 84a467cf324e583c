"""Who may read which application. Missing and forbidden both raise Http404.

Staff see applications of the households in their jurisdiction (:mod:`doudi.registry.access`):
an officer their community's, a street reviewer their street's, the bureau the district's.
A resident (applicant role bound to a person) sees only the applications they made or that
name them as applicant. Nobody else sees any.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from doudi.accounts.roles import Role
from doudi.assistance.models import Application, Resident
from doudi.registry.access import households_for


def is_staff_reader(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.can.reads_registry
        and user.jurisdiction_id is not None
    )


def works_applications(user) -> bool:
    """May record applications, run verification, first opinions and objections."""
    return is_staff_reader(user) and user.can.works_cases


def decides(user) -> bool:
    """The authorised level for decisions: the district (county) bureau (POLICY.md §1.9)."""
    return works_applications(user) and user.role == Role.DISTRICT_BUREAU


def resident_of(user) -> Resident | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.role != Role.APPLICANT:
        return None
    return Resident.objects.filter(user=user).select_related("person").first()


def applications_for(user) -> QuerySet[Application]:
    if is_staff_reader(user):
        return Application.objects.filter(household__in=households_for(user))
    resident = resident_of(user)
    if resident is not None:
        return Application.objects.filter(Q(created_by=user) | Q(applicant=resident.person))
    return Application.objects.none()


def access_application(user, application_id) -> Application:
    try:
        return (
            applications_for(user)
            .select_related("household__community__parent", "applicant", "created_by")
            .get(pk=int(application_id))
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("no such application") from None
