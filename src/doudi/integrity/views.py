"""Integrity pages: thin — load through the access layer, render, audit the reading."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doudi.assistance.access import applications_for, is_staff_reader
from doudi.assistance.actions import ASSET_LABELS, INCOME_LABELS
from doudi.assistance.models import Decision, VerificationReport
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.integrity import selectors, trace
from doudi.integrity.access import events_for
from doudi.monitoring.selectors import today


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
