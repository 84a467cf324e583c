"""Casework writes. Each is keyword-only, runs in a transaction, checks the actor's permission
itself (objects are loaded through :mod:`doudi.casework.access` by the caller and checked
again here), validates, and writes the audit log. ``actor=None`` is the system (the
post-monitoring hook, the command line).

No decision is automated: a warning makes a task, never a grant, a denial or a stop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.audit.actions import audit_record, audit_record_many
from doudi.audit.models import AuditEntry
from doudi.casework.access import grants_for, referrals_for, tasks_for, visits_for
from doudi.casework.models import (
    AssistGrant,
    Attachment,
    Disposition,
    Notification,
    PolicyParameter,
    Provider,
    Referral,
    SavedFilter,
    ServiceSession,
    Task,
    TaskEvent,
    VerificationDraw,
    Visit,
)
from doudi.casework.selectors import FILTER_KEYS, ParameterIndex, officers_of
from doudi.common.bulk import rows_insert
from doudi.common.display import yuan
from doudi.engine import idnumber
from doudi.monitoring.models import Warning, WarningChange
from doudi.monitoring.selectors import today
from doudi.registry.models import Household, Jurisdiction
from doudi.workdays.selectors import CalendarMissing, WorkCalendar

log = logging.getLogger("doudi.casework")

CAUSES = (
    "illness",
    "disability",
    "schooling",
    "disaster",
    "unemployment",
    "old_age",
    "lack_of_labour",
    "accident",
    "other",
)
PROGRAMME_NEEDS = ("cash", "medical_aid", "education_aid", "housing", "employment")
SERVICE_NEEDS = ("tutoring", "psychological_comfort", "daily_care", "companionship")
NEEDS = PROGRAMME_NEEDS + SERVICE_NEEDS
MIN_VISITORS = 2
MIN_REASON = 4


def _now():
    return timezone.now()


def _denied(actor, action: str, object_type: str, object_id="", request=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
    )


def _event(task: Task, event: str, actor=None, **detail) -> None:
    TaskEvent.objects.create(task=task, kind=event, actor=actor, detail=detail)


def _notices(*, users, kind: str, text: str, url: str = "") -> list[dict]:
    """The rows of :func:`notify`: one per distinct user."""
    return [
        {"user_id": pk, "kind": kind, "text": text[:300], "url": url[:200]}
        for pk in {u.pk: u for u in users if u is not None}
    ]


def notify(*, users, kind: str, text: str, url: str = "") -> int:
    """In-app notices (no external service). ``text`` holds no ID number or health fact."""
    return rows_insert(Notification, _notices(users=users, kind=kind, text=text, url=url))


def _task_url(task: Task) -> str:
    return reverse("casework:task", args=[task.pk])


def _task_url_maker():
    """``pk → the task's page``, reversing the route once (a job that notifies about
    thousands of tasks)."""
    marker = 987654321
    pattern = reverse("casework:task", args=[marker])
    head, _, tail = pattern.partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _reviewers_of(street_code: str):
    return get_user_model().objects.filter(
        role=Role.STREET_REVIEWER, jurisdiction__code=street_code, is_active=True
    )


def _bureau_users():
    return get_user_model().objects.filter(role=Role.DISTRICT_BUREAU, is_active=True)


# --- parameters ------------------------------------------------------------------------------

PARAMETER_RULES = {
    PolicyParameter.Name.ASSIST_FIRST_LIMIT: (Decimal(0), Decimal(10**9), True),
    PolicyParameter.Name.ASSIST_FIRST_PAPERWORK_DAYS: (Decimal(1), Decimal(120), True),
    PolicyParameter.Name.INVESTIGATION_DAYS: (Decimal(1), Decimal(60), True),
    PolicyParameter.Name.VERIFICATION_SHARE: (Decimal(0), Decimal(1), False),
    PolicyParameter.Name.VISIT_CAPACITY: (Decimal(0), Decimal(100000), True),
    PolicyParameter.Name.REMOTE_VISITS: (Decimal(0), Decimal(1), True),
}


def policy_parameter_create(
    *,
    actor,
    name: str,
    area_code: str,
    value: Decimal,
    effective_from: dt.date,
    source: str,
    request=None,
) -> PolicyParameter:
    """A new dated value of a casework parameter (district bureau). Earlier values stay: the
    one in force on a date is looked up by its effective date."""
    if actor is None or not actor.can.edits_casework_policy:
        _denied(actor, "casework.parameter_create", "policy_parameter", request=request)
        raise PermissionDenied("only the district bureau sets casework parameters")
    problems = []
    if name not in PARAMETER_RULES:
        problems.append("未知的参数")
    area_code = (area_code or "").strip()
    if area_code and not Jurisdiction.objects.filter(code=area_code).exists():
        problems.append("区划代码不存在：请填写区、街道或社区的代码，或留空表示全区")
    source = (source or "").strip()
    if len(source) < MIN_REASON:
        problems.append("请填写依据（文件名称和文号，至少4个字）")
    if name in PARAMETER_RULES:
        low, high, whole = PARAMETER_RULES[name]
        if not low <= value <= high:
            problems.append(f"数值须在 {low} 至 {high} 之间")
        elif whole and value != value.to_integral_value():
            problems.append("数值须为整数")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        row = PolicyParameter.objects.create(
            name=name,
            area_code=area_code,
            value=value,
            effective_from=effective_from,
            source=source[:300],
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="casework.parameter_create",
            object_type="policy_parameter",
            object_id=row.pk,
            request=request,
            detail={
                "name": name,
                "area_code": area_code,
                "value": str(value),
                "effective_from": effective_from.isoformat(),
                "source": source[:300],
            },
        )
    return row


# --- deadlines -------------------------------------------------------------------------------


def _deadline(
    start: dt.date, *, area_code: str, days: ParameterIndex, calendar: WorkCalendar
) -> tuple[dt.date | None, str]:
    """(due date, note): the n-th working day after ``start`` by the official calendar, or no
    date and the reason (a year without a holiday table, or no parameter) — never a guess."""
    n = days.value_for(area_code)
    if n is None:
        return None, f"未设定“{PolicyParameter.Name(days.name).label}”参数，无法计算期限"
    try:
        return calendar.add(start, int(n)), ""
    except CalendarMissing as exc:
        return None, str(exc)[:300]


# --- tasks -----------------------------------------------------------------------------------


def _warning_task_history() -> tuple[set, dict, dict]:
    """(warnings with an open task, each warning's last task time, each warning's last
    new/reopened/escalated change time)."""
    busy = set(
        Task.objects.filter(closed_at__isnull=True, warning__isnull=False).values_list(
            "warning_id", flat=True
        )
    )
    last_task = dict(
        Task.objects.filter(warning__isnull=False)
        .values("warning_id")
        .annotate(last=Max("created_at"))
        .values_list("warning_id", "last")
    )
    last_change = dict(
        WarningChange.objects.filter(
            kind__in=[
                WarningChange.Kind.NEW,
                WarningChange.Kind.REOPENED,
                WarningChange.Kind.ESCALATED,
            ]
        )
        .values("warning_id")
        .annotate(last=Max("created_at"))
        .values_list("warning_id", "last")
    )
    return busy, last_task, last_change


@transaction.atomic
def tasks_from_warnings(*, run) -> int:
    """One open task per open warning (idempotent). A warning gets a new task when it has no
    open one and it was made, reopened or escalated after its last task (a household visited
    and closed is not sent again unless monitoring sees it worsen). The task is due within
    the investigation deadline in working days from the run's date."""
    warnings = list(
        Warning.objects.filter(status=Warning.Status.OPEN).values_list(
            "id",
            "household_id",
            "household__community_id",
            "household__community__code",
            "created_at",
        )
    )
    busy, last_task, last_change = _warning_task_history()
    on = run.as_of
    days = ParameterIndex(PolicyParameter.Name.INVESTIGATION_DAYS, on=on)
    calendar = WorkCalendar()
    deadlines: dict[str, tuple[dt.date | None, str]] = {}  # by community: one per area
    created = []
    for warning_id, household_id, community_id, community_code, warned_at in warnings:
        if warning_id in busy:
            continue
        changed = last_change.get(warning_id)
        previous = last_task.get(warning_id)
        if previous is not None and (changed is None or changed <= previous):
            continue
        if community_code not in deadlines:
            deadlines[community_code] = _deadline(
                on, area_code=community_code, days=days, calendar=calendar
            )
        due_on, note = deadlines[community_code]
        created.append(
            {
                "household_id": household_id,
                "community_id": community_id,
                "warning_id": warning_id,
                "origin": Task.Origin.WARNING,
                "accepted_on": on,
                "due_on": due_on,
                "due_note": note,
                "started_at": changed or warned_at,
            }
        )
    now = _now()
    rows_insert(Task, created, now=now)
    # the new tasks' ids: each is its warning's one open task
    task_of = (
        dict(
            Task.objects.filter(closed_at__isnull=True, warning__isnull=False).values_list(
                "warning_id", "id"
            )
        )
        if created
        else {}
    )
    rows_insert(
        TaskEvent,
        (
            {
                "task_id": task_of[t["warning_id"]],
                "kind": TaskEvent.Kind.CREATED,
                "detail": {"run": run.pk},
            }
            for t in created
        ),
        now=now,
    )
    if created:
        audit_record(
            action="casework.tasks_from_warnings",
            object_type="monitoring_run",
            object_id=run.pk,
            detail={
                "created": len(created),
                "without_deadline": sum(1 for t in created if t["due_on"] is None),
            },
        )
    return len(created)


def task_create(*, actor, household: Household, origin: str, note: str, request=None) -> Task:
    """A task made by hand for a walk-in or a referral (the household is loaded through the
    access layer by the caller)."""
    from doudi.registry.access import households_for

    if (
        actor is None
        or not actor.can.works_cases
        or not households_for(actor).filter(pk=household.pk).exists()
    ):
        _denied(actor, "casework.task_create", "household", household.pk, request)
        raise PermissionDenied("not a household of your jurisdiction")
    if origin not in (Task.Origin.WALK_IN, Task.Origin.REFERRAL):
        raise ValidationError("来源只能是“主动求助”或“转介”")
    note = (note or "").strip()
    if len(note) < MIN_REASON:
        raise ValidationError("请写明求助或转介的情况（至少4个字）")
    on = today()
    due_on, due_note = _deadline(
        on,
        area_code=household.community.code,
        days=ParameterIndex(PolicyParameter.Name.INVESTIGATION_DAYS, on=on),
        calendar=WorkCalendar(),
    )
    with transaction.atomic():
        task = Task.objects.create(
            household=household,
            community=household.community,
            origin=origin,
            note=note[:500],
            accepted_on=on,
            due_on=due_on,
            due_note=due_note,
            started_at=_now(),
            created_by=actor,
        )
        _event(task, TaskEvent.Kind.CREATED, actor, origin=origin)
        audit_record(
            actor=actor,
            action="casework.task_create",
            object_type="task",
            object_id=task.pk,
            request=request,
            detail={"origin": origin, "household": household.pk},
        )
    return task


def _check_task(actor, task: Task, action: str, request=None, *, capability="works_cases"):
    if (
        actor is None
        or not getattr(actor.can, capability)
        or not tasks_for(actor).filter(pk=task.pk).exists()
    ):
        _denied(actor, action, "task", task.pk, request)
        raise PermissionDenied("not a task of your jurisdiction")


def _assign(task: Task, assignee, actor, now) -> None:
    task.assignee = assignee
    if task.status == Task.Status.OPEN:
        task.status = Task.Status.ASSIGNED
    task.assigned_at = task.assigned_at or now
    task.save(update_fields=["assignee", "status", "assigned_at"])
    _event(task, TaskEvent.Kind.ASSIGNED, actor, assignee=assignee.username)


def task_assign(*, actor, task: Task, assignee, request=None) -> Task:
    """Give a task to a community officer of its community."""
    _check_task(actor, task, "casework.task_assign", request, capability="assigns_tasks")
    if not task.is_open:
        raise ValidationError("任务已结案，不能再分派")
    if (
        assignee is None
        or assignee.role != Role.COMMUNITY_OFFICER
        or assignee.jurisdiction_id != task.community_id
        or not assignee.is_active
    ):
        raise ValidationError("只能分派给本社区的社区救助干事")
    with transaction.atomic():
        _assign(task, assignee, actor, _now())
        notify(
            users=[assignee],
            kind=Notification.Kind.ASSIGNED,
            text=f"新分派的入户核查任务：户号 {task.household.hukou_no}",
            url=_task_url(task),
        )
        audit_record(
            actor=actor,
            action="casework.task_assign",
            object_type="task",
            object_id=task.pk,
            request=request,
            detail={"assignee": assignee.username},
        )
    return task


def tasks_assign_bulk(*, actor, tasks: list[Task], assignee=None, request=None) -> dict[str, int]:
    """Assign many tasks at once: to one officer, or (``assignee=None``) spread over the
    officers of each task's community, each task to whoever has the fewest open tasks then
    (ties: the earliest account). Returns tasks assigned per officer."""
    if actor is None or not actor.can.assigns_tasks:
        _denied(actor, "casework.task_assign", "task", request=request)
        raise PermissionDenied("role may not assign tasks")
    ids = [t.pk for t in tasks]
    allowed = set(
        tasks_for(actor).filter(pk__in=ids, closed_at__isnull=True).values_list("pk", flat=True)
    )
    if len(allowed) != len(set(ids)):
        _denied(actor, "casework.task_assign", "task", request=request)
        raise PermissionDenied("not tasks of your jurisdiction, or already closed")
    by_community: dict[int, list[Task]] = defaultdict(list)
    for task in sorted(tasks, key=lambda t: t.pk):
        by_community[task.community_id].append(task)
    plan: list[tuple[Task, object]] = []
    for community_id, group in by_community.items():
        if assignee is not None:
            if assignee.role != Role.COMMUNITY_OFFICER or assignee.jurisdiction_id != community_id:
                raise ValidationError("只能分派给本社区的社区救助干事")
            plan += [(t, assignee) for t in group]
            continue
        officers = list(officers_of(Jurisdiction.objects.get(pk=community_id)))
        if not officers:
            raise ValidationError(f"{group[0].community.name}没有社区救助干事，无法分派")
        load = {o.pk: o.load for o in officers}
        for task in group:
            if task.assignee_id in load:  # moving a task off an officer lightens their load
                load[task.assignee_id] -= 1
            chosen = min(officers, key=lambda o: (load[o.pk], o.pk))
            load[chosen.pk] += 1
            plan.append((task, chosen))
    counts: dict[str, int] = defaultdict(int)
    now = _now()
    with transaction.atomic():
        for task, officer in plan:
            _assign(task, officer, actor, now)
            counts[officer.username] += 1
        for officer in {o.pk: o for _t, o in plan}.values():
            n = counts[officer.username]
            notify(
                users=[officer],
                kind=Notification.Kind.ASSIGNED,
                text=f"新分派了 {n} 个入户核查任务",
                url=reverse("casework:queue") + f"?officer={officer.pk}",
            )
        audit_record(
            actor=actor,
            action="casework.task_assign",
            object_type="task",
            request=request,
            detail={"tasks": sorted(t.pk for t, _o in plan), "assigned": dict(counts)},
        )
    return dict(counts)


def task_close(*, actor, task: Task, request=None) -> Task:
    """Close a task after its visit. Confirmed hardship needs at least one disposition, and
    an assist-first grant of the task must have its paperwork complete."""
    _check_task(actor, task, "casework.task_close", request)
    if not task.is_open:
        raise ValidationError("任务已结案")
    if task.status != Task.Status.VISITED:
        raise ValidationError("尚未完成入户核查，不能结案")
    if task.outcome == Task.Outcome.CONFIRMED and not task.dispositions.exists():
        raise ValidationError(
            "困难属实的个案须先登记处置方式（启动申请、转办推送、一事一议或核实终止）"
        )
    if task.assist_grants.filter(paperwork_completed_at__isnull=True).exists():
        raise ValidationError("先行救助的手续尚未补齐，不能结案：请先补齐签字、盖章等手续")
    with transaction.atomic():
        task.status, task.closed_at = Task.Status.CLOSED, _now()
        task.save(update_fields=["status", "closed_at"])
        _event(task, TaskEvent.Kind.CLOSED, actor)
        audit_record(
            actor=actor,
            action="casework.task_close",
            object_type="task",
            object_id=task.pk,
            request=request,
            detail={"outcome": task.outcome},
        )
    return task


@transaction.atomic
def tasks_escalate_overdue(*, on: dt.date | None = None) -> int:
    """Tasks past their due date with no visit yet go to the street reviewer (once)."""
    on = on or today()
    overdue = list(
        Task.objects.select_for_update(of=("self",))
        .filter(
            closed_at__isnull=True,
            visited_at__isnull=True,
            escalated_at__isnull=True,
            due_on__lt=on,
        )
        .select_related("household", "community__parent", "assignee")
        .order_by("due_on", "household__hukou_no")
    )
    now = _now()
    reviewers: dict[str, list] = {}  # by street code
    events, notices, entries = [], [], []
    task_url = _task_url_maker() if overdue else None
    for task in overdue:
        task.escalated_at = now
        events.append(
            {
                "task_id": task.pk,
                "kind": TaskEvent.Kind.ESCALATED,
                "actor_id": None,
                "detail": {"due_on": task.due_on.isoformat()},
            }
        )
        street = task.community.parent
        code = street.code if street else ""
        if code not in reviewers:
            reviewers[code] = list(_reviewers_of(code))
        url = task_url(task.pk)
        notices += _notices(
            users=reviewers[code],
            kind=Notification.Kind.ESCALATED,
            text=(
                f"入户核查逾期（应于 {task.due_on.isoformat()} 前启动）："
                f"{task.community.name} 户号 {task.household.hukou_no}"
            ),
            url=url,
        )
        notices += _notices(
            users=[task.assignee],
            kind=Notification.Kind.OVERDUE,
            text=f"入户核查任务已逾期：户号 {task.household.hukou_no}",
            url=url,
        )
        entries.append(
            {
                "action": "casework.task_escalate",
                "object_type": "task",
                "object_id": task.pk,
                "detail": {"due_on": task.due_on.isoformat(), "street": code},
            }
        )
    ids = [task.pk for task in overdue]
    for start in range(0, len(ids), 500):
        Task.objects.filter(pk__in=ids[start : start + 500]).update(escalated_at=now)
    rows_insert(TaskEvent, events, now=now)
    rows_insert(Notification, notices, now=now)
    audit_record_many(entries)
    return len(overdue)


def casework_after_monitoring_run(*, run) -> None:
    """The monitoring post-run hook (settings.DOUDI_MONITORING_POST_RUN): tasks for the open
    warnings, escalation of overdue tasks, reminders for assist-first paperwork."""
    tasks_from_warnings(run=run)
    tasks_escalate_overdue(on=run.as_of)
    assist_paperwork_chase(on=run.as_of)


# --- home visits -----------------------------------------------------------------------------


def visit_start(*, actor, task: Task, request=None) -> Visit:
    """The task's visit draft (the one already started, or a new one)."""
    _check_task(actor, task, "casework.visit_start", request)
    if not task.is_open:
        raise ValidationError("任务已结案")
    draft = task.visits.filter(status=Visit.Status.DRAFT).order_by("-id").first()
    if draft is not None:
        return draft
    with transaction.atomic():
        visit = Visit.objects.create(task=task, household=task.household, recorded_by=actor)
        audit_record(
            actor=actor,
            action="casework.visit_start",
            object_type="visit",
            object_id=visit.pk,
            request=request,
            detail={"task": task.pk},
        )
    return visit


def _check_visit(actor, visit: Visit, action: str, request=None) -> None:
    if (
        actor is None
        or not actor.can.works_cases
        or not visits_for(actor).filter(pk=visit.pk).exists()
    ):
        _denied(actor, action, "visit", visit.pk, request)
        raise PermissionDenied("not a visit of your jurisdiction")


DRAFT_FIELD_LIMIT = 4000


def visit_draft_save(*, actor, visit: Visit, data: dict, request=None) -> Visit:
    """Keep the form as typed (text only, nothing validated: a half-filled form is saved)."""
    _check_visit(actor, visit, "casework.visit_draft", request)
    if visit.status != Visit.Status.DRAFT:
        raise ValidationError("走访记录已完成，不能再修改草稿")
    clean: dict = {}
    for key, value in list(data.items())[:60]:
        key = str(key)[:40]
        if isinstance(value, list):
            clean[key] = [str(v)[:200] for v in value[:40]]
        else:
            clean[key] = str(value)[:DRAFT_FIELD_LIMIT]
    with transaction.atomic():
        visit.draft, visit.draft_saved_at = clean, _now()
        visit.save(update_fields=["draft", "draft_saved_at"])
        audit_record(
            actor=actor,
            action="casework.visit_draft",
            object_type="visit",
            object_id=visit.pk,
            request=request,
        )
    return visit


def remote_visits_allowed(*, area_code: str, on: dt.date) -> bool:
    value = ParameterIndex(PolicyParameter.Name.REMOTE_VISITS, on=on).value_for(area_code)
    return bool(value)


def visit_complete(
    *,
    actor,
    visit: Visit,
    visited_on: dt.date,
    mode: str,
    visitors: list[str],
    members_present: list[int],
    member_confirmed_by: str,
    living_conditions: str,
    observed_income_fen: int | None,
    observed_spending_fen: int | None,
    hardship: int | None,
    causes: list[str],
    needs: list[str],
    notes: str,
    outcome: str,
    visitors_confirmed: bool,
    request=None,
) -> Visit:
    """Record the visit and its outcome. The outcome (confirmed or not) becomes a label for the
    monitoring model (:func:`doudi.monitoring.actions.visit_outcome_record`)."""
    from doudi.monitoring.actions import visit_outcome_record

    _check_visit(actor, visit, "casework.visit_complete", request)
    if visit.status != Visit.Status.DRAFT:
        raise ValidationError("走访记录已完成")
    names = [v.strip() for v in visitors if v and v.strip()]
    problems = _visit_problems(
        visit,
        names=names,
        visited_on=visited_on,
        mode=mode,
        causes=causes,
        needs=needs,
        outcome=outcome,
        visitors_confirmed=visitors_confirmed,
        member_confirmed_by=member_confirmed_by,
    )
    if problems:
        raise ValidationError(problems)
    now = _now()
    task = visit.task
    with transaction.atomic():
        visit.visited_on, visit.mode, visit.visitors = visited_on, mode, names
        visit.visitors_confirmed = visitors_confirmed
        visit.members_present = sorted(set(members_present))
        visit.member_confirmed_by = (member_confirmed_by or "").strip()[:64]
        visit.living_conditions = living_conditions or ""
        visit.observed_income_fen, visit.observed_spending_fen = (
            observed_income_fen,
            observed_spending_fen,
        )
        visit.hardship, visit.causes, visit.needs = (
            hardship,
            sorted(set(causes)),
            sorted(set(needs)),
        )
        visit.notes, visit.outcome = notes or "", outcome
        visit.status, visit.completed_at = Visit.Status.COMPLETED, now
        visit.save()
        task.outcome = outcome
        if task.status in (Task.Status.OPEN, Task.Status.ASSIGNED):
            task.status = Task.Status.VISITED
        task.visited_at = task.visited_at or now
        task.save(update_fields=["outcome", "status", "visited_at"])
        _event(task, TaskEvent.Kind.VISITED, actor, outcome=outcome, visit=visit.pk)
        if outcome != Task.Outcome.UNREACHABLE:
            visit_outcome_record(
                actor=actor,
                household=visit.household,
                visited_on=visited_on,
                hardship_confirmed=outcome == Task.Outcome.CONFIRMED,
                note=",".join(sorted(set(causes)))[:500],
                # a random verification visit: the model weighs it by 1 / its probability
                selection_probability=task.selection_probability
                if task.origin == Task.Origin.RANDOM
                else None,
            )
        audit_record(
            actor=actor,
            action="casework.visit_complete",
            object_type="visit",
            object_id=visit.pk,
            request=request,
            detail={
                "task": task.pk,
                "outcome": outcome,
                "mode": mode,
                "visitors": len(names),
                "causes": sorted(set(causes)),
            },
        )
    return visit


def _visit_problems(
    visit: Visit,
    *,
    names: list[str],
    visited_on: dt.date,
    mode: str,
    causes: list[str],
    needs: list[str],
    outcome: str,
    visitors_confirmed: bool,
    member_confirmed_by: str,
) -> list[str]:
    """What is wrong with a visit record, one plain line a problem (empty when it is whole)."""
    problems = []
    if len(set(names)) < MIN_VISITORS:
        problems.append("走访人员：入户调查须由至少两名工作人员进行")
    if visited_on > today():
        problems.append("走访日期：不能晚于今天")
    if mode not in Visit.Mode.values:
        problems.append("走访方式：请选择")
    elif mode != Visit.Mode.IN_PERSON and not remote_visits_allowed(
        area_code=visit.household.community.code, on=visited_on
    ):
        problems.append("走访方式：现行政策未允许电话或视频核查，须入户")
    unknown = sorted(set(causes) - set(CAUSES))
    if unknown:
        problems.append("致困原因：有无法识别的选项")
    if sorted(set(needs) - set(NEEDS)):
        problems.append("需求：有无法识别的选项")
    if outcome not in Task.Outcome.values:
        problems.append("核查结论：请选择")
    if outcome == Task.Outcome.CONFIRMED and not causes:
        problems.append("致困原因：困难属实时至少选择一项")
    if outcome != Task.Outcome.UNREACHABLE and not visitors_confirmed:
        problems.append("确认：请走访人员确认记录属实")
    if outcome != Task.Outcome.UNREACHABLE and not (member_confirmed_by or "").strip():
        problems.append("确认：请填写确认记录的家庭成员姓名")
    return problems


# Magic numbers of the accepted kinds, and what must be found at the end of a whole file.
SIGNATURES = (
    (b"\xff\xd8\xff", Attachment.Kind.JPEG, ".jpg", b"\xff\xd9"),
    (b"\x89PNG\r\n\x1a\n", Attachment.Kind.PNG, ".png", b"IEND"),
    (b"%PDF-", Attachment.Kind.PDF, ".pdf", b"%%EOF"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) when ``data`` is a whole JPEG, PNG or PDF file, else None —
    judged by its bytes, never by its name or the browser's word."""
    for magic, kind, ext, end in SIGNATURES:
        if data.startswith(magic) and end in data[-1024:]:
            return str(kind), ext
    return None


def attachment_add(*, actor, visit: Visit, name: str, data: bytes, request=None) -> Attachment:
    """Store a photo or PDF of a visit privately (outside static and media)."""
    _check_visit(actor, visit, "casework.attachment_add", request)
    limit = settings.DOUDI_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(f"附件：文件超过 {limit // (1024 * 1024)} MB，请压缩后再上传")
    if not data:
        raise ValidationError("附件：文件是空的")
    kind = sniff(data)
    if kind is None:
        raise ValidationError("附件：只能上传真实的 JPEG、PNG 图片或 PDF 文件")
    content_type, ext = kind
    relative = Path("attachments") / f"{today():%Y}" / f"{uuid.uuid4().hex}{ext}"
    target = Path(settings.DOUDI_PRIVATE_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    clean_name = Path(str(name or "")).name.replace("\x00", "")[:120] or f"附件{ext}"
    with target.open("xb") as fh:
        fh.write(data)
    target.chmod(0o600)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                visit=visit,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                name=clean_name,
                path=str(relative),
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="casework.attachment_add",
                object_type="attachment",
                object_id=attachment.pk,
                request=request,
                detail={"visit": visit.pk, "type": content_type, "size": len(data)},
            )
    except BaseException:
        target.unlink(missing_ok=True)  # no file without its record
        raise
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.DOUDI_PRIVATE_DIR) / attachment.path


# --- dispositions ----------------------------------------------------------------------------


def disposition_record(
    *,
    actor,
    task: Task,
    kind: str,
    department: str = "",
    detail: str = "",
    decision: str = "",
    request=None,
) -> Disposition:
    """One of the four dispositions of confirmed hardship (POLICY §4.3). A person decides;
    nothing is granted, denied or stopped by the system."""
    _check_task(actor, task, "casework.disposition", request)
    if not task.is_open or task.outcome != Task.Outcome.CONFIRMED:
        raise ValidationError("只有困难属实且未结案的个案才能登记处置方式")
    if kind not in Disposition.Kind.values:
        raise ValidationError("处置方式：请选择")
    department, detail, decision = (department or "").strip(), detail or "", decision or ""
    if kind == Disposition.Kind.REFERRAL and not department:
        raise ValidationError("转办部门：请填写接收转办的部门")
    if kind == Disposition.Kind.CONFERENCE and len(decision.strip()) < MIN_REASON:
        raise ValidationError("一事一议：请记录会议的决定（至少4个字）")
    if kind == Disposition.Kind.VERIFY_END and len(detail.strip()) < MIN_REASON:
        raise ValidationError("核实终止：请写明核实的情况（至少4个字）")
    with transaction.atomic():
        disposition = Disposition.objects.create(
            task=task,
            kind=kind,
            department=department[:64],
            detail=detail,
            decision=decision,
            decided_by=actor,
        )
        if task.disposed_at is None:
            task.disposed_at = disposition.created_at
            task.save(update_fields=["disposed_at"])
        _event(task, TaskEvent.Kind.DISPOSITION, actor, kind=kind)
        audit_record(
            actor=actor,
            action="casework.disposition",
            object_type="task",
            object_id=task.pk,
            request=request,
            detail={"kind": kind, "department": department[:64]},
        )
    return disposition


def disposition_acknowledge(
    *, actor, disposition: Disposition, note: str, request=None
) -> Disposition:
    """The receiving department acknowledged a referral push (recorded by the officer)."""
    _check_task(actor, disposition.task, "casework.disposition_ack", request)
    if disposition.kind != Disposition.Kind.REFERRAL or disposition.acknowledged_at:
        raise ValidationError("只有尚未签收的转办推送可以登记签收")
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationError("签收情况：请写明签收人或签收方式")
    with transaction.atomic():
        disposition.acknowledged_at, disposition.acknowledged_note = _now(), note[:300]
        disposition.save(update_fields=["acknowledged_at", "acknowledged_note"])
        audit_record(
            actor=actor,
            action="casework.disposition_ack",
            object_type="task",
            object_id=disposition.task_id,
            request=request,
            detail={"disposition": disposition.pk},
        )
    return disposition


# --- service assistance ----------------------------------------------------------------------


def provider_create(
    *,
    actor,
    kind: str,
    name: str,
    skills: list[str],
    area_codes: list[str],
    capacity: int,
    user=None,
    request=None,
) -> Provider:
    """Add a provider to the registry (district bureau)."""
    if actor is None or not actor.can.edits_casework_policy:
        _denied(actor, "casework.provider_create", "provider", request=request)
        raise PermissionDenied("only the district bureau keeps the provider registry")
    problems = []
    if kind not in Provider.Kind.values:
        problems.append("类别：请选择")
    name = (name or "").strip()
    if len(name) < 2:
        problems.append("名称：至少2个字")
    if not skills or set(skills) - set(SERVICE_NEEDS):
        problems.append("服务技能：请从列表中选择")
    areas = list(Jurisdiction.objects.filter(code__in=area_codes))
    if not areas or len(areas) != len(set(area_codes)):
        problems.append("服务区域：请选择街道或社区")
    if not 1 <= capacity <= 200:
        problems.append("容量：须在1至200之间")
    if user is not None and (user.role != Role.SERVICE_PROVIDER or hasattr(user, "provider")):
        problems.append("登录账号：须是尚未关联服务方的社工/志愿者账号")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        provider = Provider.objects.create(
            kind=kind, name=name[:100], skills=sorted(set(skills)), capacity=capacity, user=user
        )
        provider.areas.set(areas)
        audit_record(
            actor=actor,
            action="casework.provider_create",
            object_type="provider",
            object_id=provider.pk,
            request=request,
            detail={"kind": kind, "skills": sorted(set(skills)), "areas": sorted(area_codes)},
        )
    return provider


def referral_create(
    *, actor, task: Task, provider: Provider, need: str, note: str = "", request=None
) -> Referral:
    """Refer a household's service need to a provider who has the skill, serves the area and
    has room."""
    from doudi.casework.selectors import providers_matching

    _check_task(actor, task, "casework.referral_create", request)
    if not task.is_open or task.outcome != Task.Outcome.CONFIRMED:
        raise ValidationError("只有困难属实且未结案的个案才能转介服务")
    if need not in SERVICE_NEEDS:
        raise ValidationError("服务需求：请选择")
    if provider.pk not in {p.pk for p in providers_matching(need=need, community=task.community)}:
        raise ValidationError("该服务方不提供这项服务、不服务本社区或已满额，请另选")
    with transaction.atomic():
        referral = Referral.objects.create(
            task=task,
            household=task.household,
            provider=provider,
            need=need,
            note=(note or "")[:500],
            referred_by=actor,
        )
        _event(task, TaskEvent.Kind.REFERRAL, actor, provider=provider.pk, need=need)
        notify(
            users=[provider.user],
            kind=Notification.Kind.REFERRAL_NEW,
            text=f"新的服务转介：{task.community.name}",
            url=reverse("casework:referral", args=[referral.pk]),
        )
        audit_record(
            actor=actor,
            action="casework.referral_create",
            object_type="referral",
            object_id=referral.pk,
            request=request,
            detail={"task": task.pk, "provider": provider.pk, "need": need},
        )
    return referral


def _check_provider(actor, referral: Referral, action: str, request=None) -> None:
    if (
        actor is None
        or not actor.can.provides_services
        or referral.provider.user_id != actor.pk
        or not referrals_for(actor).filter(pk=referral.pk).exists()
    ):
        _denied(actor, action, "referral", referral.pk, request)
        raise PermissionDenied("not a referral made to you")


def referral_respond(
    *, actor, referral: Referral, accept: bool, reason: str = "", request=None
) -> Referral:
    """The provider accepts or declines a referral made to them."""
    _check_provider(actor, referral, "casework.referral_respond", request)
    if referral.status != Referral.Status.PROPOSED:
        raise ValidationError("这条转介已经答复过了")
    reason = (reason or "").strip()
    if not accept and len(reason) < MIN_REASON:
        raise ValidationError("请写明不能接受的原因（至少4个字）")
    with transaction.atomic():
        referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
        referral.responded_at, referral.decline_reason = _now(), "" if accept else reason[:300]
        referral.save(update_fields=["status", "responded_at", "decline_reason"])
        kind = (
            Notification.Kind.REFERRAL_ACCEPTED if accept else Notification.Kind.REFERRAL_DECLINED
        )
        word = "已接受" if accept else "未接受"
        notify(
            users=[referral.referred_by, referral.task.assignee],
            kind=kind,
            text=f"{referral.provider.name}{word}服务转介（户号 {referral.household.hukou_no}）",
            url=_task_url(referral.task),
        )
        audit_record(
            actor=actor,
            action="casework.referral_respond",
            object_type="referral",
            object_id=referral.pk,
            request=request,
            detail={"accepted": accept},
        )
    return referral


def session_log(
    *, actor, referral: Referral, held_on: dt.date, minutes: int, summary: str, request=None
) -> ServiceSession:
    """A service session the provider held (date, length, what was done). The first one is
    the first help that reached the household."""
    _check_provider(actor, referral, "casework.session_log", request)
    if referral.status != Referral.Status.ACCEPTED:
        raise ValidationError("只有已接受、未完成的转介可以登记服务")
    problems = []
    if held_on > today():
        problems.append("服务日期：不能晚于今天")
    if not 1 <= minutes <= 24 * 60:
        problems.append("时长：须在1至1440分钟之间")
    summary = (summary or "").strip()
    if len(summary) < MIN_REASON:
        problems.append("服务内容：至少4个字")
    if problems:
        raise ValidationError(problems)
    task = referral.task
    with transaction.atomic():
        session = ServiceSession.objects.create(
            referral=referral,
            held_on=held_on,
            minutes=minutes,
            summary=summary[:500],
            logged_by=actor,
        )
        if task.first_help_at is None:
            task.first_help_at = session.created_at
            task.save(update_fields=["first_help_at"])
        audit_record(
            actor=actor,
            action="casework.session_log",
            object_type="referral",
            object_id=referral.pk,
            request=request,
            detail={"held_on": held_on.isoformat(), "minutes": minutes},
        )
    return session


def referral_complete(*, actor, referral: Referral, request=None) -> Referral:
    """The provider marks the service done (after at least one session)."""
    _check_provider(actor, referral, "casework.referral_complete", request)
    if referral.status != Referral.Status.ACCEPTED or not referral.sessions.exists():
        raise ValidationError("登记至少一次服务后才能完成转介")
    with transaction.atomic():
        referral.status, referral.completed_at = Referral.Status.COMPLETED, _now()
        referral.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor,
            action="casework.referral_complete",
            object_type="referral",
            object_id=referral.pk,
            request=request,
        )
    return referral


def referral_rate(*, actor, referral: Referral, rating: int, note: str = "", request=None):
    """The household's rating of a completed service, recorded by its officer."""
    if (
        actor is None
        or not actor.can.works_cases
        or actor.can.provides_services
        or not referrals_for(actor).filter(pk=referral.pk).exists()
    ):
        _denied(actor, "casework.referral_rate", "referral", referral.pk, request)
        raise PermissionDenied("not a referral of your jurisdiction")
    if referral.status != Referral.Status.COMPLETED:
        raise ValidationError("服务完成后才能评价")
    if not 1 <= int(rating) <= 5:
        raise ValidationError("评价：请选择1至5分")
    with transaction.atomic():
        referral.rating, referral.rating_note = int(rating), (note or "")[:300]
        referral.save(update_fields=["rating", "rating_note"])
        audit_record(
            actor=actor,
            action="casework.referral_rate",
            object_type="referral",
            object_id=referral.pk,
            request=request,
            detail={"rating": int(rating)},
        )
    return referral


# --- assist first (先行救助) ------------------------------------------------------------------


def assist_grant(
    *,
    actor,
    recipient_name: str,
    amount_fen: int,
    reason: str,
    household: Household | None = None,
    task: Task | None = None,
    recipient_id_number: str = "",
    hukou_place: str = "",
    request=None,
) -> AssistGrant:
    """Grant assist-first aid at once, up to the street's delegated limit in force today.
    Wherever the emergency happens, help is given: the recipient need not be registered in
    the street (or at all). Above the limit the grant is refused (and the refusal audited)."""
    if (
        actor is None
        or not actor.can.grants_assist_first
        or actor.jurisdiction is None
        or actor.jurisdiction.level != Jurisdiction.Level.STREET
    ):
        _denied(actor, "casework.assist_grant", "assist_grant", request=request)
        raise PermissionDenied("only a street reviewer grants assist-first aid")
    if task is not None:
        _check_task(actor, task, "casework.assist_grant", request)
        household = task.household
    street, on = actor.jurisdiction, today()
    limit_row = ParameterIndex(PolicyParameter.Name.ASSIST_FIRST_LIMIT, on=on).row_for(street.code)
    problems = []
    recipient_name = (recipient_name or "").strip()
    if not recipient_name:
        problems.append("受助人：请填写姓名")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        problems.append("救助事由：至少4个字")
    if amount_fen is None or amount_fen <= 0:
        problems.append("金额：须大于0")
    number, masked = _recipient_id(recipient_id_number, problems)
    if limit_row is None:
        problems.append("本街道尚未设定先行救助授权额度：请区民政局先在“个案参数”中设定")
    if problems:
        raise ValidationError(problems)
    limit = int(limit_row.value)
    if amount_fen > limit:
        _refuse_over_limit(
            actor, amount_fen=amount_fen, limit=limit, street=street, request=request
        )
    due_on, due_note = _deadline(
        on,
        area_code=street.code,
        days=ParameterIndex(PolicyParameter.Name.ASSIST_FIRST_PAPERWORK_DAYS, on=on),
        calendar=WorkCalendar(),
    )
    now = _now()
    with transaction.atomic():
        grant = AssistGrant.objects.create(
            street=street,
            household=household,
            task=task,
            recipient_name=recipient_name[:64],
            recipient_id_number=number,
            recipient_id_masked=masked,
            hukou_place=(hukou_place or "").strip()[:100],
            amount_fen=amount_fen,
            limit_fen=limit,
            reason=reason[:500],
            granted_by=actor,
            granted_at=now,
            paperwork_due_on=due_on,
            paperwork_due_note=due_note,
        )
        if task is not None:
            if task.first_help_at is None:
                task.first_help_at = now
                task.save(update_fields=["first_help_at"])
            _event(task, TaskEvent.Kind.ASSIST, actor, grant=grant.pk, amount_fen=amount_fen)
        audit_record(
            actor=actor,
            action="casework.assist_grant",
            object_type="assist_grant",
            object_id=grant.pk,
            request=request,
            detail={
                "amount_fen": amount_fen,
                "limit_fen": limit,
                "street": street.code,
                "household": household.pk if household else None,
                "paperwork_due_on": due_on.isoformat() if due_on else None,
            },
        )
    return grant


def _recipient_id(text: str, problems: list[str]) -> tuple[str, str]:
    """An optional recipient ID number as (number, masked); blank when not given or invalid."""
    masked, number = "", ""
    if text.strip():
        try:
            parsed = idnumber.parse(text)
            number, masked = parsed.number, parsed.masked
        except idnumber.InvalidIDNumber:
            problems.append("受助人身份证号码：号码无效，请核对或留空")
    return number, masked


def _refuse_over_limit(
    actor, *, amount_fen: int, limit: int, street: Jurisdiction, request
) -> None:
    """Audit and refuse an assist-first grant above the street's delegated limit."""
    audit_record(
        actor=actor,
        action="casework.assist_grant",
        object_type="assist_grant",
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
        detail={"amount_fen": amount_fen, "limit_fen": limit, "street": street.code},
    )
    raise ValidationError(
        f"金额 {yuan(amount_fen)} 超过本街道先行救助授权额度 {yuan(limit)}，不能先行发放："
        "请按临时救助程序报区民政局审批，或按一事一议办理"
    )


def _check_grant(actor, grant: AssistGrant, action: str, request=None) -> None:
    if (
        actor is None
        or not actor.can.works_cases
        or not grants_for(actor).filter(pk=grant.pk).exists()
    ):
        _denied(actor, action, "assist_grant", grant.pk, request)
        raise PermissionDenied("not a grant of your jurisdiction")


def assist_paperwork_complete(*, actor, grant: AssistGrant, note: str, request=None):
    """The signatures, seals and recipient's statement are in."""
    _check_grant(actor, grant, "casework.assist_paperwork", request)
    if grant.paperwork_completed_at is not None:
        raise ValidationError("手续已补齐")
    note = (note or "").strip()
    if len(note) < MIN_REASON:
        raise ValidationError("补办情况：请写明补齐了哪些手续（至少4个字）")
    with transaction.atomic():
        grant.paperwork_completed_at, grant.paperwork_completed_by = _now(), actor
        grant.paperwork_note = note[:500]
        grant.save(
            update_fields=["paperwork_completed_at", "paperwork_completed_by", "paperwork_note"]
        )
        audit_record(
            actor=actor,
            action="casework.assist_paperwork",
            object_type="assist_grant",
            object_id=grant.pk,
            request=request,
        )
    return grant


def assist_close(*, actor, grant: AssistGrant, request=None) -> AssistGrant:
    """Close an assist-first case: only once its paperwork is complete."""
    _check_grant(actor, grant, "casework.assist_close", request)
    if grant.closed_at is not None:
        raise ValidationError("已结案")
    if grant.paperwork_completed_at is None:
        raise ValidationError("手续尚未补齐，不能结案：请先补齐签字、盖章等手续")
    with transaction.atomic():
        grant.closed_at = _now()
        grant.save(update_fields=["closed_at"])
        audit_record(
            actor=actor,
            action="casework.assist_close",
            object_type="assist_grant",
            object_id=grant.pk,
            request=request,
        )
    return grant


@transaction.atomic
def assist_paperwork_chase(*, on: dt.date | None = None) -> dict[str, int]:
    """A reminder to the granting reviewer on the last working day before the paperwork
    deadline (or later, once); after the deadline, escalation to the district bureau (once).
    Every reminder and escalation is audited."""
    on = on or today()
    calendar = WorkCalendar()
    open_grants = list(
        AssistGrant.objects.select_for_update(of=("self",))
        .filter(paperwork_completed_at__isnull=True, paperwork_due_on__isnull=False)
        .select_related("street", "granted_by")
    )
    now, counts = _now(), {"reminded": 0, "escalated": 0}
    for grant in open_grants:
        url = reverse("casework:grant", args=[grant.pk])
        if grant.paperwork_due_on < on and grant.escalated_at is None:
            grant.escalated_at = now
            grant.save(update_fields=["escalated_at"])
            notify(
                users=[*_bureau_users(), grant.granted_by],
                kind=Notification.Kind.PAPERWORK_OVERDUE,
                text=(
                    f"先行救助手续逾期未补齐（{grant.street.name}，应于 "
                    f"{grant.paperwork_due_on.isoformat()} 前补齐）"
                ),
                url=url,
            )
            audit_record(
                action="casework.assist_escalate",
                object_type="assist_grant",
                object_id=grant.pk,
                detail={"due_on": grant.paperwork_due_on.isoformat()},
            )
            counts["escalated"] += 1
            continue
        if grant.reminded_at is not None or grant.paperwork_due_on < on:
            continue
        try:
            last_day = calendar.between(on, grant.paperwork_due_on) <= 1
        except CalendarMissing:
            last_day = (grant.paperwork_due_on - on).days <= 1
        if last_day:
            grant.reminded_at = now
            grant.save(update_fields=["reminded_at"])
            notify(
                users=[grant.granted_by],
                kind=Notification.Kind.PAPERWORK_DUE,
                text=f"先行救助手续须于 {grant.paperwork_due_on.isoformat()} 前补齐",
                url=url,
            )
            audit_record(
                action="casework.assist_remind",
                object_type="assist_grant",
                object_id=grant.pk,
                detail={"due_on": grant.paperwork_due_on.isoformat()},
            )
            counts["reminded"] += 1
    return counts


# --- random verification visits --------------------------------------------------------------


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def verification_draw(
    *, actor, month: dt.date, seed: int | None = None, request=None
) -> VerificationDraw:
    """Draw this month's random verification visits: in each community of the actor's
    jurisdiction, ``random_verification_share`` × ``monthly_visit_capacity`` households
    (rounded half up) drawn at random among those with no open warning and no open task.
    The draw is reproducible from its recorded seed; each drawn household's task records its
    selection probability (draws ÷ stratum size) for weighting its outcome."""
    if actor is None or not actor.can.edits_casework_policy:
        _denied(actor, "casework.verification_draw", "verification_draw", request=request)
        raise PermissionDenied("only the district bureau draws verification visits")
    month = month.replace(day=1)
    if VerificationDraw.objects.filter(month=month).exists():
        raise ValidationError(f"{month.year}年{month.month}月的随机核查已经抽取过了")
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    share = ParameterIndex(PolicyParameter.Name.VERIFICATION_SHARE, on=month)
    capacity = ParameterIndex(PolicyParameter.Name.VISIT_CAPACITY, on=month)
    district = actor.jurisdiction
    rate = share.value_for(district.code)
    if rate is None:
        raise ValidationError("未设定随机核查比例参数：请先在“个案参数”中设定")
    communities = list(
        Jurisdiction.objects.filter(
            level=Jurisdiction.Level.COMMUNITY, code__startswith=district.code
        ).order_by("code")
    )
    frame = _draw_frame(communities)
    on = today()
    days = ParameterIndex(PolicyParameter.Name.INVESTIGATION_DAYS, on=on)
    calendar = WorkCalendar()
    strata, picks = _draw_strata(communities, frame, rate=rate, capacity=capacity, seed=seed)
    now = _now()
    with transaction.atomic():
        draw = VerificationDraw.objects.create(
            month=month,
            seed=seed,
            share=rate,
            frame_size=sum(len(v) for v in frame.values()),
            draws=len(picks),
            strata=strata,
            drawn_by=actor,
        )
        tasks = []
        for community, household_id, n, size in picks:
            due_on, note = _deadline(on, area_code=community.code, days=days, calendar=calendar)
            tasks.append(
                Task(
                    household_id=household_id,
                    community=community,
                    origin=Task.Origin.RANDOM,
                    accepted_on=on,
                    due_on=due_on,
                    due_note=note,
                    started_at=now,
                    draw=draw,
                    stratum_size=size,
                    stratum_draws=n,
                    selection_probability=(Decimal(n) / Decimal(size)).quantize(
                        Decimal("0.0000000001")
                    ),
                    created_by=actor,
                )
            )
        Task.objects.bulk_create(tasks)
        TaskEvent.objects.bulk_create(
            [TaskEvent(task=t, kind=TaskEvent.Kind.CREATED, actor=actor) for t in tasks]
        )
        audit_record(
            actor=actor,
            action="casework.verification_draw",
            object_type="verification_draw",
            object_id=draw.pk,
            request=request,
            detail={
                "month": month.isoformat()[:7],
                "seed": seed,
                "share": str(rate),
                "frame": draw.frame_size,
                "draws": draw.draws,
            },
        )
    return draw


def _draw_frame(communities: list[Jurisdiction]) -> dict[int, list[int]]:
    """Per community, the households open to a random visit: no open warning, no open task."""
    warned = Warning.objects.filter(status=Warning.Status.OPEN).values("household_id")
    busy = Task.objects.filter(closed_at__isnull=True).values("household_id")
    frame: dict[int, list[int]] = defaultdict(list)
    for household_id, community_id in (
        Household.objects.filter(community__in=communities)
        .exclude(pk__in=warned)
        .exclude(pk__in=busy)
        .order_by("id")
        .values_list("id", "community_id")
    ):
        frame[community_id].append(household_id)
    return frame


def _draw_strata(
    communities: list[Jurisdiction],
    frame: dict[int, list[int]],
    *,
    rate,
    capacity: ParameterIndex,
    seed: int,
) -> tuple[dict[str, dict[str, int]], list[tuple[Jurisdiction, int, int, int]]]:
    """Draw in each community (a stratum): its figures by code, and the picks as (community,
    household id, draws, stratum size), reproducible from the seed."""
    strata, picks = {}, []
    for community in communities:
        wanted = _round_half_up(rate * (capacity.value_for(community.code) or 0))
        pool = frame.get(community.pk, [])
        n = min(wanted, len(pool))
        chosen = random.Random(f"{seed}:{community.code}").sample(pool, n) if n else []
        strata[community.code] = {
            "capacity": int(capacity.value_for(community.code) or 0),
            "stratum": len(pool),
            "draws": n,
        }
        picks += [(community, household_id, n, len(pool)) for household_id in sorted(chosen)]
    return strata, picks


# --- notifications and saved filters ----------------------------------------------------------


def notifications_mark_read(*, actor, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=_now())


def saved_filter_save(*, actor, name: str, query: dict) -> SavedFilter:
    """Save the queue's filters under a name (codes only: no personal data)."""
    from urllib.parse import urlencode

    name = (name or "").strip()
    if not 1 <= len(name) <= 40:
        raise ValidationError("名称：1至40个字")
    text = urlencode([(k, str(query[k])[:40]) for k in FILTER_KEYS if query.get(k)])
    saved, _ = SavedFilter.objects.update_or_create(
        user=actor, name=name, defaults={"query": text[:500]}
    )
    return saved


def saved_filter_delete(*, actor, saved: SavedFilter) -> None:
    if saved.user_id != actor.pk:
        raise PermissionDenied("not your filter")
    saved.delete()
