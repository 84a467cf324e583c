"""§1.6 家庭收入: income in four categories (+ other), exclusions and deductions; §2.3 for 特困."""

from __future__ import annotations

from dataclasses import dataclass, field

from .params import DIBAO_EXCLUDED_INCOME, TEKUN_EXCLUDED_INCOME, PolicyParams
from .trace import Trace, yuan

SECTION = "POLICY.md §1.6"

CATEGORIES = {
    "wage": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "转移净收入",
    "other": "其他收入",
}

KIND_LABELS = {
    "veteran_benefit": "优待抚恤金",
    "family_planning": "计划生育奖励与扶助金",
    "scholarship": "奖学金",
    "bravery_award": "见义勇为等奖励性补助",
    "social_assistance": "政府发放的社会救助款物",
    "resident_basic_pension": "城乡居民基本养老保险基础养老金",
    "medical_insurance": "基本医疗保险待遇",
    "social_insurance": "其他社会保险待遇",
    "old_age_allowance": "高龄津贴",
}

DEDUCTION_LABELS = {
    "disability": "因残疾增加的刚性支出",
    "illness": "因重病增加的刚性支出",
    "job_cost": "必要的就业成本",
}


@dataclass(frozen=True)
class IncomeItem:
    """One declared (or verified) income item over `months` months.

    category: a key of CATEGORIES; kind: a finer type used for exclusions (see KIND_LABELS, or
    free e.g. "salary", "pension", "rent"); amount_fen: gross amount over the period;
    costs_fen: what the category allows to subtract — necessary job costs for wages; costs,
    depreciation and production taxes for business; costs for property; transfer spending (taxes,
    social-insurance contributions, support paid to others) for transfers.
    """

    member_id: str
    category: str
    amount_fen: int
    months: int = 6
    kind: str = ""
    costs_fen: int = 0
    description: str = ""


@dataclass(frozen=True)
class Deduction:
    """A deduction allowed from household income (§1.6): kind in DEDUCTION_LABELS, over `months`."""

    member_id: str
    kind: str
    amount_fen: int
    months: int = 6


@dataclass
class IncomeResult:
    """Household monthly net income, per category and per capita (fen, per month)."""

    monthly_by_category: dict[str, int]
    monthly_total_fen: int
    monthly_deductions_fen: int
    monthly_net_fen: int
    per_capita_monthly_fen: int
    excluded: list[IncomeItem]
    trace: Trace = field(default_factory=Trace)


class IncomeError(ValueError):
    """Bad input: a negative amount, an unknown category, or a period of less than one month."""


def _monthly(amount_fen: int, months: int) -> int:
    return (
        (amount_fen + months // 2) // months
        if amount_fen >= 0
        else -((-amount_fen + months // 2) // months)
    )


def household_income(
    items: list[IncomeItem],
    counted_members: list[str],
    params: PolicyParams,
    deductions: list[Deduction] | tuple[Deduction, ...] = (),
    programme: str = "dibao",
) -> IncomeResult:
    """Monthly household net income and per-capita income of the counted members.

    Items of members who are not counted are ignored. Each item's net = amount − costs (a
    category's costs never make another category negative on their own: net may be below 0 only
    for business/property, as a loss). Excluded kinds (§1.6 for 低保, §2.3 for 特困) are left out
    with the reason. Deductions (disability / illness rigid spending, job costs) come off the
    total, which never goes below 0. Amounts are converted to a monthly figure by the item's
    period, rounded half-up to the fen. per-capita = monthly net ÷ counted members (rounded down).
    """
    if not counted_members:
        raise IncomeError("没有计入的家庭成员，无法计算人均收入。")
    trace = Trace()
    counted = set(counted_members)
    excluded_kinds = set(TEKUN_EXCLUDED_INCOME if programme == "tekun" else DIBAO_EXCLUDED_INCOME)
    if programme != "tekun" and not params.exclude_resident_basic_pension:
        excluded_kinds.discard("resident_basic_pension")
    section = "POLICY.md §2.3" if programme == "tekun" else SECTION
    by_cat = {key: 0 for key in CATEGORIES}
    excluded: list[IncomeItem] = []
    for item in items:
        if item.category not in CATEGORIES:
            raise IncomeError(
                f"收入类别“{item.category}”无效，请选择工资性、经营、财产、转移或其他收入。"
            )
        if item.amount_fen < 0 or item.costs_fen < 0:
            raise IncomeError("收入金额和扣除费用不能为负数，请填写实际金额。")
        if item.months < 1:
            raise IncomeError("收入期间至少为1个月。")
        if item.member_id not in counted:
            continue
        if item.kind in excluded_kinds:
            excluded.append(item)
            trace.add(
                f"income.excluded.{item.kind}",
                section,
                f"不计入家庭收入：{KIND_LABELS.get(item.kind, item.kind)}",
                inputs={
                    "成员": item.member_id,
                    "金额": yuan(item.amount_fen),
                    "月数": str(item.months),
                },
                result="不计入",
                passed=False,
            )
            continue
        by_cat[item.category] += _counted_monthly(item, params, trace)
    total = sum(by_cat.values())
    ded = _deductions(deductions, counted, trace)
    net_total = max(total - ded, 0)
    per_capita = net_total // len(counted)
    trace.add(
        "income.per_capita",
        section,
        "家庭人均月收入",
        inputs={
            **{CATEGORIES[k]: yuan(v) for k, v in by_cat.items() if v},
            "扣减合计": yuan(ded),
            "计入人数": str(len(counted)),
        },
        result=f"家庭月净收入 {yuan(net_total)}，人均 {yuan(per_capita)}",
    )
    return IncomeResult(by_cat, total, ded, net_total, per_capita, excluded, trace)


def _counted_monthly(item: IncomeItem, params: PolicyParams, trace: Trace) -> int:
    """One counted item's monthly net income (wage: less the job cost when none is given)."""
    label = CATEGORIES[item.category]
    costs = item.costs_fen
    if item.category == "wage" and costs == 0 and params.job_cost_monthly_fen:
        costs = min(item.amount_fen, params.job_cost_monthly_fen * item.months)
    net = item.amount_fen - costs
    if item.category in ("wage", "transfer", "other"):
        net = max(net, 0)
    monthly = _monthly(net, item.months)
    trace.add(
        f"income.{item.category}",
        SECTION,
        f"计入{label}",
        inputs={
            "成员": item.member_id,
            "金额": yuan(item.amount_fen),
            "扣除费用": yuan(costs),
            "月数": str(item.months),
        },
        params=[params.ref("job_cost_monthly_fen", "必要就业成本（月）")]
        if item.category == "wage" and item.costs_fen == 0 and params.job_cost_monthly_fen
        else [],
        result=f"月均净收入 {yuan(monthly)}",
        passed=True,
    )
    return monthly


def _deductions(
    deductions: list[Deduction] | tuple[Deduction, ...], counted: set[str], trace: Trace
) -> int:
    """The monthly total of the counted members' rigid-spending and job-cost deductions."""
    ded = 0
    for d in deductions:
        if d.amount_fen < 0:
            raise IncomeError("扣减金额不能为负数。")
        if d.member_id not in counted or d.kind not in DEDUCTION_LABELS:
            continue
        monthly = _monthly(d.amount_fen, max(d.months, 1))
        ded += monthly
        trace.add(
            f"income.deduction.{d.kind}",
            SECTION,
            f"扣减{DEDUCTION_LABELS[d.kind]}",
            inputs={"成员": d.member_id, "金额": yuan(d.amount_fen), "月数": str(d.months)},
            result=f"月均扣减 {yuan(monthly)}",
        )
    return ded
