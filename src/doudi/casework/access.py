"""Who may read which casework: every read of tasks, visits, attachments, referrals and
assist-first grants goes through here. Missing and forbidden both raise Http404.

Tasks, visits and attachments are scoped like their households (:mod:`doudi.registry.access`):
an officer sees their own community's, a street reviewer their street's, the bureau and
auditors the district's. A referral is also visible to the provider it was made to (a service
provider sees only their own referrals, nothing else). An assist-first grant is visible in
the street where it was granted and wherever its household is.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from doudi.casework.models import AssistGrant, Attachment, Referral, Task, Visit
from doudi.registry.access import households_for


def reads_casework(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.can.reads_registry
        and user.jurisdiction_id is not None
    )


def works_cases(user) -> bool:
    """May change casework (visits, outcomes, dispositions, referrals) in their scope."""
    return reads_casework(user) and user.can.works_cases


def tasks_for(user) -> QuerySet[Task]:
    if not reads_casework(user):
        return Task.objects.none()
    return Task.objects.filter(household__in=households_for(user))


def access_task(user, task_id) -> Task:
    """The task with this id if the user may read it; otherwise Http404."""
    try:
        return (
            tasks_for(user)
            .select_related(
                "household__community__parent",
                "warning__policy_version",
                "warning__run",
                "assignee",
                "community",
            )
            .get(pk=int(task_id))
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("no such task") from None


def visits_for(user) -> QuerySet[Visit]:
    if not reads_casework(user):
        return Visit.objects.none()
    return Visit.objects.filter(household__in=households_for(user))


def access_visit(user, visit_id) -> Visit:
    try:
        return (
            visits_for(user)
            .select_related("task", "household__community__parent", "recorded_by")
            .get(pk=int(visit_id))
        )
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404("no such visit") from None


def access_attachment(user, attachment_id) -> Attachment:
    try:
        return Attachment.objects.select_related("visit").get(
            pk=int(attachment_id), visit__in=visits_for(user)
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("no such attachment") from None


def referrals_for(user) -> QuerySet[Referral]:
    """Referrals of the user's households; for a service provider, those made to them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    if user.can.provides_services:
        return Referral.objects.filter(provider__user=user)
    if not reads_casework(user):
        return Referral.objects.none()
    return Referral.objects.filter(household__in=households_for(user))


def access_referral(user, referral_id) -> Referral:
    try:
        return (
            referrals_for(user)
            .select_related("provider", "household__community__parent", "task", "referred_by")
            .get(pk=int(referral_id))
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("no such referral") from None


def grants_for(user) -> QuerySet[AssistGrant]:
    if not reads_casework(user):
        return AssistGrant.objects.none()
    code = user.jurisdiction.code
    return AssistGrant.objects.filter(
        Q(street__code__startswith=code) | Q(household__in=households_for(user))
    )


def access_grant(user, grant_id) -> AssistGrant:
    try:
        return (
            grants_for(user)
            .select_related("street", "household", "task", "granted_by")
            .get(pk=int(grant_id))
        )
    except (AssistGrant.DoesNotExist, ValueError, TypeError):
        raise Http404("no such grant") from None
