"""§1.5/§4.1 低保边缘家庭 (multiplier of the 低保 standard) and 刚性支出困难家庭 (12-month spending)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from .params import PolicyParams
from .trace import Trace, yuan


@dataclass
class EdgeResult:
    eligible: bool
    line_fen: int  # multiplier × standard, per person per month
    reasons: list[str]
    trace: Trace = field(default_factory=Trace)


def edge_eligibility(
    per_capita_income_fen: int,
    assets_within_edge_rule: bool,
    params: PolicyParams,
    *,
    dibao_eligible: bool,
    rural: bool = False,
) -> EdgeResult:
    """§1.5 / §4.1 item 4: not 低保-eligible, per-capita monthly income < multiplier × standard
    (rounded down to the fen), and assets within the edge rule (check_assets(programme="edge"))."""
    t = Trace()
    standard = params.standard_fen(rural)
    line = int((params.edge_multiplier * standard).to_integral_value(rounding=ROUND_FLOOR))
    reasons: list[str] = []
    t.add(
        "edge.not_dibao",
        "POLICY.md §1.5",
        "不符合低保条件",
        result="是" if not dibao_eligible else "否：应纳入低保",
        passed=not dibao_eligible,
    )
    if dibao_eligible:
        reasons.append("符合低保条件，应按低保办理")
    std_name = "dibao_standard_rural_fen" if rural else "dibao_standard_urban_fen"
    income_ok = per_capita_income_fen < line
    t.add(
        "edge.income",
        "POLICY.md §4.1",
        "人均收入低于低保标准的倍数",
        inputs={"人均月收入": yuan(per_capita_income_fen)},
        params=[
            params.ref("edge_multiplier", "低保边缘倍数"),
            params.ref(std_name, "低保标准（月）"),
        ],
        result=f"边缘线 {yuan(line)}：" + ("符合" if income_ok else "不符合"),
        passed=income_ok,
    )
    if not income_ok:
        reasons.append(
            f"人均月收入{yuan(per_capita_income_fen)}不低于{params.edge_multiplier}倍低保标准{yuan(line)}"
        )
    t.add(
        "edge.assets",
        "POLICY.md §1.5",
        "财产符合低保边缘家庭规定",
        result="符合" if assets_within_edge_rule else "不符合",
        passed=assets_within_edge_rule,
    )
    if not assets_within_edge_rule:
        reasons.append("家庭财产不符合低保边缘家庭规定")
    ok = not reasons
    t.add(
        "edge.result",
        "POLICY.md §4.1",
        "低保边缘家庭认定",
        result="符合" if ok else "不符合：" + "；".join(reasons),
        passed=ok,
    )
    return EdgeResult(ok, line, reasons, t)


SPENDING_LABELS = {
    "basic_living": "基本生活支出",
    "medical": "自付医疗费用",
    "education": "教育费用",
    "rehabilitation": "残疾康复和辅具费用",
    "other": "县级规定的其他支出",
}


@dataclass(frozen=True)
class Spending:
    """Spending in one of SPENDING_LABELS over the 12 months before applying (fen)."""

    kind: str
    amount_fen: int
    description: str = ""


@dataclass
class RigidResult:
    eligible: bool
    share: Decimal  # rigid spending ÷ household income over 12 months (0 when no spending)
    reasons: list[str]
    trace: Trace = field(default_factory=Trace)


def rigid_spending_eligibility(
    annual_income_fen: int,
    household_size: int,
    spending: list[Spending],
    params: PolicyParams,
    *,
    assets_within_limits: bool,
    already_dibao_tekun_or_edge: bool,
) -> RigidResult:
    """§4.1 item 5 (S4): not already 低保/特困/低边; per-capita annual income < last year's local
    per-capita disposable income; assets within local rules; counted spending of the 12 months
    before applying ÷ household income over those months > rigid_spending_share (income 0 with
    any spending counts as above)."""
    if household_size < 1:
        raise ValueError("家庭人数至少为1人。")
    t = Trace()
    reasons: list[str] = []
    t.add(
        "rigid.not_other",
        "POLICY.md §4.1",
        "未纳入低保、特困或低保边缘",
        result="是" if not already_dibao_tekun_or_edge else "否",
        passed=not already_dibao_tekun_or_edge,
    )
    if already_dibao_tekun_or_edge:
        reasons.append("已是低保、特困或低保边缘对象")
    per_capita = annual_income_fen // household_size
    income_ok = per_capita < params.prev_year_disposable_income_fen
    t.add(
        "rigid.income",
        "POLICY.md §4.1",
        "人均年收入低于上年度当地人均可支配收入",
        inputs={
            "家庭年收入": yuan(annual_income_fen),
            "人数": str(household_size),
            "人均": yuan(per_capita),
        },
        params=[params.ref("prev_year_disposable_income_fen", "上年度人均可支配收入（年）")],
        result="符合" if income_ok else "不符合",
        passed=income_ok,
    )
    if not income_ok:
        reasons.append(
            f"人均年收入{yuan(per_capita)}不低于上年度人均可支配收入{yuan(params.prev_year_disposable_income_fen)}"
        )
    t.add(
        "rigid.assets",
        "POLICY.md §4.1",
        "财产符合当地规定",
        result="符合" if assets_within_limits else "不符合",
        passed=assets_within_limits,
    )
    if not assets_within_limits:
        reasons.append("家庭财产不符合当地规定")
    total = 0
    for s in spending:
        if s.kind not in SPENDING_LABELS:
            raise ValueError(f"支出类型“{s.kind}”无效。")
        if s.amount_fen < 0:
            raise ValueError("支出金额不能为负数。")
        total += s.amount_fen
    if annual_income_fen > 0:
        share = Decimal(total) / Decimal(annual_income_fen)
        share_ok = share > params.rigid_spending_share
    else:
        share = Decimal(0) if total == 0 else Decimal(1)
        share_ok = total > 0
    t.add(
        "rigid.share",
        "POLICY.md §4.1",
        "近12个月刚性支出占家庭收入比例高于规定比例",
        inputs={
            **{SPENDING_LABELS[s.kind]: yuan(s.amount_fen) for s in spending},
            "刚性支出合计": yuan(total),
        },
        params=[params.ref("rigid_spending_share", "刚性支出占比")],
        result=f"占比 {share.quantize(Decimal('0.001'))}：" + ("符合" if share_ok else "不符合"),
        passed=share_ok,
    )
    if not share_ok:
        reasons.append(f"刚性支出占家庭收入比例未超过{params.rigid_spending_share}")
    ok = not reasons
    t.add(
        "rigid.result",
        "POLICY.md §4.1",
        "刚性支出困难家庭认定",
        result="符合（有效期不超过12个月）" if ok else "不符合：" + "；".join(reasons),
        passed=ok,
    )
    return RigidResult(ok, share, reasons, t)
