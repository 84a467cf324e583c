"""Supervisor dashboard by street and the credit-record list: Chinese, scoped, audited;
spot-check findings followed to closure (issue 18)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.assistance import actions as assistance_actions
from doudi.audit.models import AuditEntry
from doudi.integrity import actions, scheduler, spotcheck
from doudi.integrity.models import SpotCheckItem
from tests.conftest import PASSWORD
from tests.integrity.conftest import approve

pytestmark = pytest.mark.django_db


def _wang(households):
    return households["A1"].members.get(relation="head").person


@pytest.fixture
def supervised(clock, cast, households, resident, departments):
    """A1 (street 1) on dibao, paid June–July, sanctioned for hidden income with 300 元 back;
    a six-monthly review open; a spot check of A1 by the street-2 officer with a problem."""
    application, _decision = approve(cast, households, departments, _wang(households))
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role

    olga = User.objects.create_user(
        username="olga",
        password=PASSWORD,
        role=Role.COMMUNITY_OFFICER,
        jurisdiction=households["C"].community,
    )
    plan_ = spotcheck.plan_create(name="八月抽查", ratio="1")
    spotcheck.draw(plan=plan_, seed="1")
    for month in (6, 7):
        assistance_actions.payment_batch(month=dt.date(2026, month, 1))
    clock.day = dt.date(2026, 8, 10)
    event = actions.breach_propose(
        actor=cast["alice"],
        application=application,
        person=_wang(households),
        breach="hidden",
        evidence="人社数据显示配偶有工资收入，申报时未报告",
        false_from=dt.date(2026, 6, 1),
    )
    event = actions.breach_decide(
        actor=cast["dave"], event=event, confirm=True, reasons="经核实情况属实"
    )
    sanction = actions.sanction_decide(actor=cast["dave"], event=event, reasons="隐瞒收入，撤销")
    plan = actions.recovery_plan_make(actor=cast["dave"], sanction=sanction, method="lump_sum")
    actions.recovery_payment_record(
        actor=cast["dave"], plan=plan, amount_yuan="300", received_on=clock.day
    )
    return {"sanction": sanction, "olga": olga}


def test_dashboard_by_street_for_the_bureau_and_the_street(supervised, cast, clients):
    sanction = supervised["sanction"]
    item = SpotCheckItem.objects.get()
    assert item.street == "420106001" and item.inspector.username == "olga"
    inspector = item.inspector
    with pytest.raises(PermissionDenied):
        spotcheck.finding_record(actor=cast["dave"], item=item, finding="problem", note="未见本人")
    spotcheck.finding_record(actor=inspector, item=item, finding="problem", note="家中有未申报车辆")

    response = clients["dave"].get("/integrity/")
    assert response.status_code == 200
    rows = {r["street"].code: r for r in response.context["rows"]}
    assert list(rows) == ["420106001", "420106002"]
    s1 = rows["420106001"]
    owed = sanction.overpayment_fen + sanction.fine_fen
    assert (s1["sanctions"], s1["owed_fen"], s1["recovered_fen"]) == (1, owed, 30000)
    assert (s1["spot_drawn"], s1["spot_checked"], s1["spot_problems"], s1["spot_open"]) == (
        1,
        1,
        1,
        1,
    )
    assert s1["active"] == 0 and s1["coverage_pct"] is None  # the benefit was revoked
    s2 = rows["420106002"]
    assert (s2["sanctions"], s2["owed_fen"], s2["spot_drawn"], s2["backlog"]) == (0, 0, 0, 0)
    page = response.content.decode()
    assert ("integrity:dashboard", "监督检查") in [(n, str(t)) for n, t in response.context["nav"]]
    assert 'href="/integrity/"' in page and "监督检查" in page
    assert "integrity:dashboard" not in [n for n, _t in clients["alice"].get("/").context["nav"]]
    assert "各街道监督情况" in page and "积玉桥街道" in page and "300 元" in page

    spotcheck.finding_close(actor=cast["dave"], item=item, note="已责令补报并重新核定")
    item.refresh_from_db()
    assert item.closed_on == dt.date(2026, 8, 10)
    response = clients["carol"].get("/integrity/")
    assert [r["street"].code for r in response.context["rows"]] == ["420106001"]
    assert response.context["rows"][0]["spot_open"] == 0
    for who in ("alice", "ivan", "grace", "frank"):
        assert clients[who].get("/integrity/").status_code in (403, 404), who
    assert AuditEntry.objects.filter(action="integrity.dashboard_view").count() == 2


def test_review_backlog_counts_open_review_tasks(
    clock, cast, households, resident, departments, clients
):
    approve(cast, households, departments, _wang(households))
    clock.day = dt.date(2027, 6, 2)
    made = scheduler.review_schedule(actor=cast["dave"])
    assert [r.reason for r in made] == ["yearly"]
    rows = {r["street"].code: r for r in clients["dave"].get("/integrity/").context["rows"]}
    assert (rows["420106001"]["backlog"], rows["420106001"]["overdue"]) == (1, 1)
    assert rows["420106002"]["backlog"] == 0


def test_credit_list_is_scoped_masked_and_in_chinese(supervised, cast, households, clients):
    wang = _wang(households)
    page = clients["dave"].get("/integrity/credit/").content.decode()
    assert "失信：隐瞒收入或财产" in page and "已认定" in page and "2029年8月10日" in page
    assert wang.id_masked in page and wang.id_number not in page
    page = clients["bob"].get("/integrity/credit/").content.decode()
    assert "王建国" not in page and "无记录" in page
    assert clients["ivan"].get("/integrity/credit/").status_code in (403, 404)
    assert AuditEntry.objects.filter(action="integrity.credit_list").count() == 2


def test_a_finding_needs_a_note_and_only_open_problems_close(supervised, cast):
    item = SpotCheckItem.objects.get()
    with pytest.raises(ValidationError):
        spotcheck.finding_record(actor=item.inspector, item=item, finding="problem", note="")
    item.refresh_from_db()
    assert item.finding == ""
    spotcheck.finding_record(actor=item.inspector, item=item, finding="ok", note="")
    with pytest.raises(ValidationError):
        spotcheck.finding_close(actor=cast["dave"], item=item, note="已经整改完毕")


def test_spot_check_page_inspector_records_and_bureau_closes(supervised, cast, clients):
    from tests.conftest import sign_in

    item = SpotCheckItem.objects.get()
    olga = sign_in(supervised["olga"])
    page = olga.get("/integrity/spotchecks/").content.decode()
    assert "八月抽查" in page and "100000001" in page and "登记检查结果" in page
    url = f"/integrity/spotchecks/{item.pk}/finding/"
    assert clients["bob"].post(url, {"finding": "ok"}).status_code == 404
    assert clients["ivan"].get("/integrity/spotchecks/").status_code == 403
    response = olga.post(url, {"finding": "problem", "note": ""}, follow=True)
    assert "问题说明：请写明发现的问题（至少4个字）" in response.content.decode()
    item.refresh_from_db()
    assert item.finding == ""
    olga.post(url, {"finding": "problem", "note": "家中有未申报车辆"})
    item.refresh_from_db()
    assert (item.finding, item.closed_on) == ("problem", None)
    page = clients["dave"].get("/integrity/spotchecks/").content.decode()
    assert "待整改的问题" in page and "家中有未申报车辆" in page
    clients["dave"].post(f"/integrity/spotchecks/{item.pk}/close/", {"note": "已责令补报"})
    item.refresh_from_db()
    assert item.closed_on == dt.date(2026, 8, 10)
    assert item.note == "家中有未申报车辆；整改：已责令补报"
