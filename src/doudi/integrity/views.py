"""Integrity pages: thin — load through the access layer, render, audit the reading."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.assistance.access import (
    access_application,
    applications_for,
    decides,
    is_staff_reader,
    works_applications,
)
from doudi.assistance.actions import ASSET_LABELS, INCOME_LABELS, yuan_to_fen
from doudi.assistance.models import Decision, VerificationReport
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.integrity import actions, selectors, spotcheck, trace
from doudi.integrity.access import access_event, events_for
from doudi.integrity.models import (
    CreditEvent,
    RecoveryPlan,
    ReviewTask,
    Sanction,
    SpotCheckItem,
)
from doudi.monitoring.selectors import today
from doudi.registry.access import households_for


def _staff(user) -> None:
    if not is_staff_reader(user):
        raise PermissionDenied


def _decision(user, decision_id: int) -> Decision:
    _staff(user)
    try:
        return Decision.objects.select_related("application", "report", "decided_by").get(
            pk=int(decision_id), application__in=applications_for(user)
        )
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise Http404("no such decision") from None


@require_GET
def dashboard(request):
    _staff(request.user)
    streets = selectors.supervisor_streets(request.user)
    if not streets:
        raise PermissionDenied
    rows = selectors.by_street(streets, today())
    audit_record(request=request, action="integrity.dashboard_view", object_type="dashboard")
    return render(request, "integrity/dashboard.html", {"rows": rows})


@require_GET
def credit_events(request):
    _staff(request.user)
    events = list(
        events_for(request.user)
        .select_related("person", "application__community", "decided_by")
        .order_by("-id")[:200]
    )
    audit_record(request=request, action="integrity.credit_list", object_type="credit_event")
    return render(request, "integrity/credit.html", {"events": events})


@require_GET
def decision_trace(request, decision_id: int):
    decision = _decision(request.user, decision_id)
    data = trace.decision_trace(decision)
    audit_record(
        request=request,
        action="integrity.trace_view",
        object_type="decision",
        object_id=decision.pk,
    )
    for part in ("people", "overrides", "sanctions", "audit"):
        for row in data[part]:
            row["at_dt"] = dt.datetime.fromisoformat(row["at"])
    for row in data["audit"]:
        row["outcome_label"] = AuditEntry.Outcome(row["outcome"]).label
    evidence = data["data_at_decision"] or {}
    context = {
        "t": data,
        "decision": decision,
        "incomes": [
            (INCOME_LABELS.get(k, k), v) for k, v in (evidence.get("income_fen") or {}).items()
        ],
        "assets": [
            (ASSET_LABELS.get(k, k), v) for k, v in (evidence.get("assets_fen") or {}).items()
        ],
        "verdict": dict(VerificationReport.Verdict.choices).get(evidence.get("verdict"), ""),
        "can_report": works_applications(request.user),
    }
    return render(request, "integrity/trace.html", context)


@require_GET
def decision_trace_export(request, decision_id: int):
    decision = _decision(request.user, decision_id)
    data = trace.decision_trace(decision)
    audit_record(
        request=request,
        action="integrity.trace_export",
        object_type="decision",
        object_id=decision.pk,
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="trace-decision-{decision.pk}.json"'
    return response


# --- a credit record and the bureau's steps on it ----------------------------------------------


def _date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationError(f"{label}：请按 2026-06-30 的格式填写日期") from None


@require_GET
def credit_event(request, event_id: int):
    _staff(request.user)
    event = access_event(request.user, event_id)
    sanction = Sanction.objects.filter(event=event).first()
    plan = RecoveryPlan.objects.filter(sanction=sanction).first() if sanction else None
    decision = Decision.objects.filter(application=event.application).first()
    audit_record(
        request=request,
        action="integrity.credit_view",
        object_type="credit_event",
        object_id=event.pk,
    )
    return render(
        request,
        "integrity/event.html",
        {
            "event": event,
            "sanction": sanction,
            "plan": plan,
            "instalments": list(plan.instalments.all()) if plan else [],
            "payments": list(plan.payments.all()) if plan else [],
            "decision": decision,
            "can_decide": decides(request.user),
            "methods": RecoveryPlan.Method.choices,
            "appeals": [
                (Sanction.Appeal.REVIEW, _("Administrative review")),
                (Sanction.Appeal.LAWSUIT, _("Administrative lawsuit")),
            ],
        },
    )


STEPS = ("decide", "sanction", "plan", "payment", "appeal", "repair")


@require_POST
def credit_event_step(request, event_id: int, step: str):
    _staff(request.user)
    event = access_event(request.user, event_id)
    if step not in STEPS:
        raise Http404("no such step")
    post = request.POST
    try:
        if step == "decide":
            actions.breach_decide(
                actor=request.user,
                event=event,
                confirm=post.get("outcome") == "confirm",
                reasons=post.get("reasons", ""),
                request=request,
            )
        elif step == "sanction":
            actions.sanction_decide(
                actor=request.user,
                event=event,
                reasons=post.get("reasons", ""),
                fine_multiple=post.get("fine_multiple", "0"),
                request=request,
            )
        else:
            sanction = Sanction.objects.filter(event=event).first()
            if step == "repair":
                actions.credit_repair(
                    actor=request.user, event=event, reason=post.get("reason", ""), request=request
                )
            elif sanction is None:
                raise ValidationError("请先作出撤销和追回决定")
            elif step == "plan":
                try:
                    count = int(post.get("instalments") or 1)
                except ValueError:
                    raise ValidationError("分期期数：请填写整数，例如 6") from None
                actions.recovery_plan_make(
                    actor=request.user,
                    sanction=sanction,
                    method=post.get("method", ""),
                    instalments=count,
                    first_due=_date(post.get("first_due", ""), "第一期应还日期")
                    if post.get("first_due")
                    else None,
                    request=request,
                )
            elif step == "payment":
                plan = RecoveryPlan.objects.filter(sanction=sanction).first()
                if plan is None:
                    raise ValidationError("请先制定追回计划")
                actions.recovery_payment_record(
                    actor=request.user,
                    plan=plan,
                    amount_yuan=post.get("amount", ""),
                    received_on=_date(post.get("received_on", ""), "收款日期"),
                    offset=post.get("offset") == "1",
                    reference=post.get("reference", ""),
                    request=request,
                )
            elif step == "appeal":
                actions.sanction_appeal_record(
                    actor=request.user,
                    sanction=sanction,
                    appeal=post.get("appeal", ""),
                    text=post.get("text", ""),
                    lodged_on=_date(post.get("lodged_on", ""), "提出日期"),
                    request=request,
                )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Recorded."))
    return redirect("integrity:event", event_id=event.pk)


@require_http_methods(["GET", "POST"])
def breach_propose(request, application_id: int):
    """An officer reports a breach found at a review or a check, with its evidence."""
    _staff(request.user)
    application = access_application(request.user, application_id)
    if not works_applications(request.user):
        raise PermissionDenied
    form = {"breach": "", "evidence": "", "false_from": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            event = actions.breach_propose(
                actor=request.user,
                application=application,
                person=application.applicant,
                breach=form["breach"],
                evidence=form["evidence"],
                false_from=_date(form["false_from"], "虚假申报日期"),
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Reported: the district bureau decides."))
            return redirect("integrity:event", event_id=event.pk)
    return render(
        request,
        "integrity/propose.html",
        {"application": application, "form": form, "breaches": CreditEvent.Breach.choices},
    )


# --- periodic reviews ---------------------------------------------------------------------------


def _reviews(user):
    return ReviewTask.objects.filter(entitlement__household__in=households_for(user))


@require_GET
def reviews(request):
    _staff(request.user)
    rows = list(
        _reviews(request.user)
        .select_related("entitlement__household__community", "task")
        .order_by("outcome", "due_on", "id")[:300]
    )
    audit_record(request=request, action="integrity.review_list", object_type="review_task")
    return render(request, "integrity/reviews.html", {"reviews": rows, "on": today()})


@require_http_methods(["GET", "POST"])
def review(request, review_id: int):
    _staff(request.user)
    try:
        item = (
            _reviews(request.user)
            .select_related("entitlement__application", "entitlement__household", "task")
            .get(pk=int(review_id))
        )
    except (ReviewTask.DoesNotExist, ValueError, TypeError):
        raise Http404("no such review") from None
    form = {"outcome": "", "reason": "", "from_month": "", "amount": "", "months": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            month = None
            if form["from_month"]:
                month = _date(form["from_month"] + "-01", "起始月份")
            amount = None
            if form["outcome"] == ReviewTask.Outcome.ADJUST:
                amount = yuan_to_fen(
                    form["amount"], label="调整后金额（元/月）", maximum=Decimal(100_000)
                )
            months = None
            if form["outcome"] == ReviewTask.Outcome.PHASE_OUT:
                try:
                    months = int(form["months"])
                except ValueError:
                    raise ValidationError("渐退月数：请填写1至6个月") from None
            actions.review_outcome_record(
                actor=request.user,
                review=item,
                outcome=form["outcome"],
                reason=form["reason"],
                from_month=month,
                monthly_fen=amount,
                months=months,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Recorded."))
            return redirect("integrity:review", review_id=item.pk)
    decision = Decision.objects.filter(application=item.entitlement.application).first()
    audit_record(
        request=request,
        action="integrity.review_view",
        object_type="review_task",
        object_id=item.pk,
    )
    return render(
        request,
        "integrity/review.html",
        {
            "review": item,
            "changes": actions.changes_since_decision(item.entitlement),
            "decision": decision,
            "form": form,
            "outcomes": ReviewTask.Outcome.choices,
            "can_decide": decides(request.user),
        },
    )


# --- spot checks --------------------------------------------------------------------------------


@require_GET
def spotchecks(request):
    """The checks assigned to me (an inspector), and for the bureau every open problem."""
    user = request.user
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    mine = list(
        SpotCheckItem.objects.filter(inspector=user)
        .select_related("household", "draw__plan")
        .order_by("finding", "id")[:300]
    )
    problems = []
    if decides(user):
        problems = list(
            SpotCheckItem.objects.filter(
                finding=SpotCheckItem.Finding.PROBLEM,
                closed_on__isnull=True,
                household__in=households_for(user),
            ).select_related("household", "inspector")[:300]
        )
    if not mine and not problems and not is_staff_reader(user):
        raise PermissionDenied
    audit_record(request=request, action="integrity.spotcheck_list", object_type="spotcheck_item")
    return render(request, "integrity/spotchecks.html", {"mine": mine, "problems": problems})


@require_POST
def spotcheck_step(request, item_id: int, step: str):
    user = request.user
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    item = SpotCheckItem.objects.filter(pk=item_id).first()
    if item is None or not (
        item.inspector_id == user.pk
        or (decides(user) and households_for(user).filter(pk=item.household_id).exists())
    ):
        raise Http404("no such check")
    try:
        if step == "finding":
            spotcheck.finding_record(
                actor=user,
                item=item,
                finding=request.POST.get("finding", ""),
                note=request.POST.get("note", ""),
                request=request,
            )
        elif step == "close":
            spotcheck.finding_close(
                actor=user, item=item, note=request.POST.get("note", ""), request=request
            )
        else:
            raise Http404("no such step")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Recorded."))
    return redirect("integrity:spotchecks")
