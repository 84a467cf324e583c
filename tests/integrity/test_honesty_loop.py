"""The honesty loop (issue 18): a false declaration found at review → a breach confirmed by
the authorised reviewer → revocation → overpayment to the fen → recovery in instalments →
credit export in the documented format → repair → a follow-up export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from doudi.assistance import actions as assistance_actions
from doudi.assistance.models import CreditRecord, Entitlement, Payment
from doudi.audit.models import AuditEntry
from doudi.integrity import actions
from doudi.integrity.export import FIELDS
from doudi.integrity.models import CreditEvent, CreditExport, RecoveryPlan, Sanction
from tests.integrity.conftest import approve

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "credit-export.schema.json").read_text()
)


def _wang(households):
    return households["A1"].members.get(relation="head").person


def _paid_history(cast, households, departments, clock):
    """Approved in May 2026; adjusted to 500 元 from August; paid June to September."""
    application, decision = approve(cast, households, departments, _wang(households))
    entitlement = Entitlement.objects.get(application=application)
    assistance_actions.entitlement_change(
        actor=cast["dave"],
        entitlement=entitlement,
        kind="adjust",
        from_month=dt.date(2026, 8, 1),
        reason="复核后收入变化",
        monthly_fen=50012,
    )
    for month in (6, 7, 8, 9):
        assistance_actions.payment_batch(month=dt.date(2026, month, 1))
    return application, decision, entitlement


def _export(tmp_path, name, *args):
    out = tmp_path / name
    call_command("export", "credit", *args, "--out", str(out), stdout=io.StringIO())
    files = sorted(out.iterdir())
    assert [f.suffix for f in files] == [".csv", ".json"]
    return json.loads(files[1].read_text("utf-8")), files[0].read_text("utf-8"), files


def test_false_declaration_to_revocation_recovery_export_and_repair(
    clock, cast, households, resident, departments, tmp_path
):
    application, decision, entitlement = _paid_history(cast, households, departments, clock)
    amount = decision.monthly_amount_fen
    assert amount > 0 and amount != 50012
    wang = _wang(households)

    clock.day = dt.date(2026, 9, 15)  # the six-monthly review finds hidden wages since July
    event = actions.breach_propose(
        actor=cast["alice"],
        application=application,
        person=wang,
        breach="hidden",
        evidence="人社数据显示配偶自2026年7月起有工资收入，申报时未报告",
        false_from=dt.date(2026, 7, 3),
    )
    assert event.status == CreditEvent.Status.PROPOSED
    # a proposal is not a record: nothing is in force and nothing can be sanctioned yet
    assert not CreditRecord.objects.exists()
    assert not assistance_actions.false_commitment_in_force([wang], clock.day)
    with pytest.raises(ValidationError):
        actions.sanction_decide(actor=cast["dave"], event=event, reasons="虚假申报，撤销救助")

    # only the authorised reviewer decides; the officer's attempt changes nothing and is audited
    for who in ("alice", "carol", "erin"):
        with pytest.raises(PermissionDenied):
            actions.breach_decide(actor=cast[who], event=event, confirm=True, reasons="情况属实")
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.PROPOSED and event.credit_record is None
    assert (
        AuditEntry.objects.filter(
            action="integrity.breach_decide", outcome=AuditEntry.Outcome.DENIED
        ).count()
        == 3
    )

    event = actions.breach_decide(
        actor=cast["dave"], event=event, confirm=True, reasons="经核实，隐瞒工资收入属实"
    )
    assert event.status == CreditEvent.Status.CONFIRMED
    assert (event.valid_from, event.valid_until) == (dt.date(2026, 9, 15), dt.date(2029, 9, 15))
    assert event.credit_record.person == wang
    assert assistance_actions.false_commitment_in_force([wang], clock.day)

    with pytest.raises(ValidationError) as exc:
        actions.sanction_decide(
            actor=cast["dave"], event=event, reasons="虚假申报，撤销救助", fine_multiple="4"
        )
    assert exc.value.messages == ["罚款倍数：请填写1至3之间的数字（最多一位小数），不处罚款填0"]
    assert not Sanction.objects.exists()

    sanction = actions.sanction_decide(
        actor=cast["dave"], event=event, reasons="隐瞒收入骗取低保，撤销救助", fine_multiple="1.5"
    )
    paid_since = sum(
        Payment.objects.filter(
            entitlement=entitlement, batch__month__gte=dt.date(2026, 7, 1)
        ).values_list("amount_fen", flat=True)
    )
    assert sanction.overpayment_fen == paid_since == amount + 50012 + 50012
    assert sanction.overpayment_months == [
        {"month": "2026-07", "fen": amount},
        {"month": "2026-08", "fen": 50012},
        {"month": "2026-09", "fen": 50012},
    ]
    expected_fine = (Decimal(paid_since) * Decimal("1.5")).quantize(Decimal(1), "ROUND_HALF_UP")
    assert sanction.fine_fen == int(expected_fine)
    entitlement.refresh_from_db()
    assert entitlement.status == Entitlement.Status.STOPPED
    assert entitlement.last_month == dt.date(2026, 9, 1)
    assert assistance_actions.payment_batch(month=dt.date(2026, 10, 1)).rows == 0

    plan = actions.recovery_plan_make(
        actor=cast["dave"],
        sanction=sanction,
        method="instalments",
        instalments=4,
        first_due=dt.date(2026, 10, 15),
    )
    total = sanction.overpayment_fen + sanction.fine_fen
    instalments = list(plan.instalments.values_list("number", "due_on", "amount_fen"))
    base, rest = divmod(total, 4)
    assert instalments == [
        (1, dt.date(2026, 10, 15), base + rest),
        (2, dt.date(2026, 11, 15), base),
        (3, dt.date(2026, 12, 15), base),
        (4, dt.date(2027, 1, 15), base),
    ]
    actions.sanction_appeal_record(
        actor=cast["dave"],
        sanction=sanction,
        appeal="review",
        text="当事人对罚款金额申请行政复议",
        lodged_on=dt.date(2026, 9, 15),
    )
    sanction.refresh_from_db()
    assert (sanction.appeal, sanction.appeal_on) == ("review", dt.date(2026, 9, 15))

    # the first export: one new dishonesty record, exactly the agreed fields
    document, text, _files = _export(tmp_path, "first", "--since", "2026-09-01")
    jsonschema.validate(document, SCHEMA)
    assert document["records"] == [
        {
            "record_id": f"DD-{event.pk:08d}-new",
            "record_type": "new",
            "follows_record_id": None,
            "category": "失信",
            "breach_type": "hidden",
            "subject_name": "王建国",
            "subject_id_number": wang.id_number,
            "programme": "dibao",
            "decision_date": "2026-09-15",
            "valid_from": "2026-09-15",
            "valid_until": "2029-09-15",
            "repaired_on": None,
            "authority_code": "420106",
            "authority_name": "武昌区",
        }
    ]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS
    assert rows[1][:4] == [f"DD-{event.pk:08d}-new", "new", "", "失信"]
    assert len(rows) == 2

    # repair only once the money is back
    with pytest.raises(ValidationError) as exc:
        actions.credit_repair(actor=cast["dave"], event=event, reason="已全部退还，申请修复")
    assert exc.value.messages == ["追回计划还没有完成：款项全部追回后才能信用修复"]
    clock.day = dt.date(2027, 1, 20)
    owed = Decimal(total) / 100
    with pytest.raises(ValidationError):
        actions.recovery_payment_record(
            actor=cast["dave"], plan=plan, amount_yuan=str(owed + 1), received_on=clock.day
        )
    first = Decimal(base + rest) / 100
    actions.recovery_payment_record(
        actor=cast["dave"], plan=plan, amount_yuan=f"{first}", received_on=dt.date(2026, 10, 15)
    )
    plan.refresh_from_db()
    assert plan.status == RecoveryPlan.Status.OPEN
    assert list(plan.instalments.values_list("paid_fen", flat=True)) == [base + rest, 0, 0, 0]
    actions.recovery_payment_record(
        actor=cast["dave"],
        plan=plan,
        amount_yuan=f"{Decimal(3 * base) / 100}",
        received_on=clock.day,
    )
    plan.refresh_from_db()
    assert plan.status == RecoveryPlan.Status.COMPLETED
    assert plan.completed_on == clock.day

    event = actions.credit_repair(
        actor=cast["dave"], event=event, reason="款项已全部退还，信用修复"
    )
    assert event.status == CreditEvent.Status.REPAIRED
    assert not assistance_actions.false_commitment_in_force([wang], clock.day)

    # the follow-up: a repair record pointing at the first one; nothing is sent twice
    document, _text, _files = _export(tmp_path, "second", "--since", "2026-09-01")
    jsonschema.validate(document, SCHEMA)
    assert [
        (r["record_id"], r["record_type"], r["follows_record_id"], r["repaired_on"])
        for r in document["records"]
    ] == [(f"DD-{event.pk:08d}-repair", "repair", f"DD-{event.pk:08d}-new", "2027-01-20")]
    assert document["records"][0]["valid_until"] == "2027-01-20"
    document, _text, _files = _export(tmp_path, "third", "--since", "2026-09-01")
    assert document["records"] == []

    # re-sending the first batch writes the same bytes, and the sending is logged
    first_batch = CreditExport.objects.order_by("id").first()
    _doc, _text, files = _export(tmp_path, "again", "--resend", str(first_batch.pk))
    assert files[1].read_bytes() == bytes(first_batch.json_content)
    first_batch.refresh_from_db()
    assert first_batch.sent_count == 2
    assert AuditEntry.objects.filter(action="integrity.credit_resend").count() == 1
    assert AuditEntry.objects.filter(action="integrity.credit_export").count() == 3


def test_a_dismissed_breach_leaves_no_record_and_the_proposer_cannot_confirm(
    clock, cast, households, resident, departments
):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role

    application, _decision = approve(cast, households, departments, _wang(households))
    wang = _wang(households)
    event = actions.breach_propose(
        actor=cast["dave"],
        application=application,
        person=wang,
        breach="false_declaration",
        evidence="群众举报其家中有未申报车辆，待核实",
        false_from=dt.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as exc:
        actions.breach_decide(actor=cast["dave"], event=event, confirm=True, reasons="举报属实")
    assert exc.value.messages == ["提出失信记录的人不能自己认定，请由另一位审核人员认定"]
    other = User.objects.create_user(
        username="olga",
        password="x" * 20,
        role=Role.DISTRICT_BUREAU,
        jurisdiction=cast["dave"].jurisdiction,
    )
    event = actions.breach_decide(actor=other, event=event, confirm=False, reasons="车辆系他人所有")
    assert event.status == CreditEvent.Status.DISMISSED
    assert not CreditRecord.objects.exists()
    assert not assistance_actions.false_commitment_in_force([wang], clock.day)


def test_an_officer_outside_the_jurisdiction_cannot_propose(
    clock, cast, households, resident, departments
):
    application, _decision = approve(cast, households, departments, _wang(households))
    with pytest.raises(PermissionDenied):
        actions.breach_propose(
            actor=cast["bob"],
            application=application,
            person=_wang(households),
            breach="hidden",
            evidence="人社数据显示配偶有工资收入未申报",
            false_from=dt.date(2026, 5, 1),
        )
    assert not CreditEvent.objects.exists()


def test_export_refuses_a_bad_date_plainly(db, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("export", "credit", "--since", "2026/09/01", "--out", str(tmp_path))
    assert str(exc.value) == "--since '2026/09/01': use the form YYYY-MM-DD, e.g. 2026-01-01"
    assert not CreditExport.objects.exists()
