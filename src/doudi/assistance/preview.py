"""The impact preview of a parameter change for assistance (registered with
:mod:`doudi.parameters.preview`): households on 低保 whose eligibility would change, and the
monthly cost change, recomputed with the rules from each entitlement's verified income."""

from __future__ import annotations

from doudi.parameters.preview import Impact


def _income_fen(entitlement) -> int:
    report = entitlement.application.reports.order_by("-id").first()
    declared = sum(i.monthly_fen for i in entitlement.application.incomes.all())
    if report is None:
        return declared
    found = sum(
        (r.get("found_fen") or 0)
        for r in report.rows
        if r.get("summary") and r.get("kind") == "income"
    )
    return max(declared, found)


def dibao_preview(area_code: str, old, new) -> Impact | None:
    from doudi.assistance.models import Entitlement, Programme
    from doudi.rules import dibao

    rows = (
        Entitlement.objects.filter(
            status=Entitlement.Status.ACTIVE,
            programme=Programme.DIBAO,
            household__community__code__startswith=area_code,
        )
        .select_related("application")
        .prefetch_related("application__incomes", "application__members")
    )
    changed = 0
    delta = 0
    count = 0
    for entitlement in rows:
        count += 1
        members = max(sum(1 for m in entitlement.application.members.all() if m.counted), 1)
        per_capita = _income_fen(entitlement) // members
        before = dibao.dibao_amount(per_capita, members, old).monthly_fen
        after = dibao.dibao_amount(per_capita, members, new).monthly_fen
        if (before > 0) != (after > 0):
            changed += 1
        delta += after - before
    return Impact(
        label="在保低保家庭",
        households_changed=changed,
        monthly_cost_change_fen=delta,
        detail=f"按核对收入重算 {count} 户",
    )
