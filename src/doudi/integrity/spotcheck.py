"""Random spot checks (随机抽查), "double random": random households, random inspectors.

A plan fixes its ratio and strata (street × programme) and freezes, when it is made, the
sampling frame (every benefit in force, with its street and programme) and the inspector pool
(officers and street reviewers with their street). A draw uses only the frozen plan and the
seed, in a fixed order, with Python's own generator seeded by text: the same plan and seed
give the same sample and the same inspectors on any database and after any later change to the
register. An inspector is never sent to their own street.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.assistance.models import Entitlement, Programme
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.integrity.access import decides
from doudi.integrity.models import SpotCheckDraw, SpotCheckItem, SpotCheckPlan
from doudi.monitoring.selectors import today

INSPECTOR_ROLES = (Role.COMMUNITY_OFFICER, Role.STREET_REVIEWER)
CSV_HEADER = ["line", "street", "programme", "hukou_no", "inspector", "inspector_street"]


def _street_of(jurisdiction) -> str:
    if jurisdiction is None:
        return ""
    if jurisdiction.level == "street":
        return jurisdiction.code
    if jurisdiction.level == "community" and jurisdiction.parent is not None:
        return jurisdiction.parent.code
    return ""


def plan_create(*, name: str, ratio: str, programme: str = "", made_by: str = "") -> SpotCheckPlan:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationError("抽查方案名称：请填写1至64个字")
    if SpotCheckPlan.objects.filter(name=name).exists():
        raise ValidationError(f"抽查方案名称：“{name}”已经存在，请换一个名称")
    try:
        value = Decimal(str(ratio).strip())
    except InvalidOperation:
        raise ValidationError("抽查比例：请填写0到1之间的小数，例如 0.3") from None
    if not (Decimal(0) < value <= Decimal(1)) or value != value.quantize(Decimal("0.001")):
        raise ValidationError("抽查比例：请填写0到1之间的小数（最多三位），例如 0.3")
    if programme and programme not in Programme.values:
        raise ValidationError(f"救助项目：{programme} 不存在，可选 {', '.join(Programme.values)}")
    entitlements = Entitlement.objects.filter(status=Entitlement.Status.ACTIVE).select_related(
        "household__community__parent"
    )
    if programme:
        entitlements = entitlements.filter(programme=programme)
    frame = sorted(
        (
            {
                "entitlement": e.pk,
                "household": e.household_id,
                "hukou_no": e.household.hukou_no,
                "street": _street_of(e.household.community),
                "programme": e.programme,
            }
            for e in entitlements
        ),
        key=lambda r: (r["street"], r["programme"], r["hukou_no"], r["entitlement"]),
    )
    inspectors = sorted(
        (
            {"user": u.pk, "username": u.username, "street": _street_of(u.jurisdiction)}
            for u in User.objects.filter(role__in=INSPECTOR_ROLES, is_active=True).select_related(
                "jurisdiction__parent"
            )
        ),
        key=lambda r: (r["username"], r["user"]),
    )
    with transaction.atomic():
        plan = SpotCheckPlan.objects.create(
            name=name,
            ratio=value,
            programme=programme,
            frame=frame,
            inspectors=inspectors,
            made_by=made_by[:150],
        )
        audit_record(
            action="integrity.spotcheck_plan",
            object_type="spotcheck_plan",
            object_id=plan.pk,
            detail={"frame": len(frame), "inspectors": len(inspectors), "by": made_by[:150]},
        )
    return plan


def sample(plan: SpotCheckPlan, seed: str) -> list[dict]:
    """The draw itself: a pure function of the frozen plan and the seed."""
    rng = random.Random(f"doudi-spotcheck|{plan.name}|{seed}")
    strata: dict[tuple[str, str], list[dict]] = {}
    for row in plan.frame:
        strata.setdefault((row["street"], row["programme"]), []).append(row)
    ratio = Decimal(plan.ratio)
    out = []
    for key in sorted(strata):
        rows = strata[key]
        k = min(len(rows), math.ceil(ratio * len(rows)))
        for row in rng.sample(rows, k):
            candidates = [i for i in plan.inspectors if i["street"] != row["street"]]
            if not candidates:
                raise ValidationError(
                    f"街道 {row['street']}：没有其他街道的检查人员可派，请先增加检查人员"
                )
            out.append({**row, "inspector": rng.choice(candidates)})
    return out


def draw(*, plan: SpotCheckPlan, seed: str, made_by: str = "") -> tuple[SpotCheckDraw, list]:
    seed = (seed or "").strip()
    if not seed or len(seed) > 64:
        raise ValidationError("随机种子：请填写1至64个字符，并记录下来以便复核")
    rows = sample(plan, seed)
    with transaction.atomic():
        made = SpotCheckDraw.objects.create(plan=plan, seed=seed)
        SpotCheckItem.objects.bulk_create(
            SpotCheckItem(
                draw=made,
                household_id=r["household"],
                street=r["street"],
                programme=r["programme"],
                inspector_id=r["inspector"]["user"],
            )
            for r in rows
        )
        audit_record(
            action="integrity.spotcheck_draw",
            object_type="spotcheck_draw",
            object_id=made.pk,
            detail={"plan": plan.pk, "seed": seed, "rows": len(rows), "by": made_by[:150]},
        )
    return made, rows


def csv_rows(rows: list[dict]) -> list[list]:
    return [
        [
            n,
            r["street"],
            r["programme"],
            r["hukou_no"],
            r["inspector"]["username"],
            r["inspector"]["street"],
        ]
        for n, r in enumerate(rows, start=1)
    ]


def finding_record(*, actor, item: SpotCheckItem, finding: str, note: str, request=None):
    """The assigned inspector records what the check found; a problem stays open until the
    district bureau records how it was put right (``close``)."""
    allowed = actor is not None and actor.is_authenticated and actor.pk == item.inspector_id
    if not allowed:
        audit_record(
            actor=actor,
            action="integrity.spotcheck_finding",
            object_type="spotcheck_item",
            object_id=item.pk,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only the assigned inspector records the finding")
    if finding not in (SpotCheckItem.Finding.OK, SpotCheckItem.Finding.PROBLEM):
        raise ValidationError("检查结果：请选择“未发现问题”或“发现问题”")
    note = (note or "").strip()
    if finding == SpotCheckItem.Finding.PROBLEM and len(note) < 4:
        raise ValidationError("问题说明：请写明发现的问题（至少4个字）")
    with transaction.atomic():
        item.finding = finding
        item.note = note[:500]
        item.closed_on = today() if finding == SpotCheckItem.Finding.OK else None
        item.save(update_fields=["finding", "note", "closed_on"])
        audit_record(
            actor=actor,
            action="integrity.spotcheck_finding",
            object_type="spotcheck_item",
            object_id=item.pk,
            request=request,
            detail={"finding": finding},
        )
    return item


def finding_close(*, actor, item: SpotCheckItem, note: str, request=None):
    if not decides(actor):
        audit_record(
            actor=actor,
            action="integrity.spotcheck_close",
            object_type="spotcheck_item",
            object_id=item.pk,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only the bureau closes a finding")
    if item.finding != SpotCheckItem.Finding.PROBLEM or item.closed_on is not None:
        raise ValidationError("只有未整改的问题可以登记整改完成")
    note = (note or "").strip()
    if len(note) < 4:
        raise ValidationError("整改情况：请写明如何整改（至少4个字）")
    with transaction.atomic():
        item.note = f"{item.note}；整改：{note}"[:500]
        item.closed_on = today()
        item.save(update_fields=["note", "closed_on"])
        audit_record(
            actor=actor,
            action="integrity.spotcheck_close",
            object_type="spotcheck_item",
            object_id=item.pk,
            request=request,
        )
    return item
