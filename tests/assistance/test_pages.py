"""The assistance pages over HTTP: the resident's declaration (draft kept across sign-out),
signatures, the officer's verification, the bureau's decision, payments, pushes, the chain."""

from __future__ import annotations

import pytest

from doudi.assistance.models import Application, PaymentBatch, Push
from doudi.audit.models import AuditEntry
from tests.assistance.conftest import declaration_data
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _wife(households):
    return households["A1"].members.get(relation="spouse").person


def test_resident_walks_declaration_to_decision_over_http(
    fixed_today, cast, households, resident, departments, clients
):
    departments.add(_wife(households), "renshe_pension", 30000)
    ivan = clients["ivan"]
    assert ivan.get("/assistance/").status_code == 200
    response = ivan.post("/assistance/new/", {"programme": "dibao"})
    application = Application.objects.get()
    assert response["Location"] == f"/assistance/{application.pk}/declaration/"
    page = ivan.get(response["Location"]).content.decode()
    assert 'value="王建国"' in page and 'value="李秀英"' in page  # from the hukou

    data = declaration_data(households["A1"], income_wage="-100")
    response = ivan.post(f"/assistance/{application.pk}/declaration/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "工资性收入（元/月）：金额不能为负数" in page
    assert 'value="6222020200112233445"' in page  # nothing typed is lost

    # signing out and back in: the draft is still there
    ivan.post("/accounts/logout/")
    again = sign_in(cast["ivan"])
    page = again.get(f"/assistance/{application.pk}/declaration/").content.decode()
    assert 'value="-100"' in page and 'value="6222020200112233445"' in page

    data["income_wage"] = "0"
    response = again.post(f"/assistance/{application.pk}/declaration/", data)
    assert response["Location"] == f"/assistance/{application.pk}/sign/"
    members = list(application.members.all())
    response = again.post(
        f"/assistance/{application.pk}/sign/",
        {"commit": "yes"} | {f"sign_{m.pk}": "yes" for m in members},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED

    # the resident cannot verify; the officer can
    assert again.post(f"/assistance/{application.pk}/verify/").status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED
    response = clients["alice"].post(f"/assistance/{application.pk}/verify/")
    report = application.reports.get()
    assert response["Location"] == f"/assistance/reports/{report.pk}/"
    page = clients["alice"].get(response["Location"]).content.decode()
    assert "基本一致" in page
    assert "<td>李秀英</td><td>转移净收入</td>" in page  # labels, never a raw key
    page = clients["alice"].get(f"/assistance/{application.pk}/").content.decode()
    assert "已完成家庭经济状况核对" in page and "· verified" not in page

    response = clients["dave"].post(
        f"/assistance/{application.pk}/decide/",
        {"outcome": "approved", "reasons": "核对一致，符合低保条件"},
    )
    assert response["Location"] == f"/assistance/{application.pk}/notice/"
    page = again.get(response["Location"]).content.decode()
    assert "核对一致，符合低保条件" in page


def test_the_draft_endpoint_keeps_what_was_typed(fixed_today, cast, households, resident, clients):
    clients["ivan"].post("/assistance/new/", {"programme": "dibao"})
    application = Application.objects.get()
    response = clients["ivan"].post(
        f"/assistance/{application.pk}/draft/",
        data='{"m0_id": "4201", "income_wage": "12"}',
        content_type="application/json",
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.draft == {"m0_id": "4201", "income_wage": "12"}
    # someone else's draft: not found, nothing changed
    response = clients["bob"].post(
        f"/assistance/{application.pk}/draft/",
        data='{"m0_id": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.draft["m0_id"] == "4201"


def test_payments_page_and_download_are_the_bureaus(
    fixed_today, cast, households, resident, departments, clients
):
    from tests.assistance.test_flow import _approved

    _approved(cast, households, departments, fixed_today)
    assert clients["alice"].get("/assistance/payments/").status_code == 403
    response = clients["dave"].post("/assistance/payments/", {"month": "2026-06"})
    assert response.status_code == 302
    batch = PaymentBatch.objects.get()
    response = clients["dave"].get("/assistance/payments/2026-06.csv")
    assert response.status_code == 200
    assert response.content == bytes(batch.content)
    assert clients["alice"].get("/assistance/payments/2026-06.csv").status_code == 403
    assert AuditEntry.objects.filter(action="assistance.payment_download").count() == 1


def test_pushes_feed_and_acknowledgement(
    fixed_today, cast, households, resident, departments, clients
):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from tests.assistance.test_flow import _approved

    _approved(cast, households, departments, fixed_today)
    yibao = User.objects.create_user(
        username="yan",
        password="correct horse battery staple",
        role=Role.DATA_OFFICER,
        department="医保",
    )
    client = sign_in(yibao)
    assert clients["frank"].get("/assistance/pushes/feed.json").status_code == 403
    feed = client.get("/assistance/pushes/feed.json").json()["pushes"]
    assert len(feed) == 4
    push = Push.objects.get(pk=feed[0]["id"])
    response = client.post(
        f"/assistance/pushes/{push.pk}/ack/",
        {"reference": "YB-1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"acknowledged": True}
    assert len(client.get("/assistance/pushes/feed.json").json()["pushes"]) == 3
    page = clients["alice"].get(f"/assistance/households/{households['A1'].pk}/chain/")
    assert page.status_code == 200 and "王建国" in page.content.decode()
    assert (
        clients["bob"].get(f"/assistance/households/{households['A1'].pk}/chain/").status_code
        == 404
    )


def test_an_application_past_its_deadline_is_marked_overdue_in_words(
    fixed_today, cast, households, resident, clients, monkeypatch
):
    import datetime as dt

    from doudi.assistance import actions

    clients["ivan"].post("/assistance/new/", {"programme": "dibao"})
    application = Application.objects.get()
    actions.declaration_submit(
        actor=cast["ivan"], application=application, data=declaration_data(households["A1"])
    )
    application.refresh_from_db()
    assert application.due_on is not None and application.due_on > fixed_today
    page = clients["alice"].get("/assistance/").content.decode()
    assert "逾期" not in page
    monkeypatch.setattr(actions, "today", lambda: application.due_on + dt.timedelta(days=1))
    page = clients["alice"].get("/assistance/").content.decode()
    assert "逾期" in page


def test_binding_a_resident_account_at_the_counter(cast, households, clients):
    from doudi.assistance.models import Resident

    a1 = households["A1"]
    head = a1.members.get(relation="head")
    url = f"/assistance/households/{a1.pk}/resident/"
    assert clients["bob"].post(url, {"member": head.pk, "username": "ivan"}).status_code == 404
    response = clients["alice"].post(url, {"member": head.pk, "username": "nobody"})
    assert response.status_code == 302 and not Resident.objects.exists()
    response = clients["alice"].post(url, {"member": head.pk, "username": "ivan"})
    assert response.status_code == 302
    assert Resident.objects.get().person == head.person


def test_an_officer_applies_on_a_residents_behalf(fixed_today, cast, households, clients):
    a1 = households["A1"]
    head = a1.members.get(relation="head")
    page = clients["alice"].get(f"/assistance/households/{a1.pk}/chain/").content.decode()
    assert "代为申请" in page and '<option value="dibao">最低生活保障</option>' in page
    response = clients["bob"].post(
        "/assistance/new/", {"household": a1.pk, "applicant": head.pk, "programme": "dibao"}
    )
    assert response.status_code == 404 and not Application.objects.exists()
    response = clients["alice"].post(
        "/assistance/new/", {"household": a1.pk, "applicant": head.pk, "programme": "dibao"}
    )
    application = Application.objects.get()
    assert response["Location"] == f"/assistance/{application.pk}/declaration/"
    assert application.channel == Application.Channel.OFFICER
    assert application.applicant == head.person and application.created_by == cast["alice"]
