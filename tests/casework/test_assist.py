"""Assist first (先行救助): within the delegated limit recorded at once, above it refused,
no household-register restriction, paperwork deadline with reminder and escalation, no
closing before the paperwork is complete — every step in the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doudi.audit.models import AuditEntry
from doudi.casework import actions
from doudi.casework.models import AssistGrant, Notification, PolicyParameter, Task
from doudi.workdays.selectors import add_working_days

from .conftest import RUN_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(cast, district, fixed_today):
    # the street's own limit, newer and more specific than the district-wide placeholder
    return actions.policy_parameter_create(
        actor=cast["dave"],
        name=PolicyParameter.Name.ASSIST_FIRST_LIMIT,
        area_code=district["street1"].code,
        value=Decimal(200000),
        effective_from=dt.date(2026, 1, 1),
        source="武昌区临时救助审批权限委托通知（演示）",
    )


def test_within_the_limit_the_grant_is_recorded_at_once(limit, cast, clients, warned):
    task = warned["100000003"]  # community B, street 001
    response = clients["carol"].post(
        "/casework/assist/",
        {
            "task": task.pk,
            "recipient_name": "刘芳",
            "amount": "1500.00",
            "reason": "家中失火，暂无住处",
        },
    )
    grant = AssistGrant.objects.get()
    assert response["Location"] == f"/casework/assist/{grant.pk}/"
    assert (grant.amount_fen, grant.limit_fen, grant.street.code, grant.household) == (
        150000,
        200000,
        "420106001",
        task.household,
    )
    assert grant.paperwork_due_on == add_working_days(RUN_DAY, 10) == dt.date(2026, 5, 19)
    assert Task.objects.get(pk=task.pk).first_help_at == grant.granted_at
    entry = AuditEntry.objects.get(action="casework.assist_grant", outcome="success")
    assert entry.detail["amount_fen"] == 150000 and entry.detail["limit_fen"] == 200000
    page = clients["carol"].get(f"/casework/assist/{grant.pk}/").content.decode()
    assert "1,500 元" in page and "额度 2,000 元" in page


def test_above_the_limit_the_grant_is_refused_with_a_clear_message(limit, cast, clients):
    response = clients["carol"].post(
        "/casework/assist/",
        {"recipient_name": "路人甲", "amount": "2000.01", "reason": "突发疾病无钱就医"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "金额 2,000.01 元 超过本街道先行救助授权额度 2,000 元，不能先行发放："
        "请按临时救助程序报区民政局审批，或按一事一议办理"
    ) in html
    assert "突发疾病无钱就医" in html  # nothing typed is lost
    assert not AssistGrant.objects.exists()
    denied = AuditEntry.objects.get(action="casework.assist_grant", outcome="denied")
    assert denied.detail == {"amount_fen": 200001, "limit_fen": 200000, "street": "420106001"}


def test_no_household_register_restriction(limit, cast):
    grant = actions.assist_grant(
        actor=cast["carol"],
        recipient_name="外地务工人员",
        recipient_id_number="11010519491231002X",
        hukou_place="河南省周口市",
        amount_fen=80000,
        reason="在本街道遭遇交通事故",
    )
    assert (grant.household, grant.hukou_place, grant.recipient_id_masked) == (
        None,
        "河南省周口市",
        "1101**********002X",
    )
    assert AssistGrant.objects.get().recipient_id_number == "11010519491231002X"
    assert "11010519491231002X" not in str(AuditEntry.objects.values_list("detail", flat=True))


@pytest.mark.parametrize("who", ["alice", "dave", "erin", "peggy"])
def test_only_a_street_reviewer_grants(limit, cast, who):
    with pytest.raises(actions.PermissionDenied):
        actions.assist_grant(
            actor=cast[who], recipient_name="某人", amount_fen=100, reason="紧急情况说明"
        )
    assert not AssistGrant.objects.exists()


def test_missing_paperwork_is_reminded_then_escalated_after_its_deadline(limit, cast, clients):
    grant = actions.assist_grant(
        actor=cast["carol"], recipient_name="陈某", amount_fen=50000, reason="突发重病住院"
    )
    due = grant.paperwork_due_on
    from doudi.workdays.selectors import WorkCalendar

    calendar = WorkCalendar()
    two_before = RUN_DAY
    while calendar.between(two_before, due) > 2:
        two_before += dt.timedelta(days=1)
    assert actions.assist_paperwork_chase(on=two_before) == {"reminded": 0, "escalated": 0}
    last_day = two_before + dt.timedelta(days=1)
    while calendar.between(last_day, due) > 1:
        last_day += dt.timedelta(days=1)
    assert actions.assist_paperwork_chase(on=last_day) == {"reminded": 1, "escalated": 0}
    assert actions.assist_paperwork_chase(on=due) == {"reminded": 0, "escalated": 0}
    after = due + dt.timedelta(days=1)
    assert actions.assist_paperwork_chase(on=after) == {"reminded": 0, "escalated": 1}
    assert actions.assist_paperwork_chase(on=after) == {"reminded": 0, "escalated": 0}
    notices = Notification.objects.order_by("id")
    assert [(n.user.username, n.kind) for n in notices] == [
        ("carol", "paperwork_due"),
        ("dave", "paperwork_overdue"),
        ("carol", "paperwork_overdue"),
    ]
    assert [e.action for e in AuditEntry.objects.filter(object_type="assist_grant")] == [
        "casework.assist_grant",
        "casework.assist_remind",
        "casework.assist_escalate",
    ]
    page = clients["carol"].get(f"/casework/assist/{grant.pk}/").content.decode()
    assert "逾期：已报区民政局" in page


def test_the_case_cannot_close_until_the_paperwork_is_complete(limit, cast, clients):
    grant = actions.assist_grant(
        actor=cast["carol"], recipient_name="陈某", amount_fen=50000, reason="突发重病住院"
    )
    response = clients["carol"].post(f"/casework/assist/{grant.pk}/close/", follow=True)
    assert "手续尚未补齐，不能结案：请先补齐签字、盖章等手续" in response.content.decode()
    assert AssistGrant.objects.get().closed_at is None
    clients["carol"].post(
        f"/casework/assist/{grant.pk}/paperwork/", {"note": "受助人签字、街道盖章已补齐"}
    )
    clients["carol"].post(f"/casework/assist/{grant.pk}/close/")
    grant.refresh_from_db()
    assert grant.paperwork_note == "受助人签字、街道盖章已补齐" and grant.closed_at is not None
    assert [
        e.action
        for e in AuditEntry.objects.filter(
            object_type="assist_grant", action__startswith="casework"
        )
    ] == ["casework.assist_grant", "casework.assist_paperwork", "casework.assist_close"]


def test_a_task_with_incomplete_paperwork_cannot_close(limit, cast, warned):
    task = warned["100000003"]
    Task.objects.filter(pk=task.pk).update(status="visited", outcome="not_confirmed")
    task.refresh_from_db()
    actions.assist_grant(
        actor=cast["carol"], task=task, recipient_name="刘芳", amount_fen=1000, reason="家中失火"
    )
    with pytest.raises(actions.ValidationError) as caught:
        actions.task_close(actor=cast["carol"], task=task)
    assert caught.value.messages == ["先行救助的手续尚未补齐，不能结案：请先补齐签字、盖章等手续"]
    assert Task.objects.get(pk=task.pk).closed_at is None


def test_grants_are_scoped(limit, cast, clients):
    grant = actions.assist_grant(
        actor=cast["carol"], recipient_name="陈某", amount_fen=500, reason="紧急情况说明"
    )
    assert clients["dave"].get(f"/casework/assist/{grant.pk}/").status_code == 200
    for who in ("alice", "bob", "peggy"):
        assert clients[who].get(f"/casework/assist/{grant.pk}/").status_code == 404
