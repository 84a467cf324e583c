"""§3 临时救助: emergency (急难) and spending (支出) types, the amount formula, who approves
(delegated township limit) and 先行救助."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .params import PolicyParams
from .trace import Trace, yuan

SECTION = "POLICY.md §3"

CAUSE_LABELS = {
    "fire": "火灾",
    "traffic_accident": "交通事故",
    "accident": "其他意外事件",
    "sudden_illness": "家庭成员突发重大疾病",
    "medical": "医疗支出骤增",
    "education": "教育支出骤增",
    "other": "其他特殊困难",
}
EMERGENCY_CAUSES = frozenset({"fire", "traffic_accident", "accident", "sudden_illness"})
SPENDING_CAUSES = frozenset({"medical", "education", "other"})


@dataclass(frozen=True)
class TempCase:
    """A 临时救助 request. kind: "emergency" (急难型) or "spending" (支出型); cause: a CAUSE_LABELS
    key; per_capita_disposable_annual_fen: the household's (spending type test, §3.2);
    requested_fen: an amount asked for by 一事一议 (0 = use the formula)."""

    kind: str
    cause: str
    household_size: int
    per_capita_disposable_annual_fen: int = 0
    assets_within_limits: bool = True
    rural: bool = False
    is_dibao_household: bool = False
    requested_fen: int = 0
    collective_decision: bool = False  # 一事一议 record for an amount above the cap


@dataclass
class TempResult:
    eligible: bool
    amount_fen: int
    approver: str  # "township" | "county"
    first_aid_allowed: bool  # 先行救助: help first, paperwork later
    reasons: list[str]
    trace: Trace = field(default_factory=Trace)


def temporary_assistance(case: TempCase, params: PolicyParams) -> TempResult:
    """§3.2 type test; §3.5 amount = k × monthly 低保 standard × household size (k per type), capped
    at temp_cap_fen unless 一事一议; §3.3 township approves up to temp_township_limit_fen, county
    above; §3.4 先行救助 for emergency cases up to temp_first_aid_limit_fen (支出型: full procedure)."""
    t = Trace()
    if case.kind not in ("emergency", "spending"):
        raise ValueError("临时救助类型应为急难型或支出型。")
    if case.household_size < 1:
        raise ValueError("家庭人数至少为1人。")
    if case.cause not in CAUSE_LABELS:
        raise ValueError(f"困难原因“{case.cause}”无效。")
    kind_label = "急难型" if case.kind == "emergency" else "支出型"
    reasons = _type_test(case, params, t)
    amount = _amount(case, params, kind_label, t)
    eligible = not reasons
    if not eligible:
        amount = 0
    approver = "township" if amount <= params.temp_township_limit_fen else "county"
    t.add(
        "temp.approver",
        "POLICY.md §3.3",
        "审批权限",
        inputs={"金额": yuan(amount)},
        params=[params.ref("temp_township_limit_fen", "乡镇（街道）审批限额")],
        result="乡镇（街道）审批" if approver == "township" else "报县级民政部门审批",
    )
    first_aid = eligible and case.kind == "emergency" and amount <= params.temp_first_aid_limit_fen
    t.add(
        "temp.first_aid",
        "POLICY.md §3.4",
        "先行救助（先救助、后补手续）",
        params=[params.ref("temp_first_aid_limit_fen", "先行救助限额")],
        result="可以先行救助，事后补齐手续" if first_aid else "按正常程序办理",
        passed=first_aid,
    )
    t.add(
        "temp.result",
        SECTION,
        "临时救助结论",
        result=f"{kind_label}临时救助 {yuan(amount)}"
        if eligible
        else "不符合：" + "；".join(reasons),
        passed=eligible,
    )
    return TempResult(eligible, amount, approver, first_aid, reasons, t)


def _type_test(case: TempCase, params: PolicyParams, t: Trace) -> list[str]:
    """§3.1/§3.2: whether the case is of its type; the reasons it is not (empty when it is)."""
    reasons: list[str] = []
    if case.kind == "emergency":
        ok = case.cause in EMERGENCY_CAUSES
        t.add(
            "temp.emergency",
            "POLICY.md §3.1",
            "急难型：突发事件导致基本生活陷入困境",
            inputs={"原因": CAUSE_LABELS[case.cause]},
            result="符合" if ok else "不符合：原因不属于突发事件",
            passed=ok,
        )
        if not ok:
            reasons.append("原因不属于火灾、交通事故等意外事件或突发重大疾病")
    else:
        income_ok = case.per_capita_disposable_annual_fen < params.prev_year_disposable_income_fen
        t.add(
            "temp.spending.income",
            "POLICY.md §3.2",
            "支出型：家庭人均可支配收入低于上年度当地人均可支配收入",
            inputs={"家庭人均可支配收入（年）": yuan(case.per_capita_disposable_annual_fen)},
            params=[params.ref("prev_year_disposable_income_fen", "上年度人均可支配收入（年）")],
            result="符合" if income_ok else "不符合",
            passed=income_ok,
        )
        if not income_ok:
            reasons.append("家庭人均可支配收入不低于上年度当地人均可支配收入")
        t.add(
            "temp.spending.assets",
            "POLICY.md §3.2",
            "支出型：财产符合当地规定",
            result="符合" if case.assets_within_limits else "不符合",
            passed=case.assets_within_limits,
        )
        if not case.assets_within_limits:
            reasons.append("家庭财产不符合当地规定")
    return reasons


def _amount(case: TempCase, params: PolicyParams, kind_label: str, t: Trace) -> int:
    """§3.5: k × monthly standard × household size, capped unless decided 一事一议."""
    standard = params.standard_fen(case.rural)
    k_name = "temp_emergency_months" if case.kind == "emergency" else "temp_spending_months"
    k = Decimal(getattr(params, k_name))
    formula = (k * standard * case.household_size).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    amount = int(formula)
    std_name = "dibao_standard_rural_fen" if case.rural else "dibao_standard_urban_fen"
    t.add(
        "temp.amount.formula",
        "POLICY.md §3.5",
        f"{kind_label}救助金额",
        inputs={"家庭人数": str(case.household_size)},
        params=[params.ref(k_name, "月低保标准倍数"), params.ref(std_name, "低保标准（月）")],
        result=f"{k} × {yuan(standard)} × {case.household_size}人 = {yuan(amount)}",
    )
    if case.requested_fen and case.collective_decision:
        amount = case.requested_fen
        t.add(
            "temp.amount.yishiyiyi",
            "POLICY.md §3.5",
            "一事一议",
            result=f"经集体研究确定 {yuan(amount)}",
        )
    elif params.temp_cap_fen and amount > params.temp_cap_fen:
        amount = params.temp_cap_fen
        t.add(
            "temp.amount.cap",
            "POLICY.md §3.5",
            "救助金额上限",
            params=[params.ref("temp_cap_fen", "临时救助上限")],
            result=f"按上限 {yuan(amount)}",
        )
    return amount
