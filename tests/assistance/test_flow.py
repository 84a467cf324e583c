"""The application workflow: declaration checks, signatures, verification and its paths,
decision, notice, benefits, payments and pushes (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from doudi.assistance import actions, policy
from doudi.assistance.models import (
    Application,
    Decision,
    Entitlement,
    Member,
    PaymentBatch,
    Push,
    VerificationReport,
)
from doudi.audit.models import AuditEntry
from doudi.casework.models import Task
from tests.assistance.conftest import declaration_data, signed_application

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _wang(households):
    return households["A1"].members.get(relation="head").person


def _start(actor, households):
    return actions.application_start(
        actor=actor, programme="dibao", household=households["A1"], applicant=_wang(households)
    )


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("income_wage", "-5", "工资性收入（元/月）：金额不能为负数"),
        ("asset_deposit", "900000000", "存款（元）：金额 900000000 元不合理"),
        ("income_transfer", "abc", "转移净收入（元/月）：请填写数字金额"),
        ("m1_birth", "1961-07-02", "第2位成员的出生日期：与身份证号码中的出生日期"),
        ("bank_account", "12ab", "收款银行账号：请填写12至30位数字的账号"),
    ],
)
def test_bad_declaration_is_refused_naming_the_field_and_the_draft_keeps_everything(
    fixed_today, cast, households, resident, field, value, message
):
    application = _start(cast["ivan"], households)
    data = declaration_data(households["A1"], **{field: value})
    with pytest.raises(actions.DeclarationInvalid) as exc:
        actions.declaration_submit(actor=cast["ivan"], application=application, data=data)
    assert list(exc.value.errors) == [field]
    assert exc.value.errors[field].startswith(message)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.draft == data  # everything typed is kept, the mistake too
    assert not Member.objects.filter(application=application).exists()


def test_an_id_number_failing_its_check_digit_is_refused(fixed_today, cast, households, resident):
    application = _start(cast["ivan"], households)
    good = declaration_data(households["A1"])["m1_id"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(actions.DeclarationInvalid) as exc:
        actions.declaration_submit(
            actor=cast["ivan"],
            application=application,
            data=declaration_data(households["A1"], m1_id=bad),
        )
    assert exc.value.errors == {
        "m1_id": "第2位成员的身份证号码：身份证号码校验位错误，请核对后重填"
    }


def test_an_attachment_that_is_not_a_real_image_or_pdf_is_refused(
    fixed_today, cast, households, resident
):
    application = _start(cast["ivan"], households)
    data = declaration_data(households["A1"])
    with pytest.raises(actions.DeclarationInvalid) as exc:
        actions.declaration_submit(
            actor=cast["ivan"],
            application=application,
            data=data,
            attachment=("photo.png", b"MZ\x90\x00 not a picture"),
        )
    assert exc.value.errors == {"attachment": "附件：只能上传真实的 JPEG、PNG 图片或 PDF 文件"}
    actions.declaration_submit(
        actor=cast["ivan"], application=application, data=data, attachment=("p.png", PNG)
    )
    assert application.attachments.get().content_type == "image/png"


def test_a_member_already_in_another_active_application_is_refused(
    fixed_today, cast, households, resident
):
    signed_application(cast["ivan"], households["A1"], _wang(households))
    second = actions.application_start(
        actor=cast["alice"],
        programme="dibao",
        household=households["A1"],
        applicant=_wang(households),
    )
    with pytest.raises(actions.DeclarationInvalid) as exc:
        actions.declaration_submit(
            actor=cast["alice"], application=second, data=declaration_data(households["A1"])
        )
    assert exc.value.errors["m0_id"] == "第1位成员：已在另一份正在办理的申请中，不能重复计入"
    assert not second.members.exists()


def test_a_resident_applies_only_for_their_own_household(fixed_today, cast, households, resident):
    with pytest.raises(PermissionDenied):
        actions.application_start(
            actor=cast["ivan"],
            programme="dibao",
            household=households["B"],
            applicant=households["B"].members.get(relation="head").person,
        )
    assert not Application.objects.exists()
    assert (
        AuditEntry.objects.filter(
            action="assistance.application_start", outcome=AuditEntry.Outcome.DENIED
        ).count()
        == 1
    )


def test_residents_and_officers_see_only_their_applications(
    fixed_today, cast, households, resident, clients
):
    application = _start(cast["ivan"], households)
    assert clients["ivan"].get(f"/assistance/{application.pk}/").status_code == 200
    assert clients["alice"].get(f"/assistance/{application.pk}/").status_code == 200
    assert clients["bob"].get(f"/assistance/{application.pk}/").status_code == 404
    assert clients["peggy"].get(f"/assistance/{application.pk}/").status_code == 404


def test_verification_without_authorization_is_refused_and_audited(
    fixed_today, cast, households, resident, departments
):
    application = _start(cast["ivan"], households)
    actions.declaration_submit(
        actor=cast["ivan"], application=application, data=declaration_data(households["A1"])
    )
    before = AuditEntry.objects.count()
    with pytest.raises(actions.VerificationRefused):
        actions.verify(actor=cast["alice"], application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not VerificationReport.objects.exists()
    entry = AuditEntry.objects.get(seq__gt=0, pk__gt=0, action="assistance.verify")
    assert entry.outcome == AuditEntry.Outcome.DENIED
    assert entry.actor_name == "alice"
    assert entry.detail["reason"] == "no_authorization"
    assert AuditEntry.objects.count() == before + 1


def test_a_resident_cannot_run_the_verification(
    fixed_today, cast, households, resident, departments
):
    application = signed_application(cast["ivan"], households["A1"], _wang(households))
    with pytest.raises(PermissionDenied):
        actions.verify(actor=cast["ivan"], application=application)
    assert not VerificationReport.objects.exists()


def test_consistent_declaration_takes_the_simplified_path(
    fixed_today, cast, households, resident, departments
):
    wang = _wang(households)
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)  # 300 元 a month, as declared
    application = signed_application(cast["ivan"], households["A1"], wang)
    report = actions.verify(actor=cast["alice"], application=application)
    application.refresh_from_db()
    assert report.verdict == VerificationReport.Verdict.CONSISTENT
    assert report.reasons == []
    assert application.path == Application.Path.SIMPLIFIED
    assert application.status == Application.Status.VERIFIED
    assert application.task is None
    params = policy.params_in_force(area_code="420106001001", on=fixed_today)
    # 差额 (POLICY §1.10): (standard − 30000 / 2) × 2
    assert application.proposed_amount_fen == (params.dibao_standard_urban_fen - 15000) * 2
    found = [r for r in report.rows if not r.get("summary")]
    assert found == [
        {
            "member": "李秀英",
            "kind": "income",
            "item": "transfer",
            "found_fen": 30000,
            "feed": "renshe_pension",
            "feed_name": "renshe_pension",
            "feed_date": "2026-05-01",
            "stale": False,
        }
    ]


def test_an_undeclared_car_takes_the_full_path_with_a_home_visit_task(
    fixed_today, cast, households, resident, departments
):
    wang = _wang(households)
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    departments.add(wang, "gongan_vehicle", 8_000_000)
    application = signed_application(cast["ivan"], households["A1"], wang)
    report = actions.verify(actor=cast["alice"], application=application)
    application.refresh_from_db()
    assert report.verdict == VerificationReport.Verdict.INCONSISTENT
    assert report.reasons == [
        "存在未申报且超过限额的财产：有1辆生活用机动车，不符合“生活用机动车不超过0辆”"
    ]
    assert report.flags == ["未申报的财产：机动车"]
    assert application.path == Application.Path.FULL
    assert application.status == Application.Status.INVESTIGATING
    task = Task.objects.get()
    assert application.task == task
    assert task.household == households["A1"] and task.origin == Task.Origin.REFERRAL


def test_a_stale_source_is_said_in_the_report_not_read_as_zero(
    fixed_today, cast, households, resident, departments
):
    wang = _wang(households)
    departments.add(wang, "renshe_contribution", 500000)  # 5,000 元 wage: from a stale feed
    departments.stale = {"renshe_contribution"}
    application = signed_application(cast["ivan"], households["A1"], wang, income_transfer="")
    report = actions.verify(actor=cast["alice"], application=application)
    assert report.stale_sources == [{"feed": "renshe_contribution", "name": "renshe_contribution"}]
    wage = next(r for r in report.rows if r.get("summary") and r["item"] == "wage")
    assert wage["found_fen"] is None  # not verified: never 0
    assert "数据来源已过期，未作核实（不按零计）：renshe_contribution" in report.flags


def test_the_report_and_decision_are_immutable(
    fixed_today, cast, households, resident, departments
):
    application = signed_application(cast["ivan"], households["A1"], _wang(households))
    report = actions.verify(actor=cast["alice"], application=application)
    original = report.verdict
    report.verdict = "changed"
    report.rows = []
    with pytest.raises(Exception, match="immutable"):
        report.save()
    with pytest.raises(Exception, match="immutable"):
        report.delete()
    stored = VerificationReport.objects.get()
    assert stored.verdict == original and stored.rows != []
    decision = actions.decide(
        actor=cast["dave"], application=application, approve=True, reasons="核对一致，符合条件"
    )
    decision.monthly_amount_fen = 1
    with pytest.raises(Exception, match="immutable"):
        decision.save()
    assert Decision.objects.get().monthly_amount_fen > 1


def _approved(cast, households, departments, fixed_today):
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    application = signed_application(cast["ivan"], households["A1"], _wang(households))
    actions.verify(actor=cast["alice"], application=application)
    decision = actions.decide(
        actor=cast["dave"], application=application, approve=True, reasons="核对一致，符合条件"
    )
    return application, decision


def test_only_the_bureau_decides_and_exactly_once(
    fixed_today, cast, households, resident, departments
):
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    application = signed_application(cast["ivan"], households["A1"], _wang(households))
    actions.verify(actor=cast["alice"], application=application)
    for who in ("alice", "carol", "ivan"):
        with pytest.raises(PermissionDenied):
            actions.decide(
                actor=cast[who], application=application, approve=True, reasons="同意批准"
            )
    assert not Decision.objects.exists()
    decision = actions.decide(
        actor=cast["dave"], application=application, approve=True, reasons="核对一致，符合条件"
    )
    with pytest.raises(actions.AlreadyDecided):
        actions.decide(
            actor=cast["dave"], application=application, approve=False, reasons="重复决定"
        )
    assert list(Decision.objects.values_list("pk", "outcome")) == [(decision.pk, "approved")]
    assert decision.report == application.reports.get()
    assert decision.trace and decision.trace[-1]["rule"].startswith("dibao.amount")


def test_approval_pays_from_next_month_and_pushes_every_member_to_yibao(
    fixed_today, cast, households, resident, departments
):
    application, decision = _approved(cast, households, departments, fixed_today)
    entitlement = Entitlement.objects.get()
    assert entitlement.first_month == dt.date(2026, 6, 1)
    assert entitlement.monthly_fen == decision.monthly_amount_fen > 0
    assert sorted(Push.objects.values_list("member__name", "kind")) == [
        ("李秀英", "enrolment"),
        ("李秀英", "medical_aid"),
        ("王建国", "enrolment"),
        ("王建国", "medical_aid"),
    ]
    assert PaymentBatch.objects.count() == 0
    may = actions.payment_batch(month=dt.date(2026, 5, 1))
    assert may.rows == 0  # nothing in the month of the decision
    june = actions.payment_batch(month=dt.date(2026, 6, 1))
    amount = f"{decision.monthly_amount_fen // 100}.{decision.monthly_amount_fen % 100:02d}"
    assert bytes(june.content).decode() == (
        "batch_month,line,account_ref,amount_yuan,programme,household\r\n"
        f"2026-06,1,6222****3445,{amount},dibao,100000001\r\n"
    )


def test_a_push_is_acknowledged_once_by_yibao(fixed_today, cast, households, resident, departments):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role

    _approved(cast, households, departments, fixed_today)
    push = Push.objects.first()
    with pytest.raises(PermissionDenied):  # the 残联 data officer is not the receiver
        actions.push_acknowledge(actor=cast["frank"], push=push, reference="YB-1")
    yibao = User.objects.create_user(
        username="yan", password="x" * 12, role=Role.DATA_OFFICER, department="医保"
    )
    actions.push_acknowledge(actor=yibao, push=push, reference="YB-20260506-1")
    push.refresh_from_db()
    assert push.ack_reference == "YB-20260506-1" and push.acknowledged_by == yibao
    with pytest.raises(actions.ValidationError):
        actions.push_acknowledge(actor=yibao, push=push, reference="YB-2")
    push.refresh_from_db()
    assert push.ack_reference == "YB-20260506-1"


def test_public_notice_shows_name_size_and_amount_only(
    fixed_today, cast, households, resident, departments, client
):
    application, decision = _approved(cast, households, departments, fixed_today)
    household = households["A1"]
    # health data on file for the household must not show either
    response = client.get(f"/assistance/public-notice/{household.community.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "王建国" in page and "审批结果公布" in page
    for member in application.members.all():
        assert member.id_number not in page
        assert member.id_masked not in page
        assert member.id_number[:6] not in page.replace("420106001001", "")
    assert household.address not in page
    assert "幸福路" not in page
    assert "6222" not in page  # no bank account either
    for word in ("疾病", "残疾", "病", "住院", "诊断"):
        assert word not in page


def test_export_payments_command_is_byte_identical(
    fixed_today, cast, households, resident, departments, tmp_path
):
    from django.core.management import call_command

    _application, decision = _approved(cast, households, departments, fixed_today)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    call_command("export", "payments", "--month", "2026-06", "--out", str(first))
    call_command("export", "payments", "--month", "2026-06", "--out", str(second))
    assert first.read_bytes() == second.read_bytes()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "batch_month,line,account_ref,amount_yuan,programme,household"
    assert len(lines) == 2 and lines[1].startswith("2026-06,1,6222****3445,")


def test_members_are_counted_by_the_rules_with_the_reason_for_an_exclusion(
    fixed_today, cast, households, resident
):
    """POLICY.md §1.3: the applicant and spouse count; a member serving a prison sentence
    does not, and the reason is kept."""
    application = _start(cast["ivan"], households)
    actions.declaration_submit(
        actor=cast["ivan"],
        application=application,
        data=declaration_data(households["A1"], m1_situation="prison"),
    )
    assert [(m.name, m.counted) for m in application.members.all()] == [
        ("王建国", True),
        ("李秀英", False),
    ]
    excluded = application.members.get(counted=False)
    assert excluded.excluded_reason != "" and "服刑" in excluded.excluded_reason


def test_an_unknown_situation_is_refused(fixed_today, cast, households, resident):
    application = _start(cast["ivan"], households)
    with pytest.raises(actions.DeclarationInvalid) as exc:
        actions.declaration_submit(
            actor=cast["ivan"],
            application=application,
            data=declaration_data(households["A1"], m1_situation="rich"),
        )
    assert exc.value.errors == {"m1_situation": "第2位成员的情况：请从列表中选择"}


def test_parameter_change_preview_counts_households_and_cost(
    fixed_today, cast, households, resident, departments
):
    """The impact preview registered with doudi.parameters: raising the standard by 100 元
    raises the approved two-person household's benefit by 200 元 a month (§1.10)."""
    import dataclasses

    from doudi.parameters import preview

    _application, decision = _approved(cast, households, departments, fixed_today)
    old = policy.params_in_force(area_code="420106001001", on=fixed_today)
    new = dataclasses.replace(old, dibao_standard_urban_fen=old.dibao_standard_urban_fen + 10000)
    [impact] = [r for r in preview.run("420106", old, new) if r["key"] == "assistance"]
    assert impact["failed"] is False
    assert impact["households_changed"] == 0
    assert impact["monthly_cost_change_fen"] == 20000
    # a standard so low the household's per-capita income (150 元) is above it: no longer eligible
    low = dataclasses.replace(old, dibao_standard_urban_fen=10000)
    [impact] = [r for r in preview.run("420106", old, low) if r["key"] == "assistance"]
    assert impact["households_changed"] == 1
    assert impact["monthly_cost_change_fen"] == -decision.monthly_amount_fen


def test_programmes_not_built_online_are_refused_plainly(fixed_today, cast, households, resident):
    with pytest.raises(actions.ValidationError) as exc:
        actions.application_start(
            actor=cast["ivan"],
            programme="tekun",
            household=households["A1"],
            applicant=_wang(households),
        )
    assert exc.value.messages == ["救助项目：特困人员救助供养暂不能在线办理，请到社区服务窗口申请"]
    assert not Application.objects.exists()


def test_full_path_first_opinion_notice_objection_then_decision(
    fixed_today, cast, households, resident, departments, monkeypatch
):
    wang = _wang(households)
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    departments.add(wang, "gongan_vehicle", 8_000_000)
    application = signed_application(cast["ivan"], households["A1"], wang)
    actions.verify(actor=cast["alice"], application=application)
    with pytest.raises(actions.ValidationError) as exc:  # no decision before the first opinion
        actions.decide(
            actor=cast["dave"], application=application, approve=False, reasons="家中有车辆未申报"
        )
    assert exc.value.messages == ["这份申请还不能作出决定"]
    with pytest.raises(actions.ValidationError):
        actions.first_opinion(actor=cast["carol"], application=application, text="短")
    actions.first_opinion(
        actor=cast["carol"], application=application, text="入户调查：车辆已于上月出售，建议批准"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.NOTICE
    assert application.notice_until == fixed_today + dt.timedelta(days=7)
    # the notice board shows the name, household size and amount, nothing else
    assert actions.public_notice(community=households["A1"].community) == [
        {
            "kind": "初审公示",
            "programme": "最低生活保障",
            "name": "王建国",
            "size": 2,
            "amount_fen": application.proposed_amount_fen,
        }
    ]
    actions.objection_record(actor=cast["alice"], application=application, text="邻居反映家中有车")
    with pytest.raises(actions.ValidationError) as exc:  # the 7-day notice is not over
        actions.decide(
            actor=cast["dave"], application=application, approve=False, reasons="家中有车辆未申报"
        )
    assert "公示期到 2026-05-13 结束" in exc.value.messages[0]
    assert not Decision.objects.exists()
    # the objection: re-investigated, a new first opinion starts a new 7-day notice
    monkeypatch.setattr(actions, "today", lambda: dt.date(2026, 5, 8))
    actions.first_opinion(
        actor=cast["carol"], application=application, text="复查：车辆仍登记在申请人名下"
    )
    application.refresh_from_db()
    assert application.notice_until == dt.date(2026, 5, 15)
    with pytest.raises(actions.ValidationError):  # no third opinion without a new objection
        actions.first_opinion(actor=cast["carol"], application=application, text="再次初审意见")
    monkeypatch.setattr(actions, "today", lambda: dt.date(2026, 5, 13))
    with pytest.raises(actions.ValidationError) as exc:
        actions.decide(
            actor=cast["dave"], application=application, approve=False, reasons="家中有车辆未申报"
        )
    assert "公示期到 2026-05-15 结束" in exc.value.messages[0]
    monkeypatch.setattr(actions, "today", lambda: dt.date(2026, 5, 15))
    decision = actions.decide(
        actor=cast["dave"],
        application=application,
        approve=False,
        reasons="经复查仍有车辆，不予批准",
    )
    assert decision.outcome == Decision.Outcome.REJECTED
    assert decision.evidence["objections"] == ["邻居反映家中有车"]
    assert not Entitlement.objects.exists() and not Push.objects.exists()
    # the members are free for a new application
    assert not Member.objects.filter(active=True).exists()


def test_the_commitment_waives_proofs_unless_a_false_commitment_is_in_force(
    fixed_today, cast, households, resident
):
    """POLICY.md §5.1: a signed commitment replaces the waivable proofs; a person with a
    false-commitment record in force cannot use the commitment path."""
    from doudi.assistance.models import Commitment, CreditRecord

    application = signed_application(cast["ivan"], households["A1"], _wang(households))
    assert application.required_proofs == []
    assert sorted(Commitment.objects.get(application=application).waived) == [
        "housing_proof",
        "hukou_id",
        "marriage",
    ]
    CreditRecord.objects.create(
        person=households["B"].members.get(relation="head").person,
        note="2025年虚假申报收入",
        recorded_on=dt.date(2025, 3, 1),
        recorded_by=cast["bob"],
    )
    CreditRecord.objects.create(  # repaired: no longer in force
        person=households["A2"].members.get(relation="head").person,
        note="2024年虚假申报",
        recorded_on=dt.date(2024, 3, 1),
        repaired_on=dt.date(2025, 3, 1),
        recorded_by=cast["alice"],
    )
    liu = households["B"].members.get(relation="head").person
    kid = households["B"].members.get(relation="child").person
    b = actions.application_start(
        actor=cast["bob"], programme="dibao", household=households["B"], applicant=liu
    )
    actions.declaration_submit(
        actor=cast["bob"],
        application=b,
        data={
            "m0_name": liu.name,
            "m0_id": liu.id_number,
            "m0_relation": "self",
            "m1_name": kid.name,
            "m1_id": kid.id_number,
            "m1_relation": "child",
            "bank_account": "6222020200100000001",
        },
    )
    adult, minor = list(b.members.all())
    actions.sign(
        actor=cast["bob"], application=b, signed=[adult.pk], guardians={minor.pk: adult.pk}
    )
    b.refresh_from_db()
    assert [p["code"] for p in b.required_proofs] == ["hukou_id", "housing_proof"]
    assert Commitment.objects.get(application=b).waived == []
    zhang = households["A2"].members.get(relation="head").person
    a2 = signed_application(cast["alice"], households["A2"], zhang)
    assert a2.required_proofs == []


def test_a_minor_needs_an_adult_guardian_to_sign(fixed_today, cast, households):
    liu = households["B"].members.get(relation="head").person
    kid = households["B"].members.get(relation="child").person
    b = actions.application_start(
        actor=cast["bob"], programme="dibao", household=households["B"], applicant=liu
    )
    actions.declaration_submit(
        actor=cast["bob"],
        application=b,
        data={
            "m0_name": liu.name,
            "m0_id": liu.id_number,
            "m0_relation": "self",
            "m1_name": kid.name,
            "m1_id": kid.id_number,
            "m1_relation": "child",
            "bank_account": "6222020200100000001",
        },
    )
    adult, minor = list(b.members.all())
    with pytest.raises(actions.ValidationError) as exc:
        actions.sign(actor=cast["bob"], application=b, signed=[adult.pk, minor.pk])
    assert exc.value.messages == [
        "授权核对：以下成员还没有签署（未成年人由成年监护人代签）：刘小明"
    ]
    b.refresh_from_db()
    assert b.status == Application.Status.SUBMITTED and not b.authorizations.exists()


def _batch_amounts(month: dt.date) -> list[int]:
    batch = actions.payment_batch(month=month)
    return list(batch.payments.values_list("amount_fen", flat=True))


def test_adjustment_then_gradual_exit_with_reasons(
    fixed_today, cast, households, resident, departments
):
    """POLICY.md §1.11: an adjustment from a month on; 渐退 pays at most 6 more months."""
    from doudi.assistance.models import EntitlementChange

    _application, decision = _approved(cast, households, departments, fixed_today)
    entitlement = Entitlement.objects.get()
    with pytest.raises(PermissionDenied):  # the officer may not change a benefit
        actions.entitlement_change(
            actor=cast["alice"],
            entitlement=entitlement,
            kind="stop",
            from_month=dt.date(2026, 7, 1),
            reason="家庭收入增加",
        )
    with pytest.raises(actions.ValidationError) as exc:
        actions.entitlement_change(
            actor=cast["dave"],
            entitlement=entitlement,
            kind="phase_out",
            from_month=dt.date(2026, 8, 1),
            reason="儿子就业，收入超过标准",
            months=7,
        )
    assert exc.value.messages == ["渐退月数：请填写1至6个月"]
    assert not EntitlementChange.objects.exists()
    actions.entitlement_change(
        actor=cast["dave"],
        entitlement=entitlement,
        kind="adjust",
        from_month=dt.date(2026, 7, 1),
        reason="复核后收入变化",
        monthly_fen=50000,
    )
    actions.entitlement_change(
        actor=cast["dave"],
        entitlement=entitlement,
        kind="phase_out",
        from_month=dt.date(2026, 8, 1),
        reason="儿子就业，收入超过标准",
        months=2,
    )
    assert _batch_amounts(dt.date(2026, 6, 1)) == [decision.monthly_amount_fen]
    assert _batch_amounts(dt.date(2026, 7, 1)) == [50000]
    assert _batch_amounts(dt.date(2026, 8, 1)) == [50000]
    assert _batch_amounts(dt.date(2026, 9, 1)) == [50000]
    assert _batch_amounts(dt.date(2026, 10, 1)) == []
    # a month already in a batch cannot change
    with pytest.raises(actions.ValidationError) as exc:
        actions.entitlement_change(
            actor=cast["dave"],
            entitlement=entitlement,
            kind="stop",
            from_month=dt.date(2026, 9, 1),
            reason="家庭收入增加",
        )
    assert exc.value.messages == ["该月的发放批次已生成，只能从下一个月起变更"]


def test_stop_and_death_review(fixed_today, cast, households, resident, departments, clients):
    _application, decision = _approved(cast, households, departments, fixed_today)
    entitlement = Entitlement.objects.get()
    wife = entitlement.application.members.get(name="李秀英")
    response = clients["alice"].post(
        f"/assistance/entitlements/{entitlement.pk}/death/",
        {"member": wife.pk, "died_on": "2026-05-04"},
    )
    assert response.status_code == 302
    entitlement.refresh_from_db()
    assert entitlement.review_due == dt.date(2026, 8, 4)
    assert entitlement.review_reason == "家庭成员李秀英于2026-05-04死亡，需复核调整"
    assert (
        clients["bob"]
        .post(
            f"/assistance/entitlements/{entitlement.pk}/death/",
            {"member": wife.pk, "died_on": "2026-05-01"},
        )
        .status_code
        == 404
    )
    response = clients["dave"].post(
        f"/assistance/entitlements/{entitlement.pk}/change/",
        {"kind": "stop", "from_month": "2026-07", "reason": "复核后家庭收入超过标准"},
    )
    assert response.status_code == 302
    entitlement.refresh_from_db()
    assert entitlement.status == Entitlement.Status.STOPPED
    assert entitlement.last_month == dt.date(2026, 6, 1)
    assert not Member.objects.filter(active=True).exists()  # free to apply again
    assert _batch_amounts(dt.date(2026, 6, 1)) == [decision.monthly_amount_fen]
    assert _batch_amounts(dt.date(2026, 7, 1)) == []


def test_an_officer_binds_a_resident_account_in_their_community_only(cast, households):
    from doudi.assistance.demo import demo_resident_ensure
    from doudi.assistance.models import Resident

    wang = _wang(households)
    liu = households["B"].members.get(relation="head").person
    with pytest.raises(PermissionDenied):  # B is bob's community
        actions.resident_bind(actor=cast["alice"], user=cast["ivan"], person=liu)
    with pytest.raises(PermissionDenied):  # not an applicant account
        actions.resident_bind(actor=cast["alice"], user=cast["bob"], person=wang)
    assert not Resident.objects.exists()
    resident = actions.resident_bind(actor=cast["alice"], user=cast["ivan"], person=wang)
    assert (resident.user, resident.person) == (cast["ivan"], wang)
    assert demo_resident_ensure() == resident  # the demo keeps an existing binding
    resident.delete()
    made = demo_resident_ensure()  # the demo applicant: head of the first household
    assert (made.user, made.person) == (cast["ivan"], wang)


def test_an_application_past_its_deadline_alerts_officers_and_bureau_once(
    fixed_today, cast, households, resident
):
    from doudi.casework.models import Notification

    application = _start(cast["ivan"], households)
    actions.declaration_submit(
        actor=cast["ivan"], application=application, data=declaration_data(households["A1"])
    )
    application.refresh_from_db()
    assert actions.applications_overdue_alert(on=application.due_on) == 0
    assert actions.applications_overdue_alert(on=application.due_on + dt.timedelta(days=1)) == 1
    notified = sorted(Notification.objects.values_list("user__username", "kind", "text"))
    text = f"救助申请#{application.pk}已超过审批期限（{application.due_on:%Y-%m-%d}）"
    assert notified == [("alice", "overdue", text), ("dave", "overdue", text)]
    assert actions.applications_overdue_alert(on=application.due_on + dt.timedelta(days=2)) == 0
    assert Notification.objects.count() == 2


def test_the_deadline_alert_runs_after_each_daily_monitoring_run(settings):
    from django.utils.module_loading import import_string

    hook = "doudi.assistance.actions.assistance_after_monitoring_run"
    assert hook in settings.DOUDI_MONITORING_POST_RUN
    assert import_string(hook) is actions.assistance_after_monitoring_run
