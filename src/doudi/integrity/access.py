"""Who may read and change integrity records. Missing and forbidden both raise Http404.

Staff read the records of the households in their jurisdiction (:mod:`doudi.registry.access`).
Officers and street reviewers propose breaches and record kept commitments; only the district
bureau (the authorised level, POLICY.md §1.9) confirms a breach, sanctions, and repairs. The
auditor reads everything in the district and changes nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from doudi.assistance.access import decides, is_staff_reader, works_applications
from doudi.integrity.models import CreditEvent, Sanction
from doudi.registry.access import households_for

__all__ = ["decides", "is_staff_reader", "works_applications"]


def events_for(user) -> QuerySet[CreditEvent]:
    if not is_staff_reader(user):
        return CreditEvent.objects.none()
    return CreditEvent.objects.filter(application__household__in=households_for(user))


def sanctions_for(user) -> QuerySet[Sanction]:
    return Sanction.objects.filter(event__in=events_for(user))


def access_event(user, event_id) -> CreditEvent:
    try:
        return (
            events_for(user)
            .select_related("person", "application__household__community", "decided_by")
            .get(pk=int(event_id))
        )
    except (CreditEvent.DoesNotExist, ValueError, TypeError):
        raise Http404("no such record") from None
