"""Every change to integrity records: credit events, sanctions, recovery, exports.

Each action checks the actor (a refusal is audited and changes nothing), works in one
transaction and leaves an audit entry. Amounts typed by people are in 元; stored in fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from doudi.assistance import actions as assistance_actions
from doudi.assistance.access import applications_for
from doudi.assistance.models import (
    Application,
    CreditRecord,
    Entitlement,
    EntitlementChange,
    Payment,
)
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.integrity.access import decides, events_for, works_applications
from doudi.integrity.models import (
    CreditEvent,
    RecoveryInstalment,
    RecoveryPayment,
    RecoveryPlan,
    ReviewTask,
    Sanction,
)
from doudi.monitoring.selectors import today
from doudi.registry.models import Membership, Person

MIN_REASON = 4
# How long a confirmed dishonesty record stays in force unless repaired first. POLICY.md §5.5
# names no period; three years is the common practice of local credit rules (an assumption,
# see docs/integrity.md).
CREDIT_VALIDITY_YEARS = 3
FINE_MIN = Decimal(1)
FINE_MAX = Decimal(3)
MAX_INSTALMENTS = 60


def _denied(actor, action: str, object_type: str, object_id="", request=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
    )


def _reason(text: str, label: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise ValidationError(f"{label}：请写明理由（至少{MIN_REASON}个字）")
    return text


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _named_person(application: Application, person: Person) -> bool:
    """The person is the applicant or a declared member of the application."""
    if person.pk == application.applicant_id:
        return True
    return application.members.filter(person=person).exists()


# --- credit events -----------------------------------------------------------------------------


def commitment_kept(
    *, actor, application: Application, person: Person, evidence: str, request=None
) -> CreditEvent:
    """守信: the review found the declaration honest. Recorded by the officer who reviewed."""
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=application.pk).exists()
        or not _named_person(application, person)
    ):
        _denied(actor, "integrity.commitment_kept", "application", application.pk, request)
        raise PermissionDenied("not an application of your jurisdiction")
    evidence = _reason(evidence, "核实情况")
    on = today()
    with transaction.atomic():
        event = CreditEvent.objects.create(
            kind=CreditEvent.Kind.KEPT,
            person=person,
            application=application,
            commitment=application.commitments.order_by("id").first(),
            status=CreditEvent.Status.CONFIRMED,
            evidence=evidence[:1000],
            proposed_by=actor,
            decided_by=actor,
            decided_on=on,
            valid_from=on,
            valid_until=add_years(on, CREDIT_VALIDITY_YEARS),
        )
        audit_record(
            actor=actor,
            action="integrity.commitment_kept",
            object_type="credit_event",
            object_id=event.pk,
            request=request,
            detail={"application": application.pk},
        )
    return event


def breach_propose(
    *,
    actor,
    application: Application,
    person: Person,
    breach: str,
    evidence: str,
    false_from: dt.date | None,
    request=None,
) -> CreditEvent:
    """A breach found at a review or a check, with its evidence: only a proposal. It has no
    effect until the authorised reviewer confirms it (:func:`breach_decide`)."""
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=application.pk).exists()
        or not _named_person(application, person)
    ):
        _denied(actor, "integrity.breach_propose", "application", application.pk, request)
        raise PermissionDenied("not an application of your jurisdiction")
    if breach not in CreditEvent.Breach.values:
        raise ValidationError("失信类型：请从列表中选择")
    evidence = (evidence or "").strip()
    if len(evidence) < 10:
        raise ValidationError("证据：请写明发现的事实和证据来源（至少10个字）")
    if false_from is None:
        raise ValidationError("虚假申报日期：请填写虚假申报或隐瞒开始的日期，例如 2026-05-06")
    if false_from > today():
        raise ValidationError("虚假申报日期：不能晚于今天")
    with transaction.atomic():
        event = CreditEvent.objects.create(
            kind=CreditEvent.Kind.BREACH,
            breach=breach,
            person=person,
            application=application,
            commitment=application.commitments.order_by("id").first(),
            status=CreditEvent.Status.PROPOSED,
            evidence=evidence[:1000],
            false_from=false_from,
            proposed_by=actor,
        )
        audit_record(
            actor=actor,
            action="integrity.breach_propose",
            object_type="credit_event",
            object_id=event.pk,
            request=request,
            detail={"application": application.pk, "breach": breach},
        )
    return event


def breach_decide(
    *, actor, event: CreditEvent, confirm: bool, reasons: str, request=None
) -> CreditEvent:
    """The authorised reviewer confirms (a dishonesty record in force, and the commitment
    path closed to the person) or dismisses a proposed breach. Never automatic."""
    if not decides(actor) or not events_for(actor).filter(pk=event.pk).exists():
        _denied(actor, "integrity.breach_decide", "credit_event", event.pk, request)
        raise PermissionDenied("not authorised to decide this record")
    reasons = _reason(reasons, "认定理由")
    on = today()
    with transaction.atomic():
        locked = CreditEvent.objects.select_for_update().get(pk=event.pk)
        if locked.kind != CreditEvent.Kind.BREACH or locked.status != CreditEvent.Status.PROPOSED:
            raise ValidationError("这条记录已经认定过")
        if locked.proposed_by_id == actor.pk:
            raise ValidationError("提出失信记录的人不能自己认定，请由另一位审核人员认定")
        locked.decided_by = actor
        locked.decided_on = on
        locked.decision_reasons = reasons[:1000]
        if confirm:
            locked.status = CreditEvent.Status.CONFIRMED
            locked.valid_from = on
            locked.valid_until = add_years(on, CREDIT_VALIDITY_YEARS)
            locked.credit_record = CreditRecord.objects.create(
                person=locked.person,
                note=f"{locked.get_breach_display()}：{reasons}"[:300],
                recorded_on=on,
                recorded_by=actor,
            )
        else:
            locked.status = CreditEvent.Status.DISMISSED
        locked.save()
        audit_record(
            actor=actor,
            action="integrity.breach_decide",
            object_type="credit_event",
            object_id=locked.pk,
            request=request,
            detail={"outcome": locked.status},
        )
    return locked


def credit_repair(*, actor, event: CreditEvent, reason: str, request=None) -> CreditEvent:
    """信用修复: the person has made good (money recovered in full where there was any) and
    the reviewer ends the record early. The credit platform gets a follow-up record."""
    if not decides(actor) or not events_for(actor).filter(pk=event.pk).exists():
        _denied(actor, "integrity.credit_repair", "credit_event", event.pk, request)
        raise PermissionDenied("not authorised to repair this record")
    reason = _reason(reason, "修复理由")
    on = today()
    with transaction.atomic():
        locked = CreditEvent.objects.select_for_update().get(pk=event.pk)
        if locked.kind != CreditEvent.Kind.BREACH or locked.status != CreditEvent.Status.CONFIRMED:
            raise ValidationError("只有已认定、仍在有效期内的失信记录可以修复")
        if locked.valid_until is not None and locked.valid_until <= on:
            raise ValidationError("这条失信记录已过有效期，无需修复")
        plan = RecoveryPlan.objects.filter(sanction__event=locked).first()
        if plan is not None and plan.status != RecoveryPlan.Status.COMPLETED:
            raise ValidationError("追回计划还没有完成：款项全部追回后才能信用修复")
        locked.status = CreditEvent.Status.REPAIRED
        locked.repaired_on = on
        locked.repair_reason = reason[:500]
        locked.repaired_by = actor
        locked.save()
        if locked.credit_record_id:
            CreditRecord.objects.filter(pk=locked.credit_record_id).update(repaired_on=on)
        audit_record(
            actor=actor,
            action="integrity.credit_repair",
            object_type="credit_event",
            object_id=locked.pk,
            request=request,
        )
    return locked


# --- sanctions ---------------------------------------------------------------------------------


def overpayment(entitlement: Entitlement, false_from: dt.date) -> tuple[int, list[dict]]:
    """What was paid on the benefit from the month of the false declaration on: the sum of the
    payment rows of every batch from that month, to the fen, and the months it is made of."""
    start = assistance_actions.month_start(false_from)
    rows = list(
        Payment.objects.filter(entitlement=entitlement, batch__month__gte=start)
        .order_by("batch__month")
        .values_list("batch__month", "amount_fen")
    )
    months = [{"month": f"{month:%Y-%m}", "fen": fen} for month, fen in rows]
    total = Payment.objects.filter(entitlement=entitlement, batch__month__gte=start).aggregate(
        s=Sum("amount_fen")
    )["s"]
    return int(total or 0), months


def _multiple(text) -> Decimal:
    text = str(text if text is not None else "").strip()
    if text in ("", "0"):
        return Decimal(0)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("罚款倍数：请填写1至3之间的数字，不处罚款填0") from None
    if not (FINE_MIN <= value <= FINE_MAX) or value != value.quantize(Decimal("0.1")):
        raise ValidationError("罚款倍数：请填写1至3之间的数字（最多一位小数），不处罚款填0")
    return value


def sanction_decide(
    *, actor, event: CreditEvent, reasons: str, fine_multiple="0", request=None
) -> Sanction:
    """Revoke the benefit from next month with reasons, compute the overpayment from the
    payment history since the false declaration, and the fine (1×–3× of it, S5 Art.68)
    where the reviewer applies one (0: none)."""
    if not decides(actor) or not events_for(actor).filter(pk=event.pk).exists():
        _denied(actor, "integrity.sanction_decide", "credit_event", event.pk, request)
        raise PermissionDenied("not authorised to sanction")
    reasons = _reason(reasons, "撤销理由")
    multiple = _multiple(fine_multiple)
    event.refresh_from_db()
    if event.kind != CreditEvent.Kind.BREACH or event.status != CreditEvent.Status.CONFIRMED:
        raise ValidationError("只有已认定的失信记录可以作出撤销和追回决定")
    if Sanction.objects.filter(event=event).exists():
        raise ValidationError("这条失信记录已经作出处理决定")
    entitlement = Entitlement.objects.filter(application=event.application).first()
    if entitlement is None:
        raise ValidationError("这份申请没有在发的救助，无需撤销")
    stop_from = assistance_actions.next_month(today())
    total, months = overpayment(entitlement, event.false_from)
    fine = int((Decimal(total) * multiple).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    with transaction.atomic():
        change = None
        if entitlement.status == Entitlement.Status.ACTIVE:
            change = assistance_actions.entitlement_change(
                actor=actor,
                entitlement=entitlement,
                kind=EntitlementChange.Kind.STOP,
                from_month=stop_from,
                reason=f"撤销：{reasons}"[:300],
                request=request,
            )
        sanction = Sanction.objects.create(
            event=event,
            entitlement=entitlement,
            change=change,
            reasons=reasons[:1000],
            stop_from=stop_from,
            overpayment_fen=total,
            overpayment_months=months,
            fine_multiple=multiple,
            fine_fen=fine,
            decided_by=actor,
        )
        audit_record(
            actor=actor,
            action="integrity.sanction_decide",
            object_type="sanction",
            object_id=sanction.pk,
            request=request,
            detail={"event": event.pk, "overpayment_fen": total, "fine_fen": fine},
        )
    return sanction


def recovery_plan_make(
    *,
    actor,
    sanction: Sanction,
    method: str,
    instalments: int = 1,
    first_due: dt.date | None = None,
    request=None,
) -> RecoveryPlan:
    """How the overpayment and the fine come back: a lump sum, monthly instalments (equal,
    the fen left over in the first), or an offset against future legitimate benefits."""
    if not decides(actor) or not events_for(actor).filter(pk=sanction.event_id).exists():
        _denied(actor, "integrity.recovery_plan", "sanction", sanction.pk, request)
        raise PermissionDenied("not authorised")
    if method not in RecoveryPlan.Method.values:
        raise ValidationError("追回方式：请从列表中选择")
    if RecoveryPlan.objects.filter(sanction=sanction).exists():
        raise ValidationError("这项处理决定已经有追回计划")
    total = sanction.overpayment_fen + sanction.fine_fen
    if total <= 0:
        raise ValidationError("没有需要追回的款项")
    if method != RecoveryPlan.Method.INSTALMENTS:
        instalments = 1
    if not (1 <= instalments <= MAX_INSTALMENTS):
        raise ValidationError(f"分期期数：请填写1至{MAX_INSTALMENTS}期")
    first_due = first_due or assistance_actions.next_month(today())
    base, rest = divmod(total, instalments)
    with transaction.atomic():
        plan = RecoveryPlan.objects.create(
            sanction=sanction, method=method, total_fen=total, made_by=actor
        )
        RecoveryInstalment.objects.bulk_create(
            RecoveryInstalment(
                plan=plan,
                number=n + 1,
                due_on=assistance_actions.add_months(first_due, n)
                + dt.timedelta(days=first_due.day - 1),
                amount_fen=base + (rest if n == 0 else 0),
            )
            for n in range(instalments)
        )
        audit_record(
            actor=actor,
            action="integrity.recovery_plan",
            object_type="recovery_plan",
            object_id=plan.pk,
            request=request,
            detail={"method": method, "instalments": instalments, "total_fen": total},
        )
    return plan


def recovery_payment_record(
    *,
    actor,
    plan: RecoveryPlan,
    amount_yuan: str,
    received_on: dt.date,
    offset: bool = False,
    reference: str = "",
    request=None,
) -> RecoveryPayment:
    """Money recovered: applied to the instalments in order; the plan is completed when the
    whole amount is back. More than is still owed is refused."""
    if not decides(actor) or not events_for(actor).filter(pk=plan.sanction.event_id).exists():
        _denied(actor, "integrity.recovery_payment", "recovery_plan", plan.pk, request)
        raise PermissionDenied("not authorised")
    amount = assistance_actions.yuan_to_fen(
        amount_yuan, label="追回金额（元）", maximum=Decimal(10_000_000)
    )
    if amount <= 0:
        raise ValidationError("追回金额（元）：请填写大于零的金额")
    if received_on > today():
        raise ValidationError("收款日期：不能晚于今天")
    with transaction.atomic():
        locked = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
        paid = locked.payments.aggregate(s=Sum("amount_fen"))["s"] or 0
        owed = locked.total_fen - paid
        if amount > owed:
            raise ValidationError(
                f"追回金额（元）：超过尚欠金额 {Decimal(owed) / 100:.2f} 元，请核对"
            )
        payment = RecoveryPayment.objects.create(
            plan=locked,
            amount_fen=amount,
            received_on=received_on,
            offset=offset,
            reference=(reference or "").strip()[:64],
            recorded_by=actor,
        )
        left = amount
        for instalment in locked.instalments.select_for_update().order_by("number"):
            if left == 0:
                break
            take = min(left, instalment.amount_fen - instalment.paid_fen)
            if take > 0:
                instalment.paid_fen += take
                instalment.save(update_fields=["paid_fen"])
                left -= take
        if amount == owed:
            locked.status = RecoveryPlan.Status.COMPLETED
            locked.completed_on = received_on
            locked.save(update_fields=["status", "completed_on"])
        audit_record(
            actor=actor,
            action="integrity.recovery_payment",
            object_type="recovery_plan",
            object_id=locked.pk,
            request=request,
            detail={"amount_fen": amount, "offset": offset},
        )
    plan.refresh_from_db()
    return payment


def sanction_appeal_record(
    *, actor, sanction: Sanction, appeal: str, text: str, lodged_on: dt.date, request=None
) -> Sanction:
    """行政复议 or 行政诉讼 against the sanction, recorded with its date (POLICY.md §1.11)."""
    if not decides(actor) or not events_for(actor).filter(pk=sanction.event_id).exists():
        _denied(actor, "integrity.sanction_appeal", "sanction", sanction.pk, request)
        raise PermissionDenied("not authorised")
    if appeal not in (Sanction.Appeal.REVIEW, Sanction.Appeal.LAWSUIT):
        raise ValidationError("救济途径：请选择行政复议或行政诉讼")
    text = _reason(text, "复议或诉讼请求")
    if lodged_on > today():
        raise ValidationError("提出日期：不能晚于今天")
    with transaction.atomic():
        sanction.appeal = appeal
        sanction.appeal_text = text[:1000]
        sanction.appeal_on = lodged_on
        sanction.save(update_fields=["appeal", "appeal_text", "appeal_on"])
        audit_record(
            actor=actor,
            action="integrity.sanction_appeal",
            object_type="sanction",
            object_id=sanction.pk,
            request=request,
            detail={"appeal": appeal},
        )
    return sanction


# --- periodic reviews ---------------------------------------------------------------------------


def review_outcome_record(
    *,
    actor,
    review: ReviewTask,
    outcome: str,
    reason: str,
    from_month: dt.date | None = None,
    monthly_fen: int | None = None,
    months: int | None = None,
    request=None,
) -> ReviewTask:
    """The outcome of a periodic review, with its reasons: continue unchanged, or adjust, phase
    out or stop the benefit (assistance's ``entitlement_change``, which only the bureau may
    make). Recorded once."""
    entitlement = review.entitlement
    if (
        not decides(actor)
        or not applications_for(actor).filter(pk=entitlement.application_id).exists()
    ):
        _denied(actor, "integrity.review_outcome", "review_task", review.pk, request)
        raise PermissionDenied("not authorised")
    if outcome not in ReviewTask.Outcome.values:
        raise ValidationError("复查结论：请从列表中选择")
    reason = _reason(reason, "复查结论理由")
    with transaction.atomic():
        locked = ReviewTask.objects.select_for_update().get(pk=review.pk)
        if locked.outcome:
            raise ValidationError("这次复查已经登记结论")
        change = None
        if outcome != ReviewTask.Outcome.CONTINUE:
            change = assistance_actions.entitlement_change(
                actor=actor,
                entitlement=entitlement,
                kind=outcome,
                from_month=from_month or assistance_actions.next_month(today()),
                reason=f"复查：{reason}"[:300],
                monthly_fen=monthly_fen,
                months=months,
                request=request,
            )
        locked.outcome = outcome
        locked.outcome_reason = reason[:300]
        locked.change = change
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(
            update_fields=["outcome", "outcome_reason", "change", "decided_by", "decided_at"]
        )
        audit_record(
            actor=actor,
            action="integrity.review_outcome",
            object_type="review_task",
            object_id=locked.pk,
            request=request,
            detail={"outcome": outcome, "entitlement": entitlement.pk},
        )
    return locked


def changes_since_decision(entitlement: Entitlement) -> dict:
    """What changed in the household since the decision: members who joined or left the
    register (by masked ID number, as the decision kept them)."""
    decision = getattr(entitlement.application, "decision", None)
    decided = {
        m["id"]: m["name"] for m in (decision.evidence.get("members", []) if decision else [])
    }
    current = {
        m.person.id_masked: m.person.name
        for m in Membership.objects.filter(household=entitlement.household).select_related("person")
        if m.person.removed_on is None
    }
    return {
        "joined": sorted((k, v) for k, v in current.items() if k not in decided),
        "left": sorted((k, v) for k, v in decided.items() if k not in current),
        "decided_members": len(decided),
        "current_members": len(current),
    }
