"""Which feeds, runs and quarantined rows a user may see: data officers their own department's
feeds; the district bureau and auditors every feed. Missing and forbidden both answer 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from doudi.engine.catalogue import Feed
from doudi.intake.models import IngestRun, QuarantinedRow
from doudi.intake.selectors import catalogue


def feeds_for(user) -> list[Feed]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.can.reads_all_feeds:
        return list(catalogue())
    if user.can.delivers_feeds and user.department:
        return catalogue().for_department(user.department)
    return []


def deliverable_feeds(user) -> list[Feed]:
    """Feeds the user may deliver to (own department only)."""
    if not user.can.delivers_feeds or not user.department:
        return []
    return catalogue().for_department(user.department)


def runs_for(user) -> QuerySet[IngestRun]:
    return IngestRun.objects.filter(feed_id__in=[f.id for f in feeds_for(user)])


def quarantine_for(user) -> QuerySet[QuarantinedRow]:
    return QuarantinedRow.objects.filter(feed_id__in=[f.id for f in feeds_for(user)])


def access_run(user, run_id: int) -> IngestRun:
    try:
        return runs_for(user).get(pk=int(run_id))
    except (IngestRun.DoesNotExist, ValueError, TypeError):
        raise Http404("no such delivery") from None


def access_quarantined_row(user, row_id: int) -> QuarantinedRow:
    try:
        return quarantine_for(user).select_related("run").get(pk=int(row_id))
    except (QuarantinedRow.DoesNotExist, ValueError, TypeError):
        raise Http404("no such row") from None
