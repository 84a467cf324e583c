"""特困人员: §2.1 eligibility (all three), §2.2 work ability, §2.3 livelihood, §2.4 supporters,
§2.5 minors, §2.6 procedure and urban/rural rate, §2.7 self-care → care tier, §2.8 standards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from .assets import Asset, check_assets
from .dibao import AddWorkingDays, month_after
from .income import IncomeItem, household_income
from .params import PolicyParams
from .trace import Trace, yuan


@dataclass(frozen=True)
class TekunPerson:
    """The applicant. disability_type: "physical", "intellectual", "mental", "visual", …;
    provincial_no_work_case: a province-defined case of no work ability (text)."""

    id: str
    name: str
    age: int
    disability_type: str | None = None
    disability_grade: int | None = None
    provincial_no_work_case: str = ""
    in_school: bool = False  # compulsory education, senior high or secondary vocational school
    chooses_orphan_allowance: bool = False  # §2.5: orphan / de-facto-unsupported-child allowance
    has_contracted_land: bool = False  # §2.6: land or a share in village collective income → rural
    relocated_to_town: bool = False  # poverty relocation to a town → urban
    hukou_rural: bool = False


@dataclass(frozen=True)
class Supporter:
    """A legal supporter (赡养/抚养/扶养义务人). annual_income_fen: own income last year;
    assets_within_low_income_rule: passes the local 低收入家庭 asset rule."""

    id: str
    name: str
    age: int
    is_tekun: bool = False
    is_dibao: bool = False
    annual_income_fen: int = 0
    assets_within_low_income_rule: bool = True
    severe_disability: bool = False  # grade 1–2, or grade-3 intellectual/mental
    lacks_civil_capacity: bool = False
    declared_missing: bool = False
    in_prison: bool = False
    provincial_case: str = ""


@dataclass
class RuleResult:
    """A yes/no rule outcome with its basis (Chinese) and trace."""

    ok: bool
    basis: str
    trace: Trace = field(default_factory=Trace)


def no_work_ability(person: TekunPerson) -> RuleResult:
    """§2.2 无劳动能力: age ≥ 60, or < 16; intellectual/mental grade 1–3, physical grade 1–2,
    visual grade 1; or a provincial case."""
    t = Trace()
    basis = ""
    g = person.disability_grade
    if person.age >= 60:
        basis = "年满60周岁"
    elif person.age < 16:
        basis = "未满16周岁"
    elif g is not None and person.disability_type in ("intellectual", "mental") and g <= 3:
        basis = f"{'智力' if person.disability_type == 'intellectual' else '精神'}残疾{g}级"
    elif g is not None and person.disability_type == "physical" and g <= 2:
        basis = f"肢体残疾{g}级"
    elif g is not None and person.disability_type == "visual" and g == 1:
        basis = "视力残疾1级"
    elif person.provincial_no_work_case:
        basis = f"省级规定情形：{person.provincial_no_work_case}"
    ok = bool(basis)
    t.add(
        "tekun.no_work_ability",
        "POLICY.md §2.2",
        "无劳动能力",
        inputs={
            "年龄": str(person.age),
            "残疾": f"{person.disability_type or '无'}{'' if g is None else f' {g}级'}",
        },
        result=f"符合：{basis}" if ok else "不符合：未满60周岁、已满16周岁且无规定等级的残疾",
        passed=ok,
    )
    return RuleResult(ok, basis, t)


def no_livelihood(
    person: TekunPerson, income: list[IncomeItem], assets: list[Asset], params: PolicyParams
) -> RuleResult:
    """§2.3 无生活来源: the person's monthly income (excluding the residents' basic pension, medical
    and other social insurance, veterans' benefits and the old-age allowance) below the local 低保
    standard, and assets within the 特困 asset rule."""
    t = Trace()
    rural = treatment_is_rural(person)
    inc = household_income(income, [person.id], params, programme="tekun")
    t.extend(inc.trace)
    standard = params.standard_fen(rural)
    std_name = "dibao_standard_rural_fen" if rural else "dibao_standard_urban_fen"
    income_ok = inc.per_capita_monthly_fen < standard
    t.add(
        "tekun.income_below_standard",
        "POLICY.md §2.3",
        "收入低于当地低保标准",
        inputs={"月收入": yuan(inc.per_capita_monthly_fen)},
        params=[params.ref(std_name, "低保标准（月）")],
        result="符合" if income_ok else "不符合：收入不低于低保标准",
        passed=income_ok,
    )
    ass = check_assets(assets, 1, params, rural=rural, programme="tekun")
    t.extend(ass.trace)
    ok = income_ok and ass.within_limits
    basis = (
        "收入低于低保标准且财产符合特困规定"
        if ok
        else "；".join(
            (
                [f"月收入{yuan(inc.per_capita_monthly_fen)}不低于低保标准{yuan(standard)}"]
                if not income_ok
                else []
            )
            + [b.label for b in ass.breaches]
        )
    )
    t.add(
        "tekun.no_livelihood",
        "POLICY.md §2.3",
        "无生活来源",
        result=("符合：" if ok else "不符合：") + basis,
        passed=ok,
    )
    return RuleResult(ok, basis, t)


def supporter_unable(s: Supporter, params: PolicyParams) -> RuleResult:
    """§2.4: the supporter cannot support when any one holds: a 特困 person; a 低保 recipient aged
    ≥ 60; aged ≥ 70 with income below last year's local per-capita disposable income and assets
    within the low-income rule; a severe disability with the same tests; lacking civil capacity,
    missing or in prison and passing the asset test; a provincial case."""
    t = Trace()
    low_income = s.annual_income_fen < params.prev_year_disposable_income_fen
    basis = ""
    if s.is_tekun:
        basis = "义务人为特困人员"
    elif s.is_dibao and s.age >= 60:
        basis = "义务人为60周岁以上的低保对象"
    elif s.age >= 70 and low_income and s.assets_within_low_income_rule:
        basis = "义务人年满70周岁，收入低于上年度人均可支配收入且财产符合规定"
    elif s.severe_disability and low_income and s.assets_within_low_income_rule:
        basis = "义务人为重度残疾人，收入低于上年度人均可支配收入且财产符合规定"
    elif (
        s.lacks_civil_capacity or s.declared_missing or s.in_prison
    ) and s.assets_within_low_income_rule:
        basis = "义务人无民事行为能力、被宣告失踪或在监狱服刑，且财产符合规定"
    elif s.provincial_case:
        basis = f"省级规定情形：{s.provincial_case}"
    ok = bool(basis)
    t.add(
        "tekun.supporter_unable",
        "POLICY.md §2.4",
        f"义务人{s.name}无履行义务能力",
        inputs={
            "年龄": str(s.age),
            "年收入": yuan(s.annual_income_fen),
            "特困": "是" if s.is_tekun else "否",
            "低保": "是" if s.is_dibao else "否",
        },
        params=[params.ref("prev_year_disposable_income_fen", "上年度人均可支配收入（年）")],
        result=f"符合：{basis}" if ok else "不符合：义务人具备履行义务能力",
        passed=ok,
    )
    return RuleResult(ok, basis, t)


def minor_rule(person: TekunPerson) -> RuleResult:
    """§2.5: a minor choosing the orphan / unsupported-child allowance is not recorded as 特困;
    past 18, support continues only while in school (compulsory, senior high, secondary vocational)."""
    t = Trace()
    if person.age < 18 and person.chooses_orphan_allowance:
        ok, basis = False, "已选择孤儿或事实无人抚养儿童基本生活保障，不认定为特困人员"
    elif person.age >= 18 and person.age < 60 and not person.disability_grade and person.in_school:
        ok, basis = True, "年满18周岁仍在接受义务教育或高中、中职教育，继续享受特困供养"
    else:
        ok, basis = True, "不涉及未成年人规定"
    t.add(
        "tekun.minor",
        "POLICY.md §2.5",
        "未成年特困人员",
        inputs={"年龄": str(person.age)},
        result=basis,
        passed=ok,
    )
    return RuleResult(ok, basis, t)


# ------------------------------------------------------------------------------ §2.7 self-care
ADL_ACTIVITIES = ("eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing")
ADL_LABELS = {
    "eating": "进食",
    "dressing": "穿衣",
    "bed_transfer": "上下床",
    "toileting": "如厕",
    "walking_indoors": "室内行走",
    "bathing": "洗澡",
}
CARE_TIER_LABELS = {
    "full": "具备生活自理能力（全自理）",
    "partial": "部分丧失生活自理能力（半失能）",
    "total": "完全丧失生活自理能力（全失能）",
}


@dataclass
class SelfCareResult:
    tier: str  # "full" | "partial" | "total"
    cannot_do: int
    care_standard_fen: int
    trace: Trace = field(default_factory=Trace)


def self_care(can_do: dict[str, bool], params: PolicyParams) -> SelfCareResult:
    """§2.7: six activities; all done → 全自理; cannot do ≤ 3 → 部分丧失; ≥ 4 → 完全丧失.
    The tier sets the care standard (§2.8). Every activity must be answered."""
    missing = [a for a in ADL_ACTIVITIES if a not in can_do]
    if missing:
        raise ValueError("生活自理能力评估缺少项目：" + "、".join(ADL_LABELS[a] for a in missing))
    cannot = sum(1 for a in ADL_ACTIVITIES if not can_do[a])
    tier = "full" if cannot == 0 else ("partial" if cannot <= 3 else "total")
    name = {
        "full": "tekun_care_full_fen",
        "partial": "tekun_care_partial_fen",
        "total": "tekun_care_total_fen",
    }[tier]
    amount = int(getattr(params, name))
    t = Trace()
    t.add(
        f"tekun.self_care.{tier}",
        "POLICY.md §2.7",
        "生活自理能力评估",
        inputs={ADL_LABELS[a]: ("能" if can_do[a] else "不能") for a in ADL_ACTIVITIES},
        params=[params.ref(name, f"照料护理标准（{CARE_TIER_LABELS[tier]}）")],
        result=f"{cannot}项不能完成：{CARE_TIER_LABELS[tier]}，照料护理标准 {yuan(amount)}/月",
    )
    return SelfCareResult(tier, cannot, amount, t)


def treatment_is_rural(person: TekunPerson) -> bool:
    """§2.6: contracted land or a collective-income share → rural rate; relocated to a town →
    urban rate; otherwise the hukou type."""
    if person.relocated_to_town:
        return False
    if person.has_contracted_land:
        return True
    return person.hukou_rural


@dataclass
class TekunResult:
    eligible: bool
    reasons: list[str]
    basic_fen: int
    care_fen: int
    monthly_fen: int
    rural: bool
    care_tier: str | None
    trace: Trace = field(default_factory=Trace)


def tekun_eligibility(
    person: TekunPerson,
    income: list[IncomeItem],
    assets: list[Asset],
    supporters: list[Supporter],
    params: PolicyParams,
    *,
    adl: dict[str, bool] | None = None,
) -> TekunResult:
    """§2.1: elderly, disabled or minor, and all three — no work ability, no livelihood, no
    supporter or every supporter unable (§2.4) — plus the minors rule (§2.5). Amount (§2.8):
    basic-living standard (urban or rural by §2.6) + the care standard of the §2.7 tier."""
    t = Trace()
    reasons: list[str] = []
    category = person.age >= 60 or person.age < 18 or person.disability_grade is not None
    t.add(
        "tekun.category",
        "POLICY.md §2.1",
        "老年人、残疾人或未成年人",
        inputs={"年龄": str(person.age)},
        result="符合" if category else "不符合",
        passed=category,
    )
    if not category:
        reasons.append("申请人不是老年人、残疾人或未成年人")
    wa = no_work_ability(person)
    t.extend(wa.trace)
    if not wa.ok:
        reasons.append("具有劳动能力")
    nl = no_livelihood(person, income, assets, params)
    t.extend(nl.trace)
    if not nl.ok:
        reasons.append(f"有生活来源（{nl.basis}）")
    able = []
    for s in supporters:
        r = supporter_unable(s, params)
        t.extend(r.trace)
        if not r.ok:
            able.append(s.name)
    sup_ok = not able
    t.add(
        "tekun.supporters",
        "POLICY.md §2.1",
        "无法定义务人或义务人无履行义务能力",
        inputs={"义务人数": str(len(supporters))},
        result="符合" if sup_ok else "不符合：" + "、".join(able) + "具备履行义务能力",
        passed=sup_ok,
    )
    if not sup_ok:
        reasons.append("法定义务人" + "、".join(able) + "具备履行义务能力")
    mr = minor_rule(person)
    t.extend(mr.trace)
    if not mr.ok:
        reasons.append(mr.basis)
    rural = treatment_is_rural(person)
    basic_name = "tekun_basic_rural_fen" if rural else "tekun_basic_urban_fen"
    basic = int(getattr(params, basic_name))
    t.add(
        "tekun.treatment",
        "POLICY.md §2.6",
        "城乡供养标准适用",
        inputs={
            "承包土地或集体收益": "是" if person.has_contracted_land else "否",
            "易地扶贫搬迁进城": "是" if person.relocated_to_town else "否",
        },
        params=[params.ref(basic_name, "基本生活标准（月）")],
        result="按农村标准" if rural else "按城市标准",
    )
    care_fen, tier = 0, None
    if adl is not None:
        sc = self_care(adl, params)
        t.extend(sc.trace)
        care_fen, tier = sc.care_standard_fen, sc.tier
    eligible = not reasons
    monthly = basic + care_fen if eligible else 0
    t.add(
        "tekun.result",
        "POLICY.md §2.8",
        "特困认定结论",
        result=(
            f"符合特困供养条件，基本生活 {yuan(basic)} + 照料护理 {yuan(care_fen)} = {yuan(monthly)}/月"
            if eligible
            else "不符合：" + "；".join(reasons)
        ),
        passed=eligible,
    )
    return TekunResult(
        eligible,
        reasons,
        basic if eligible else 0,
        care_fen if eligible else 0,
        monthly,
        rural,
        tier,
        t,
    )


# ------------------------------------------------------------------------------- §2.6 procedure
@dataclass(frozen=True)
class TekunProcedureFacts:
    accepted_on: date
    first_opinion_on: date | None = None
    publication_started_on: date | None = None
    objection_raised: bool = False
    reinvestigated_on: date | None = None
    file_received_by_county_on: date | None = None
    decided_on: date | None = None
    approved: bool | None = None
    rejection_notice_sent_on: date | None = None


@dataclass
class TekunProcedureResult:
    first_opinion_due: date
    publication_ends: date | None
    reinvestigation_due: date | None
    county_decision_due: date | None
    rejection_notice_due: date | None
    payment_starts: date | None
    violations: list[str]
    trace: Trace = field(default_factory=Trace)


def spot_check_ok(cases_total: int, cases_checked: int) -> bool:
    """§2.6: the county spot-checks at random at least 30% of cases."""
    return cases_total == 0 or cases_checked * 10 >= cases_total * 3


def tekun_procedure(
    facts: TekunProcedureFacts, add_working_days: AddWorkingDays, today: date
) -> TekunProcedureResult:
    """§2.6: township first opinion within 15 working days of acceptance; 7-day publication; after
    an objection a new opinion within 15 working days; county decision within 15 working days of the
    file; rejection reasons within 3 working days; payment from the month after confirmation."""
    t = Trace()
    sec = "POLICY.md §2.6"
    violations: list[str] = []
    first_due = add_working_days(facts.accepted_on, 15)
    ok = (facts.first_opinion_on or today) <= first_due
    t.add(
        "tekun.procedure.first_opinion",
        sec,
        "乡镇调查并提出初审意见",
        result=f"15个工作日内，截止 {first_due.isoformat()}",
        passed=ok,
    )
    if not ok:
        violations.append(f"乡镇初审超过15个工作日（{first_due.isoformat()}）")
    pub_end = None
    if facts.publication_started_on:
        pub_end = facts.publication_started_on + timedelta(days=7)
        ok = facts.decided_on is None or facts.decided_on >= pub_end
        t.add(
            "tekun.procedure.publication",
            sec,
            "公示7天",
            result=f"公示至 {pub_end.isoformat()}",
            passed=ok,
        )
        if not ok:
            violations.append("公示期未满7天即作出决定")
    re_due = None
    if facts.objection_raised and pub_end:
        re_due = add_working_days(pub_end, 15)
        ok = (facts.reinvestigated_on or today) <= re_due
        t.add(
            "tekun.procedure.objection",
            sec,
            "公示有异议：重新调查并提出意见",
            result=f"15个工作日内，截止 {re_due.isoformat()}",
            passed=ok,
        )
        if not ok:
            violations.append(f"异议重新调查超过15个工作日（{re_due.isoformat()}）")
    county_due = None
    if facts.file_received_by_county_on:
        county_due = add_working_days(facts.file_received_by_county_on, 15)
        ok = (facts.decided_on or today) <= county_due
        t.add(
            "tekun.procedure.county",
            sec,
            "县级审核确认",
            result=f"15个工作日内，截止 {county_due.isoformat()}",
            passed=ok,
        )
        if not ok:
            violations.append(f"县级审核确认超过15个工作日（{county_due.isoformat()}）")
    rej_due = None
    pay = None
    if facts.decided_on and facts.approved is False:
        rej_due = add_working_days(facts.decided_on, 3)
        sent = facts.rejection_notice_sent_on
        ok = (sent or today) <= rej_due
        t.add(
            "tekun.procedure.rejection",
            sec,
            "不予认定书面说明理由",
            result=f"3个工作日内，截止 {rej_due.isoformat()}",
            passed=ok,
        )
        if not ok:
            violations.append(f"不予认定通知超过3个工作日（{rej_due.isoformat()}）")
    if facts.decided_on and facts.approved:
        pay = month_after(facts.decided_on)
        t.add(
            "tekun.procedure.payment",
            sec,
            "发放起始月",
            result=f"自 {pay.year}年{pay.month}月起发放",
        )
    return TekunProcedureResult(first_due, pub_end, re_due, county_due, rej_due, pay, violations, t)
