"""§5.4 "基本一致": declared versus verified, within the configured tolerances."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .assets import Asset, check_assets
from .params import PolicyParams
from .trace import Trace, yuan

SECTION = "POLICY.md §5.4"


@dataclass(frozen=True)
class ConsistencyInput:
    """declared_members / verified_members: member keys (e.g. hashed ID numbers) on each side;
    per-capita monthly income declared and found; the eligibility each would give (None = not
    computed); assets declared, and assets found that were not declared; names of stale sources
    (older than their freshness limit — missing data is never read as zero)."""

    declared_members: frozenset[str]
    verified_members: frozenset[str]
    declared_per_capita_fen: int
    verified_per_capita_fen: int
    declared_assets: tuple[Asset, ...] = ()
    undeclared_assets: tuple[Asset, ...] = ()
    eligible_if_declared: bool | None = None
    eligible_if_verified: bool | None = None
    stale_sources: tuple[str, ...] = ()
    rural: bool = False


@dataclass
class ConsistencyResult:
    consistent: bool
    path: str  # "simplified" | "full"
    reasons: list[str]
    trace: Trace = field(default_factory=Trace)


def consistency_verdict(data: ConsistencyInput, params: PolicyParams) -> ConsistencyResult:
    """Declared and verified "basically agree" (→ simplified path) when: the members match; no
    undeclared asset takes the household over an asset limit; the per-capita income difference
    stays within consistency_income_tolerance_pct % of the standard, or does not change the
    eligibility result; and no source is stale. Otherwise → full path (home visit, 民主评议)."""
    t = Trace()
    reasons: list[str] = []
    missing = data.verified_members - data.declared_members
    extra = data.declared_members - data.verified_members
    ok = not missing and not extra
    t.add(
        "consistency.members",
        SECTION,
        "申报成员与户籍、核对信息一致",
        inputs={
            "申报人数": str(len(data.declared_members)),
            "核对人数": str(len(data.verified_members)),
        },
        result="一致" if ok else f"不一致：未申报{len(missing)}人，核对未见{len(extra)}人",
        passed=ok,
    )
    if not ok:
        reasons.append(f"家庭成员不一致（未申报{len(missing)}人，核对未见{len(extra)}人）")
    size = max(len(data.verified_members | data.declared_members), 1)
    reasons += _undeclared_assets(data, params, size, t)
    reasons += _income_difference(data, params, t)
    if data.stale_sources:
        t.add(
            "consistency.stale",
            SECTION,
            "核对数据时效",
            inputs={"过期数据源": "、".join(data.stale_sources)},
            result="数据源已过期，无法确认一致",
            passed=False,
        )
        reasons.append("核对数据源已过期：" + "、".join(data.stale_sources))
    consistent = not reasons
    path = "simplified" if consistent else "full"
    t.add(
        "consistency.result",
        SECTION,
        "核对结论",
        result="基本一致，走简易程序" if consistent else "不一致，走完整程序（入户调查、民主评议）",
        passed=consistent,
    )
    return ConsistencyResult(consistent, path, reasons, t)


def _undeclared_assets(
    data: ConsistencyInput, params: PolicyParams, size: int, t: Trace
) -> list[str]:
    """No undeclared asset takes the household over a limit it was within; the reason if one does."""
    if data.undeclared_assets:
        before = check_assets(list(data.declared_assets), size, params, rural=data.rural)
        after = check_assets(
            list(data.declared_assets) + list(data.undeclared_assets),
            size,
            params,
            rural=data.rural,
        )
        new = [b for b in after.breaches if b.rule not in {x.rule for x in before.breaches}]
        ok = not new
        t.add(
            "consistency.assets",
            SECTION,
            "无超过限额的未申报财产",
            inputs={"未申报财产": str(len(data.undeclared_assets))},
            result="符合" if ok else "不符合：" + "；".join(b.label for b in new),
            passed=ok,
        )
        if not ok:
            return ["存在未申报且超过限额的财产：" + "；".join(b.label for b in new)]
    else:
        t.add(
            "consistency.assets",
            SECTION,
            "无超过限额的未申报财产",
            result="未发现未申报财产",
            passed=True,
        )
    return []


def _income_difference(data: ConsistencyInput, params: PolicyParams, t: Trace) -> list[str]:
    """The per-capita incomes differ within the tolerance, or not enough to change eligibility."""
    standard = params.standard_fen(data.rural)
    diff = abs(data.verified_per_capita_fen - data.declared_per_capita_fen)
    tolerance = int(Decimal(standard) * params.consistency_income_tolerance_pct / 100)
    within = diff <= tolerance
    same_result = (
        data.eligible_if_declared is not None
        and data.eligible_if_declared == data.eligible_if_verified
    )
    ok = within or same_result
    t.add(
        "consistency.income",
        SECTION,
        "人均收入差异在容差内或不改变认定结果",
        inputs={
            "申报人均月收入": yuan(data.declared_per_capita_fen),
            "核对人均月收入": yuan(data.verified_per_capita_fen),
            "差额": yuan(diff),
        },
        params=[params.ref("consistency_income_tolerance_pct", "收入容差（占低保标准%）")],
        result=f"容差 {yuan(tolerance)}："
        + (
            "在容差内"
            if within
            else ("超出容差但不改变认定结果" if same_result else "超出容差且改变认定结果")
        ),
        passed=ok,
    )
    if not ok:
        return [f"申报与核对的人均月收入相差{yuan(diff)}，超过容差{yuan(tolerance)}"]
    return []
