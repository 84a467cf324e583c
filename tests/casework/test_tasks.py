"""Tasks from warnings (one open task per open warning), deadlines in working days by the
official calendar, escalation of overdue tasks, assignment, and who may open a task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from doudi.audit.actions import audit_verify
from doudi.audit.models import AuditEntry
from doudi.casework import actions
from doudi.casework.models import Notification, Task, TaskEvent
from doudi.monitoring import actions as monitoring_actions
from doudi.monitoring.models import Warning

from .conftest import ILLNESS, POOR, RUN_DAY

pytestmark = pytest.mark.django_db


def test_each_open_warning_gets_one_task_due_in_three_working_days(warned):
    tasks = Task.objects.order_by("household__hukou_no")
    assert [
        (t.household.hukou_no, t.origin, t.status, t.accepted_on, t.due_on, t.community.code)
        for t in tasks
    ] == [
        ("100000001", "warning", "open", RUN_DAY, dt.date(2026, 5, 9), "420106001001"),
        ("100000002", "warning", "open", RUN_DAY, dt.date(2026, 5, 9), "420106001001"),
        ("100000003", "warning", "open", RUN_DAY, dt.date(2026, 5, 9), "420106001002"),
        ("100000004", "warning", "open", RUN_DAY, dt.date(2026, 5, 9), "420106002001"),
    ]  # Wednesday 6 May → Thursday, Friday, then Saturday 9 May (a make-up working day)
    assert TaskEvent.objects.filter(kind="created").count() == 4
    entry = AuditEntry.objects.get(action="casework.tasks_from_warnings")
    assert entry.detail == {"created": 4, "without_deadline": 0}


def test_runs_again_make_no_second_task_for_the_same_open_warning(warned, fake_engine):
    monitoring_actions.monitoring_run(actor=None, as_of=RUN_DAY)
    monitoring_actions.monitoring_run(actor=None, as_of=RUN_DAY)
    assert Task.objects.count() == 4
    assert AuditEntry.objects.filter(action="casework.tasks_from_warnings").count() == 1


def test_a_closed_task_gets_a_new_one_only_when_the_warning_worsens(warned, fake_engine, cast):
    task = warned["100000002"]
    task.status, task.outcome, task.closed_at = "closed", "not_confirmed", task.created_at
    task.save()
    monitoring_actions.monitoring_run(actor=None, as_of=RUN_DAY)  # unchanged: no new task
    assert Task.objects.filter(household__hukou_no="100000002").count() == 1
    fake_engine.households[1] = ("100000002", 80.0, "urgent", ["income_below_dibao"], POOR)
    monitoring_actions.monitoring_run(actor=None, as_of=RUN_DAY)  # escalated: a new task
    assert Task.objects.filter(household__hukou_no="100000002").count() == 2
    assert Task.objects.filter(household__hukou_no="100000002", closed_at__isnull=True).count() == 1


def test_an_urgent_warning_is_due_across_the_national_day_holiday(fake_engine, households):
    # Tuesday 30 September 2025: 1–8 October are holidays, Saturday 11 October is worked.
    fake_engine.households = [("100000003", 88.0, "urgent", ["income_below_dibao"], POOR)]
    monitoring_actions.monitoring_run(actor=None, as_of=dt.date(2025, 9, 30))
    task = Task.objects.get()
    assert (task.warning.level, task.accepted_on, task.due_on, task.due_note) == (
        "urgent",
        dt.date(2025, 9, 30),
        dt.date(2025, 10, 11),
        "",
    )
    # Friday 26 September: Sunday 28 September is a make-up working day.
    Warning.objects.all().update(status="resolved")
    Task.objects.update(closed_at=task.created_at, status="closed")
    fake_engine.households = [("100000004", 85.0, "urgent", ["income_below_dibao"], POOR)]
    monitoring_actions.monitoring_run(actor=None, as_of=dt.date(2025, 9, 26))
    assert Task.objects.get(household__hukou_no="100000004").due_on == dt.date(2025, 9, 30)


def test_no_deadline_is_guessed_into_a_year_without_a_table(fake_engine, households):
    fake_engine.households = [("100000001", 60.0, "warning", ["serious_illness"], ILLNESS)]
    monitoring_actions.monitoring_run(actor=None, as_of=dt.date(2026, 12, 30))
    task = Task.objects.get()
    assert task.due_on is None
    assert task.due_note.startswith("2027年的法定节假日安排尚未录入，无法按工作日计算期限。")
    assert AuditEntry.objects.get(action="casework.tasks_from_warnings").detail == {
        "created": 1,
        "without_deadline": 1,
    }


def test_overdue_tasks_escalate_to_the_street_reviewer_once(warned, cast):
    alice_task = warned["100000001"]
    actions.task_assign(actor=cast["alice"], task=alice_task, assignee=cast["alice"])
    assert actions.tasks_escalate_overdue(on=dt.date(2026, 5, 9)) == 0  # due that day
    assert actions.tasks_escalate_overdue(on=dt.date(2026, 5, 10)) == 4
    assert actions.tasks_escalate_overdue(on=dt.date(2026, 5, 11)) == 0  # once
    escalated = Notification.objects.filter(kind="escalated").order_by("id")
    assert [(n.user.username, n.text) for n in escalated] == [
        ("carol", "入户核查逾期（应于 2026-05-09 前启动）：和平社区 户号 100000001"),
        ("carol", "入户核查逾期（应于 2026-05-09 前启动）：和平社区 户号 100000002"),
        ("carol", "入户核查逾期（应于 2026-05-09 前启动）：新河社区 户号 100000003"),
    ]  # street 002 has no reviewer in the cast
    assert [(n.user.username, n.kind) for n in Notification.objects.filter(kind="overdue")] == [
        ("alice", "overdue")
    ]
    entries = AuditEntry.objects.filter(action="casework.task_escalate").order_by("seq")
    overdue = [warned[h] for h in ("100000001", "100000002", "100000003", "100000004")]
    overdue.sort(key=lambda t: (t.due_on, t.household.hukou_no))
    assert [(e.object_id, e.detail) for e in entries] == [
        (str(t.pk), {"due_on": "2026-05-09", "street": t.community.parent.code}) for t in overdue
    ]
    assert audit_verify().ok
    assert Task.objects.filter(escalated_at__isnull=False).count() == 4
    assert sorted(
        TaskEvent.objects.filter(kind="escalated").values_list("task_id", "detail", "actor")
    ) == sorted((t.pk, {"due_on": "2026-05-09"}, None) for t in overdue)
    for notice in Notification.objects.filter(kind__in=["escalated", "overdue"]):
        task = Task.objects.get(household__hukou_no=notice.text[-9:])
        assert notice.url == reverse("casework:task", args=[task.pk])


def test_bulk_assignment_is_balanced_by_open_load(warned, cast, district):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role

    amy = User.objects.create_user(
        username="amy", password="x" * 20, role=Role.COMMUNITY_OFFICER, jurisdiction=district["A"]
    )
    extra = [
        actions.task_create(
            actor=cast["alice"],
            household=warned[h].household,
            origin="walk_in",
            note="来电求助困难",
        )
        for h in ("100000001", "100000002")
    ]
    actions.task_assign(actor=cast["carol"], task=extra[0], assignee=cast["alice"])
    tasks = [warned["100000001"], warned["100000002"], extra[1]]
    counts = actions.tasks_assign_bulk(actor=cast["carol"], tasks=tasks)
    assert counts == {"amy": 2, "alice": 1}  # alice already had one open task
    assert sorted(
        Task.objects.filter(assignee__isnull=False).values_list("assignee__username", flat=True)
    ) == ["alice", "alice", "amy", "amy"]
    assert amy.notifications.get().text == "新分派了 2 个入户核查任务"


def test_bulk_assignment_outside_the_jurisdiction_is_denied_and_changes_nothing(warned, cast):
    with pytest.raises(actions.PermissionDenied):
        actions.tasks_assign_bulk(actor=cast["bob"], tasks=[warned["100000001"]])
    assert Task.objects.filter(assignee__isnull=False).count() == 0
    assert AuditEntry.objects.filter(action="casework.task_assign", outcome="denied").count() == 1


def test_assign_only_to_an_officer_of_the_tasks_community(warned, cast):
    with pytest.raises(actions.ValidationError):
        actions.task_assign(actor=cast["carol"], task=warned["100000001"], assignee=cast["bob"])
    assert Task.objects.get(pk=warned["100000001"].pk).assignee is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("alice", 200),  # the household's community
        ("carol", 200),  # its street
        ("dave", 200),  # the district
        ("erin", 200),  # the auditor reads
        ("bob", 404),  # another community
        ("frank", 404),  # a data officer
        ("peggy", 404),  # a service provider
        ("grace", 404),  # the administrator
    ],
)
def test_task_page_access_matrix(warned, clients, who, status):
    task = warned["100000001"]
    assert clients[who].get(f"/casework/tasks/{task.pk}/").status_code == status
    if status == 200:
        assert AuditEntry.objects.filter(
            action="task.view", object_id=str(task.pk), actor_name=who
        ).exists()


def test_anonymous_is_sent_to_sign_in(warned):
    response = Client().get(f"/casework/tasks/{warned['100000001'].pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_walk_in_task_by_hand(warned, cast, clients, fixed_today):
    household = warned["100000002"].household
    response = clients["alice"].post(
        f"/casework/households/{household.pk}/tasks/",
        {"origin": "walk_in", "note": "户主到社区反映失业"},
    )
    task = Task.objects.get(origin="walk_in")
    assert response["Location"] == f"/casework/tasks/{task.pk}/"
    assert (task.household, task.note, task.accepted_on, task.due_on) == (
        household,
        "户主到社区反映失业",
        RUN_DAY,
        dt.date(2026, 5, 9),
    )
    other = warned["100000003"].household  # community B
    assert (
        clients["alice"]
        .post(f"/casework/households/{other.pk}/tasks/", {"origin": "walk_in", "note": "来访求助"})
        .status_code
        == 404
    )
    assert Task.objects.filter(origin="walk_in").count() == 1
