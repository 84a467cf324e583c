"""Trace-back (问题倒查) of a decision: everything as it was when it was made.

Every part is read from records that are never changed after the fact — the decision (its
evidence, trace and parameter version), the verification report it cites, the parameter rows
named in the version (rows are never edited; a change adds a row), the application's event
history, signatures, benefit changes with their reasons, sanctions, and the audit chain — never
from the household's or the policy's current state.
"""

from __future__ import annotations

import re

from django.db.models import Q

from doudi.assistance.models import (
    ApplicationEvent,
    Commitment,
    Decision,
    Entitlement,
    EntitlementChange,
)
from doudi.audit.models import AuditEntry
from doudi.integrity.models import CreditEvent, Sanction
from doudi.parameters.models import ParameterValue
from doudi.parameters.specs import BY_NAME

FORMAT_VERSION = "1.0"
EVENT_ZH = {
    "started": "开始申请",
    "submitted": "提交申报",
    "signed": "签署承诺书和授权书",
    "verified": "完成经济状况核对",
    "first_opinion": "提出初审意见",
    "objection": "登记公示异议",
    "decided": "作出决定",
}


def _who(user) -> dict:
    if user is None:
        return {"username": "系统", "role": ""}
    return {"username": user.username, "role": user.get_role_display()}


def _parameter_rows(version: str) -> list[dict]:
    ids = [int(n) for n in re.findall(r"#(\d+)", version or "")]
    rows = ParameterValue.objects.filter(pk__in=ids).order_by("name", "pk")
    return [
        {
            "name": r.name,
            "label": r.get_name_display(),
            "value": r.value,
            "money": getattr(BY_NAME.get(r.name), "kind", "") == "fen",
            "area": r.area_code or "*",
            "effective_from": r.effective_from.isoformat(),
            "source": r.source,
            "version": r.version,
        }
        for r in rows
    ]


def decision_trace(decision: Decision) -> dict:
    application = decision.application
    report = decision.report
    entitlement = Entitlement.objects.filter(application=application).first()
    people: list[dict] = []
    for e in ApplicationEvent.objects.filter(application=application).select_related("actor"):
        people.append(
            {"at": e.at.isoformat(), "what": EVENT_ZH.get(e.kind, "其他步骤"), **_who(e.actor)}
        )
    for c in Commitment.objects.filter(application=application).select_related(
        "signer", "signed_by"
    ):
        people.append(
            {
                "at": c.signed_at.isoformat(),
                "what": f"签署承诺书（{c.notice_version}）：{c.signer.name} {c.signer.id_masked}",
                **_who(c.signed_by),
            }
        )
    people.sort(key=lambda p: p["at"])
    overrides = []
    if entitlement is not None:
        for ch in EntitlementChange.objects.filter(entitlement=entitlement).select_related(
            "made_by"
        ):
            overrides.append(
                {
                    "at": ch.made_at.isoformat(),
                    "kind": ch.get_kind_display(),
                    "from_month": ch.from_month.isoformat(),
                    "monthly_fen": ch.monthly_fen,
                    "months": ch.months,
                    "reason": ch.reason,
                    **_who(ch.made_by),
                }
            )
    sanctions = [
        {
            "at": s.decided_at.isoformat(),
            "reasons": s.reasons,
            "overpayment_fen": s.overpayment_fen,
            "fine_fen": s.fine_fen,
            **_who(s.decided_by),
        }
        for s in Sanction.objects.filter(event__application=application).select_related(
            "decided_by"
        )
    ]
    objects = Q(object_type="application", object_id=str(application.pk))
    if entitlement is not None:
        objects |= Q(object_type="entitlement", object_id=str(entitlement.pk))
    events = CreditEvent.objects.filter(application=application).values_list("pk", flat=True)
    objects |= Q(object_type="credit_event", object_id__in=[str(pk) for pk in events])
    audit = [
        {
            "seq": a.seq,
            "at": a.at.isoformat(),
            "action": a.action,
            "outcome": a.outcome,
            "actor": a.actor_name or "系统",
        }
        for a in AuditEntry.objects.filter(objects).order_by("seq")
    ]
    return {
        "format": "doudi-trace",
        "format_version": FORMAT_VERSION,
        "decision": {
            "id": decision.pk,
            "application": application.pk,
            "programme": application.programme,
            "outcome": decision.outcome,
            "monthly_amount_fen": decision.monthly_amount_fen,
            "reasons": decision.reasons,
            "level": decision.level,
            "decided_at": decision.decided_at.isoformat(),
            **_who(decision.decided_by),
        },
        "data_at_decision": decision.evidence,
        "report": None
        if report is None
        else {
            "id": report.pk,
            "verdict": report.verdict,
            "reasons": report.reasons,
            "flags": report.flags,
            "stale_sources": report.stale_sources,
            "rows": report.rows,
            "made_at": report.made_at.isoformat(),
            **_who(report.made_by),
        },
        "policy": {
            "parameter_version": decision.parameter_version,
            "parameters": _parameter_rows(decision.parameter_version),
            "rules": decision.trace,
        },
        "people": people,
        "overrides": overrides,
        "sanctions": sanctions,
        "audit": audit,
    }
