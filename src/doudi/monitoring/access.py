"""Who may read which warnings, runs and policy: every read of warnings goes through here.

Warnings are scoped like households (:mod:`doudi.registry.access`): an officer sees their own
community's, a street reviewer their street's, the bureau and auditors the district's. Runs,
the district summary and the policy are district matters: bureau and auditors read them, the
bureau alone changes them. Missing and forbidden both raise Http404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from doudi.monitoring.models import MonitoringRun, Warning
from doudi.registry.access import households_for
from doudi.registry.models import Jurisdiction


def reads_warnings(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.can.reads_registry
        and user.jurisdiction_id is not None
    )


def reads_district(user) -> bool:
    """Bureau and auditors: the run records, the district summary and the policy."""
    return reads_warnings(user) and user.jurisdiction.level == Jurisdiction.Level.DISTRICT


def edits_policy(user) -> bool:
    return reads_district(user) and user.can.edits_policy


def require_district(user) -> None:
    if not reads_district(user):
        raise PermissionDenied


def warnings_for(user) -> QuerySet[Warning]:
    """Every warning (open or resolved) of a household the user may read."""
    if not reads_warnings(user):
        return Warning.objects.none()
    return Warning.objects.filter(household__in=households_for(user))


def access_warning(user, warning_id) -> Warning:
    """The warning with this id if the user may read it; otherwise Http404."""
    try:
        return (
            warnings_for(user)
            .select_related("household__community__parent", "policy_version", "run", "first_run")
            .get(pk=int(warning_id))
        )
    except (Warning.DoesNotExist, ValueError, TypeError):
        raise Http404("no such warning") from None


def runs_for(user) -> QuerySet[MonitoringRun]:
    if not reads_district(user):
        return MonitoringRun.objects.none()
    return MonitoringRun.objects.all()


def access_run(user, run_id) -> MonitoringRun:
    try:
        return runs_for(user).select_related("policy_version", "started_by").get(pk=int(run_id))
    except (MonitoringRun.DoesNotExist, ValueError, TypeError):
        raise Http404("no such run") from None
