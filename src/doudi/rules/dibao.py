"""低保: §1.4 单人保, §1.9 procedure and timelines, §1.10 the benefit amount, and the combined
eligibility decision (members §1.3 + income §1.6 + assets §1.7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .assets import Asset, AssetResult, check_assets
from .income import Deduction, IncomeItem, IncomeResult, household_income
from .members import Member, MembersResult, count_members
from .params import PolicyParams
from .trace import Trace, yuan

AddWorkingDays = Callable[[date, int], date]
"""A calendar: (start, n) → the date n working days after start (doudi.workdays provides one)."""


# ---------------------------------------------------------------------------------- §1.4 单人保
@dataclass
class SinglePersonResult:
    allowed: bool
    basis: str  # reason key, "" when not allowed
    trace: Trace = field(default_factory=Trace)


SINGLE_BASIS_LABELS = {
    "edge_severe_disability": "低保边缘家庭中持有一、二级残疾证或三级智力、精神残疾的成员",
    "edge_serious_illness": "低保边缘家庭中患有当地认定的重特大疾病的成员",
    "clergy": "脱离家庭、在宗教场所居住三年以上且生活困难的宗教教职人员",
    "adult_severe_disability_unemployed": "无业的成年重度残疾人（参照单人户）",
    "county_defined": "县级以上民政部门规定的其他情形",
}


def severe_disability(m: Member) -> bool:
    """Grade 1–2 disability, or grade-3 intellectual or mental disability (§1.4 item 1)."""
    if m.disability_grade is None:
        return False
    if m.disability_grade <= 2:
        return True
    return m.disability_grade == 3 and m.disability_type in ("intellectual", "mental")


def single_person_eligible(
    member: Member,
    *,
    household_is_edge: bool,
    clergy_in_venue_with_hardship: bool = False,
    county_case: str = "",
) -> SinglePersonResult:
    """May this member apply alone (单人保, POLICY.md §1.4)?

    Yes for: a member of a 低保边缘 household with a severe disability (grade 1–2, or grade-3
    intellectual/mental) or a locally defined 重特大疾病; clergy living in a religious venue apart
    from the family ≥ 3 years with hardship; an adult unemployed person with a severe disability
    (S7, 参照单人户, regardless of the household's band); a county-defined case (non-empty text).
    """
    trace = Trace()
    basis = ""
    if member.age >= 18 and not member.employed and severe_disability(member):
        basis = "adult_severe_disability_unemployed"
    elif household_is_edge and severe_disability(member):
        basis = "edge_severe_disability"
    elif household_is_edge and member.serious_illness:
        basis = "edge_serious_illness"
    elif clergy_in_venue_with_hardship and member.clergy_years_away >= 3:
        basis = "clergy"
    elif county_case:
        basis = "county_defined"
    allowed = bool(basis)
    trace.add(
        f"dibao.single.{basis or 'none'}",
        "POLICY.md §1.4",
        f"单人保：{member.name}可否单独申请",
        inputs={
            "年龄": str(member.age),
            "残疾": f"{member.disability_type or '无'}{'' if member.disability_grade is None else f' {member.disability_grade}级'}",
            "重特大疾病": "是" if member.serious_illness else "否",
            "低保边缘家庭": "是" if household_is_edge else "否",
            "就业": "是" if member.employed else "否",
        },
        result=(
            "可以单独申请："
            + SINGLE_BASIS_LABELS[basis]
            + (f"（{county_case}）" if basis == "county_defined" else "")
        )
        if allowed
        else "不符合单人保条件，应以家庭为单位申请",
        passed=allowed,
    )
    return SinglePersonResult(allowed, basis, trace)


# ---------------------------------------------------------------------------------- §1.10 amount
@dataclass
class AmountResult:
    monthly_fen: int
    method: str  # "chae" | "single_full" | "single_difference"
    trace: Trace = field(default_factory=Trace)


def dibao_amount(
    per_capita_income_fen: int,
    members: int,
    params: PolicyParams,
    *,
    rural: bool = False,
    single_person: bool = False,
    household_income_fen: int | None = None,
) -> AmountResult:
    """Monthly 低保 benefit (POLICY.md §1.10).

    差额: (standard − per-capita monthly income) × members, never below 0. 单人保: one member;
    params.single_person_method "full" pays the full standard, "difference" pays standard − own
    income. With household_income_fen (the household's monthly net income) the 差额 is computed
    exactly as standard × members − household income (the same formula without rounding the
    per-capita figure). Once the amount is positive, it is raised to min_benefit_per_person_fen × members.
    """
    trace = Trace()
    standard = params.standard_fen(rural)
    std_name = "dibao_standard_rural_fen" if rural else "dibao_standard_urban_fen"
    std_ref = params.ref(std_name, "农村低保标准（月）" if rural else "城市低保标准（月）")
    if single_person:
        members = 1
        method = "single_full" if params.single_person_method == "full" else "single_difference"
        if method == "single_full":
            amount = standard
            formula = f"单人保按全额标准：{yuan(standard)}"
        else:
            amount = max(standard - per_capita_income_fen, 0)
            formula = f"单人保差额：{yuan(standard)} − {yuan(per_capita_income_fen)}"
        params_used = [std_ref, params.ref("single_person_method", "单人保计发方式")]
    else:
        method = "chae"
        if household_income_fen is None:
            amount = max((standard - per_capita_income_fen) * members, 0)
            formula = f"（{yuan(standard)} − {yuan(per_capita_income_fen)}）× {members}人"
        else:
            amount = max(standard * members - household_income_fen, 0)
            formula = f"（{yuan(standard)} − 人均收入）× {members}人 = {yuan(standard)} × {members}人 − 家庭月收入{yuan(household_income_fen)}"
        params_used = [std_ref]
    trace.add(
        f"dibao.amount.{method}",
        "POLICY.md §1.10",
        "低保金计算（补差）",
        inputs={"人均月收入": yuan(per_capita_income_fen), "保障人数": str(members)},
        params=params_used,
        result=f"{formula} = {yuan(amount)}",
    )
    minimum = params.min_benefit_per_person_fen * members
    if 0 < amount < minimum:
        trace.add(
            "dibao.amount.minimum",
            "POLICY.md §1.10",
            "最低保障金额",
            inputs={"计算金额": yuan(amount)},
            params=[params.ref("min_benefit_per_person_fen", "每人每月最低发放额")],
            result=f"低于最低额，按 {yuan(minimum)} 发放",
        )
        amount = minimum
    return AmountResult(amount, method, trace)


# ---------------------------------------------------------------------------- eligibility
@dataclass
class DibaoResult:
    eligible: bool
    members: MembersResult
    income: IncomeResult
    assets: AssetResult
    amount: AmountResult
    reasons: list[str]  # Chinese reasons for refusal, empty when eligible
    trace: Trace = field(default_factory=Trace)


def dibao_eligibility(
    members: list[Member],
    income: list[IncomeItem],
    assets: list[Asset],
    params: PolicyParams,
    *,
    deductions: list[Deduction] | tuple[Deduction, ...] = (),
    rural: bool = False,
    single_person_id: str | None = None,
) -> DibaoResult:
    """低保 eligibility and amount for a household (POLICY.md §1.3, §1.6, §1.7, §1.10).

    Eligible when per-capita monthly income < the standard and assets are within limits; the
    amount is the 差额. With single_person_id (单人保, already allowed by single_person_eligible),
    only that member counts and is treated as a one-person household.
    """
    trace = Trace()
    m = count_members(members)
    trace.extend(m.trace)
    counted = m.counted
    if single_person_id is not None:
        counted = [single_person_id]
        trace.add(
            "dibao.single.household", "POLICY.md §1.4", "单人保：按单人户计算", result="保障人数1人"
        )
    inc = household_income(income, counted, params, deductions)
    trace.extend(inc.trace)
    ass = check_assets(assets, len(counted), params, rural=rural)
    trace.extend(ass.trace)
    standard = params.standard_fen(rural)
    std_name = "dibao_standard_rural_fen" if rural else "dibao_standard_urban_fen"
    income_ok = inc.per_capita_monthly_fen < standard
    trace.add(
        "dibao.income_below_standard",
        "POLICY.md §1.10",
        "人均月收入低于低保标准",
        inputs={"人均月收入": yuan(inc.per_capita_monthly_fen)},
        params=[params.ref(std_name, "低保标准（月）")],
        result="符合" if income_ok else "不符合：人均收入不低于低保标准",
        passed=income_ok,
    )
    reasons: list[str] = []
    if not income_ok:
        reasons.append(
            f"家庭人均月收入{yuan(inc.per_capita_monthly_fen)}，不低于低保标准{yuan(standard)}"
        )
    reasons.extend(b.label for b in ass.breaches)
    eligible = not reasons
    amount = dibao_amount(
        inc.per_capita_monthly_fen,
        len(counted),
        params,
        rural=rural,
        single_person=single_person_id is not None,
        household_income_fen=inc.monthly_net_fen,
    )
    if not eligible:
        amount = AmountResult(0, amount.method, Trace())
    trace.extend(amount.trace)
    trace.add(
        "dibao.result",
        "POLICY.md §1",
        "低保审核结论",
        result=(
            f"符合低保条件，月保障金 {yuan(amount.monthly_fen)}"
            if eligible
            else "不符合：" + "；".join(reasons)
        ),
        passed=eligible,
    )
    return DibaoResult(eligible, m, inc, ass, amount, reasons, trace)


# ---------------------------------------------------------------------------------- §1.9 procedure
@dataclass(frozen=True)
class ProcedureFacts:
    """What has happened on a 低保 application (dates may be None when not yet reached)."""

    accepted_on: date
    township_decides: bool = False  # decision delegated to the township (S7: 20 working days)
    extended: bool = (
        False  # objections, away from hukou place, cross-locality, hard investigation → 45
    )
    file_received_by_county_on: date | None = None
    publication_started_on: date | None = None
    objection_raised: bool = False
    reinvestigated_or_reviewed: bool = False  # after an objection: re-investigation or 民主评议
    conflict_of_interest: bool = False  # 单独登记备案 (Art.11)
    complaint_during_review: bool = False
    county_home_visit_done: bool = False
    investigated: bool = False
    reviewed: bool = False
    disputed: bool = False  # S6: undisputed applications may skip 民主评议
    democratic_review_done: bool = False
    household_refuses_cooperation: bool = False
    decided_on: date | None = None
    approved: bool | None = None
    rejection_notice_sent_on: date | None = None


@dataclass
class ProcedureResult:
    """Due dates and what the rules require now. violations: rules broken (Chinese)."""

    overall_due: date
    county_decision_due: date | None
    publication_ends: date | None
    rejection_notice_due: date | None
    payment_starts: date | None  # first day of the first paid month
    required_steps: list[str]
    violations: list[str]
    may_decide: bool
    may_terminate_review: bool
    trace: Trace = field(default_factory=Trace)


PUBLIC_NOTICE_FIELDS = ("name", "household_size", "amount")
"""§1.9: the only fields a public notice (公示) may show."""


def month_after(day: date) -> date:
    """The first day of the month after `day` (payment starts there, §1.9 / §2.6)."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def public_notice(row: dict[str, object]) -> dict[str, object]:
    """Keep only name, household size and amount from a record (§1.9 privacy rule)."""
    return {key: row[key] for key in PUBLIC_NOTICE_FIELDS if key in row}


PROCEDURE_SECTION = "POLICY.md §1.9"


def dibao_procedure(
    facts: ProcedureFacts, add_working_days: AddWorkingDays, today: date
) -> ProcedureResult:
    """Apply the §1.9 rules to the facts of an application on `today`.

    Overall limit 30 working days from acceptance (20 when the township decides; 45 when
    extended); county decision within 10 working days of receiving the file; publication 7
    calendar days; objection → re-investigation or 民主评议 before deciding; mandatory county home
    visit for 单独登记备案 cases and complaints; no enrolment without acceptance, investigation and
    review (Art.28); 民主评议 skippable when undisputed (S6); non-cooperation → review may be
    terminated (Art.29); rejection notice within 3 working days; payment from the month after the
    decision.
    """
    trace = Trace()
    violations: list[str] = []
    required: list[str] = []
    overall_due = _overall_deadline(facts, add_working_days, today, trace, violations)
    county_due = _county_deadline(facts, add_working_days, today, trace, violations)
    pub_end = _publication(facts, trace, violations, required)
    _required_steps(facts, trace, required)
    may_decide = not required
    trace.add(
        "dibao.procedure.no_shortcut",
        PROCEDURE_SECTION,
        "未经受理、调查、审核不得纳入低保",
        result="可以作出决定" if may_decide else "尚需：" + "、".join(required),
        passed=may_decide,
    )
    rejection_due = _rejection_notice(facts, add_working_days, today, trace, violations)
    payment = None
    if facts.decided_on is not None and facts.approved:
        payment = month_after(facts.decided_on)
        trace.add(
            "dibao.procedure.payment",
            PROCEDURE_SECTION,
            "发放起始月",
            inputs={"决定日期": facts.decided_on.isoformat()},
            result=f"自 {payment.year}年{payment.month}月起发放",
        )
    trace.add(
        "dibao.procedure.cooperation",
        PROCEDURE_SECTION,
        "拒不配合调查",
        result="可终止审核" if facts.household_refuses_cooperation else "配合",
        passed=not facts.household_refuses_cooperation,
    )
    return ProcedureResult(
        overall_due,
        county_due,
        pub_end,
        rejection_due,
        payment,
        required,
        violations,
        may_decide,
        facts.household_refuses_cooperation,
        trace,
    )


def _overall_deadline(
    facts: ProcedureFacts,
    add_working_days: AddWorkingDays,
    today: date,
    trace: Trace,
    violations: list[str],
) -> date:
    """The overall limit: 30 working days from acceptance, 20 for the township, 45 extended."""
    limit = 45 if facts.extended else (20 if facts.township_decides else 30)
    overall_due = add_working_days(facts.accepted_on, limit)
    trace.add(
        "dibao.procedure.overall",
        PROCEDURE_SECTION,
        "办理总时限",
        inputs={
            "受理日期": facts.accepted_on.isoformat(),
            "乡镇审核确认": "是" if facts.township_decides else "否",
            "延长": "是" if facts.extended else "否",
        },
        result=f"{limit}个工作日内，截止 {overall_due.isoformat()}",
        passed=facts.decided_on is None
        and today <= overall_due
        or (facts.decided_on is not None and facts.decided_on <= overall_due),
    )
    if (facts.decided_on or today) > overall_due:
        violations.append(f"超过{limit}个工作日办理时限（{overall_due.isoformat()}）")
    return overall_due


def _county_deadline(
    facts: ProcedureFacts,
    add_working_days: AddWorkingDays,
    today: date,
    trace: Trace,
    violations: list[str],
) -> date | None:
    """The county decides within 10 working days of receiving the township's file."""
    if not facts.file_received_by_county_on or facts.township_decides:
        return None
    county_due = add_working_days(facts.file_received_by_county_on, 10)
    ok = (facts.decided_on or today) <= county_due
    trace.add(
        "dibao.procedure.county",
        PROCEDURE_SECTION,
        "县级审核确认时限",
        inputs={"收到乡镇材料": facts.file_received_by_county_on.isoformat()},
        result=f"10个工作日内，截止 {county_due.isoformat()}",
        passed=ok,
    )
    if not ok:
        violations.append(f"县级民政部门超过10个工作日未作出决定（{county_due.isoformat()}）")
    return county_due


def _publication(
    facts: ProcedureFacts, trace: Trace, violations: list[str], required: list[str]
) -> date | None:
    """The first-instance opinion is published 7 calendar days before the decision."""
    if not facts.publication_started_on:
        required.append("初审意见公示7天")
        return None
    pub_end = facts.publication_started_on + timedelta(days=7)
    ok = facts.decided_on is None or facts.decided_on >= pub_end
    trace.add(
        "dibao.procedure.publication",
        PROCEDURE_SECTION,
        "初审意见公示7天",
        inputs={"公示开始": facts.publication_started_on.isoformat()},
        result=f"公示至 {pub_end.isoformat()}",
        passed=ok,
    )
    if not ok:
        violations.append(f"公示期未满7天（{pub_end.isoformat()}）即作出决定")
    return pub_end


def _required_steps(facts: ProcedureFacts, trace: Trace, required: list[str]) -> None:
    """The steps still owed before a decision: re-investigation, home visit, review, 民主评议."""
    if facts.objection_raised and not facts.reinvestigated_or_reviewed:
        required.append("公示有异议：重新调查或民主评议")
    if facts.conflict_of_interest or facts.complaint_during_review:
        trace.add(
            "dibao.procedure.home_visit",
            PROCEDURE_SECTION,
            "县级入户调查（单独登记备案或有投诉举报）",
            result="已完成" if facts.county_home_visit_done else "必须进行",
            passed=facts.county_home_visit_done,
        )
        if not facts.county_home_visit_done:
            required.append("县级民政部门入户调查")
    if not facts.investigated:
        required.append("入户调查等家庭经济状况调查")
    if not facts.reviewed:
        required.append("审核")
    if facts.disputed and not facts.democratic_review_done:
        required.append("民主评议")
    trace.add(
        "dibao.procedure.democratic_review",
        PROCEDURE_SECTION,
        "民主评议",
        inputs={"有争议": "是" if facts.disputed else "否"},
        result="必须进行"
        if facts.disputed and not facts.democratic_review_done
        else "可不进行或已完成",
        passed=not (facts.disputed and not facts.democratic_review_done),
    )


def _rejection_notice(
    facts: ProcedureFacts,
    add_working_days: AddWorkingDays,
    today: date,
    trace: Trace,
    violations: list[str],
) -> date | None:
    """A rejection is notified in writing within 3 working days of the decision."""
    if facts.decided_on is None or facts.approved is not False:
        return None
    rejection_due = add_working_days(facts.decided_on, 3)
    sent = facts.rejection_notice_sent_on
    ok = sent is not None and sent <= rejection_due or sent is None and today <= rejection_due
    trace.add(
        "dibao.procedure.rejection_notice",
        PROCEDURE_SECTION,
        "不予确认的书面通知",
        result=f"3个工作日内送达，截止 {rejection_due.isoformat()}",
        passed=ok,
    )
    if not ok:
        violations.append(f"不予确认通知超过3个工作日（{rejection_due.isoformat()}）")
    return rejection_due
