"""Periodic re-checks (定期复查) per POLICY.md §1.11 and §2.9.

For each benefit in force the scheduler walks its review dates from the first month paid:
the next review is 12 months on for a stable household, 6 months on when, at the previous
review date, the household has irregular income (business income) or a counted member of
working age (18–59, taken as able to work: the register holds no work-ability finding). A
member's death recorded on the benefit makes a review due by the date assistance set (within
3 months). For 特困 (tekun) a counted member reaching 16, 18 or 60 makes a review due on
the birthday. On or after a due date the scheduler makes one casework task (through
casework's action API) and one :class:`ReviewTask`; running it again makes nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from doudi.assistance.actions import add_months
from doudi.assistance.models import Entitlement, IncomeItem
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.casework.actions import task_create
from doudi.casework.models import Task
from doudi.integrity.models import ReviewTask
from doudi.monitoring.selectors import today
from doudi.registry.access import households_for

WORKING_AGE = (18, 59)
TEKUN_AGES = (16, 18, 60)
YEARLY_MONTHS = 12
HALF_YEARLY_MONTHS = 6
REASON_ZH = {
    ReviewTask.Reason.YEARLY: "年度复查（收入稳定家庭）",
    ReviewTask.Reason.HALF_YEARLY: "半年复查（收入不固定或有劳动能力成员）",
    ReviewTask.Reason.DEATH: "家庭成员死亡后3个月内复查",
    ReviewTask.Reason.AGE: "特困人员年龄节点复查",
}


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February: the day after 28 February
        return dt.date(birth.year + age, 3, 1)


def half_yearly(entitlement: Entitlement, on: dt.date) -> bool:
    application = entitlement.application
    if any(
        i.category == IncomeItem.Category.BUSINESS and i.monthly_fen > 0
        for i in application.incomes.all()
    ):
        return True
    low, high = WORKING_AGE
    return any(
        m.counted and low <= _age(m.birth_date, on) <= high for m in application.members.all()
    )


def due_reviews(entitlement: Entitlement, on: dt.date) -> list[tuple[str, dt.date, str]]:
    """(reason, due date, detail) of every review due by ``on``, oldest first."""
    out: list[tuple[str, dt.date, str]] = []
    day = entitlement.first_month
    while True:
        half = half_yearly(entitlement, day)
        day = add_months(day, HALF_YEARLY_MONTHS if half else YEARLY_MONTHS)
        if day > on:
            break
        reason = ReviewTask.Reason.HALF_YEARLY if half else ReviewTask.Reason.YEARLY
        out.append((reason, day, ""))
    if entitlement.review_due is not None:
        out.append((ReviewTask.Reason.DEATH, entitlement.review_due, entitlement.review_reason))
    if entitlement.programme == "tekun":
        for m in entitlement.application.members.all():
            if not m.counted:
                continue
            for age in TEKUN_AGES:
                birthday = _birthday(m.birth_date, age)
                if entitlement.first_month <= birthday <= on:
                    out.append((ReviewTask.Reason.AGE, birthday, f"{m.name}年满{age}周岁"))
    return sorted(out, key=lambda r: (r[1], r[0]))


def review_schedule(*, actor, on: dt.date | None = None) -> list[ReviewTask]:
    """Make the review tasks due by ``on`` (today) for the benefits in ``actor``'s reach
    that have none yet."""
    if actor is None or not actor.is_authenticated or not actor.can.works_cases:
        audit_record(
            actor=actor,
            action="integrity.review_schedule",
            outcome=AuditEntry.Outcome.DENIED,
        )
        raise PermissionDenied("only case workers schedule reviews")
    on = on or today()
    made: list[ReviewTask] = []
    entitlements = (
        Entitlement.objects.filter(
            status=Entitlement.Status.ACTIVE, household__in=households_for(actor)
        )
        .select_related("application", "household__community")
        .prefetch_related("application__members", "application__incomes")
        .order_by("id")
    )
    existing = set(ReviewTask.objects.values_list("entitlement_id", "reason", "due_on"))
    for entitlement in entitlements:
        for reason, due, detail in due_reviews(entitlement, on):
            if (entitlement.pk, reason, due) in existing:
                continue
            note = f"定期复查：{REASON_ZH[reason]}，应于{due:%Y年%-m月%-d日}复查"
            if detail:
                note = f"{note}（{detail}）"
            try:
                with transaction.atomic():
                    task = task_create(
                        actor=actor,
                        household=entitlement.household,
                        origin=Task.Origin.REFERRAL,
                        note=note,
                    )
                    made.append(
                        ReviewTask.objects.create(
                            entitlement=entitlement,
                            reason=reason,
                            due_on=due,
                            detail=detail[:200],
                            task=task,
                        )
                    )
            except IntegrityError:  # made meanwhile by another run
                continue
            existing.add((entitlement.pk, reason, due))
    return made
