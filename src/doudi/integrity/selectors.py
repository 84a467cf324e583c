"""Supervisor figures by street: review backlog, spot-check coverage and findings, sanctions
and recoveries — only for the streets in the reader's jurisdiction."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from doudi.assistance.models import Entitlement
from doudi.casework.models import Task
from doudi.integrity.models import RecoveryPayment, ReviewTask, Sanction, SpotCheckItem
from doudi.registry.models import Jurisdiction


def supervisor_streets(user) -> list[Jurisdiction]:
    j = getattr(user, "jurisdiction", None)
    if j is None or j.level == "community":
        return []
    if j.level == "street":
        return [j]
    return list(
        Jurisdiction.objects.filter(level="street", code__startswith=j.code).order_by("code")
    )


def by_street(streets: list[Jurisdiction], on: dt.date) -> list[dict]:
    rows = []
    for street in streets:
        in_street = Q(entitlement__household__community__code__startswith=street.code)
        reviews = ReviewTask.objects.filter(in_street).exclude(task__status=Task.Status.CLOSED)
        active = Entitlement.objects.filter(
            status=Entitlement.Status.ACTIVE, household__community__code__startswith=street.code
        ).count()
        items = SpotCheckItem.objects.filter(street=street.code)
        spot = items.aggregate(
            drawn=Count("id"),
            households=Count("household", distinct=True),
            checked=Count("id", filter=~Q(finding="")),
            problems=Count("id", filter=Q(finding=SpotCheckItem.Finding.PROBLEM)),
            open_problems=Count(
                "id", filter=Q(finding=SpotCheckItem.Finding.PROBLEM, closed_on__isnull=True)
            ),
        )
        sanctions = Sanction.objects.filter(in_street).aggregate(
            n=Count("id"), owed=Sum("overpayment_fen"), fines=Sum("fine_fen")
        )
        recovered = RecoveryPayment.objects.filter(
            plan__sanction__entitlement__household__community__code__startswith=street.code
        ).aggregate(s=Sum("amount_fen"))["s"]
        rows.append(
            {
                "street": street,
                "backlog": reviews.count(),
                "overdue": reviews.filter(due_on__lt=on).count(),
                "active": active,
                "spot_households": spot["households"],
                "coverage_pct": round(100 * spot["households"] / active) if active else None,
                "spot_drawn": spot["drawn"],
                "spot_checked": spot["checked"],
                "spot_problems": spot["problems"],
                "spot_open": spot["open_problems"],
                "sanctions": sanctions["n"],
                "owed_fen": (sanctions["owed"] or 0) + (sanctions["fines"] or 0),
                "recovered_fen": recovered or 0,
            }
        )
    return rows
