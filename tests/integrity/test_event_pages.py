"""The credit-record pages: an officer reports a breach, the bureau decides, revokes, plans
the recovery and records money back — each step a plain form, scoped and audited."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.assistance import actions as assistance_actions
from doudi.audit.models import AuditEntry
from doudi.integrity.models import CreditEvent, RecoveryPayment, RecoveryPlan, Sanction
from tests.integrity.conftest import approve

pytestmark = pytest.mark.django_db


def test_report_decide_revoke_plan_and_recover_through_the_pages(
    clock, cast, households, resident, departments, clients
):
    wang = households["A1"].members.get(relation="head").person
    application, decision = approve(cast, households, departments, wang)
    for month in (6, 7):
        assistance_actions.payment_batch(month=dt.date(2026, month, 1))
    clock.day = dt.date(2026, 8, 10)
    url = f"/integrity/applications/{application.pk}/breach/"
    assert clients["bob"].get(url).status_code == 404
    assert clients["alice"].get(url).status_code == 200
    evidence = "人社数据显示配偶自6月起有工资收入，未报告"
    response = clients["alice"].post(
        url, {"breach": "hidden", "evidence": evidence, "false_from": "2026/06/01"}, follow=True
    )
    page = response.content.decode()
    assert "虚假申报日期：请按 2026-06-30 的格式填写日期" in page
    assert evidence in page and not CreditEvent.objects.exists()  # what was typed is kept
    response = clients["alice"].post(
        url, {"breach": "hidden", "evidence": evidence, "false_from": "2026-06-01"}
    )
    event = CreditEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/integrity/credit/{event.pk}/"
    assert event.status == CreditEvent.Status.PROPOSED and event.person == wang

    step = f"/integrity/credit/{event.pk}/"
    assert (
        clients["alice"]
        .post(step + "decide/", {"outcome": "confirm", "reasons": "属实属实"})
        .status_code
        == 403
    )
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.PROPOSED
    assert clients["ivan"].get(step).status_code in (403, 404)
    assert (
        clients["dave"]
        .post(step + "decide/", {"outcome": "confirm", "reasons": "经核实属实"})
        .status_code
        == 302
    )
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.CONFIRMED
    clients["dave"].post(
        step + "sanction/", {"reasons": "隐瞒收入，撤销救助", "fine_multiple": "2"}
    )
    sanction = Sanction.objects.get()
    paid = decision.monthly_amount_fen * 2  # June and July
    assert (sanction.overpayment_fen, sanction.fine_fen) == (paid, 2 * paid)
    clients["dave"].post(
        step + "plan/", {"method": "instalments", "instalments": "3", "first_due": "2026-09-01"}
    )
    plan = RecoveryPlan.objects.get()
    assert plan.total_fen == 3 * paid and plan.instalments.count() == 3
    response = clients["dave"].post(
        step + "payment/", {"amount": "12元", "received_on": "2026-08-10"}, follow=True
    )
    assert "追回金额（元）" in response.content.decode()
    assert not RecoveryPayment.objects.exists()
    clients["dave"].post(step + "payment/", {"amount": "100.5", "received_on": "2026-08-10"})
    assert list(RecoveryPayment.objects.values_list("amount_fen", flat=True)) == [10050]
    page = clients["dave"].get(step).content.decode()
    assert "失信：隐瞒收入或财产" in page and "2026-06" in page and "2026-07" in page
    assert f'href="/integrity/decisions/{decision.pk}/trace/"' in page
    assert AuditEntry.objects.filter(action="integrity.credit_view").count() == 2  # 2 reads
    assert (
        AuditEntry.objects.filter(
            action="integrity.breach_decide", outcome=AuditEntry.Outcome.DENIED
        ).count()
        == 1
    )
