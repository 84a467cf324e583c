"""Table-driven worked cases for 特困 (POLICY.md §2.1–§2.8). Expected values by hand.

Test parameters: 低保 standard 1,000 元 urban / 800 元 rural; last year's per-capita disposable
income 55,000 元; basic-living standard 1,300 元 urban / 1,040 元 rural; care tiers 0 / 400 / 1,000
元; 特困 financial-asset limit 36 months of the standard (36,000 元).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from doudi.rules import (
    ADL_ACTIVITIES,
    Asset,
    IncomeItem,
    PolicyParams,
    Supporter,
    TekunPerson,
    TekunProcedureFacts,
    minor_rule,
    no_livelihood,
    no_work_ability,
    self_care,
    spot_check_ok,
    supporter_unable,
    tekun_eligibility,
    tekun_procedure,
    treatment_is_rural,
)

P = PolicyParams(
    dibao_standard_urban_fen=100_000,
    dibao_standard_rural_fen=80_000,
    prev_year_disposable_income_fen=5_500_000,
    tekun_basic_urban_fen=130_000,
    tekun_basic_rural_fen=104_000,
    tekun_care_full_fen=0,
    tekun_care_partial_fen=40_000,
    tekun_care_total_fen=100_000,
    tekun_financial_assets_months_of_standard=36,
)


def add_wd(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def person(age: int, **kw) -> TekunPerson:
    return TekunPerson("p", "王某", age, **kw)


# ------------------------------------------------------------------------------------ §2.2
WORK_CASES = [
    ("aged 60", person(60), True, "年满60周岁"),
    ("aged 59, no disability", person(59), False, ""),
    ("aged 15", person(15), True, "未满16周岁"),
    ("aged 16, no disability", person(16), False, ""),
    (
        "intellectual grade 3",
        person(40, disability_type="intellectual", disability_grade=3),
        True,
        "智力残疾3级",
    ),
    (
        "mental grade 4 is not enough",
        person(40, disability_type="mental", disability_grade=4),
        False,
        "",
    ),
    (
        "physical grade 2",
        person(40, disability_type="physical", disability_grade=2),
        True,
        "肢体残疾2级",
    ),
    (
        "physical grade 3 is not enough",
        person(40, disability_type="physical", disability_grade=3),
        False,
        "",
    ),
    (
        "visual grade 1",
        person(40, disability_type="visual", disability_grade=1),
        True,
        "视力残疾1级",
    ),
    (
        "visual grade 2 is not enough",
        person(40, disability_type="visual", disability_grade=2),
        False,
        "",
    ),
    (
        "provincial case",
        person(40, provincial_no_work_case="尿毒症透析"),
        True,
        "省级规定情形：尿毒症透析",
    ),
]


@pytest.mark.parametrize(("case", "p", "ok", "basis"), WORK_CASES, ids=[c[0] for c in WORK_CASES])
def test_no_work_ability_section_2_2(case, p, ok, basis):
    result = no_work_ability(p)
    assert (result.ok, result.basis) == (ok, basis)
    assert result.trace.steps[0].section == "POLICY.md §2.2"


# ------------------------------------------------------------------------------------ §2.3
LIVELIHOOD_CASES = [
    # (case, income items, assets, ok)
    (
        "pension 800 元/month < 1,000",
        [IncomeItem("p", "transfer", 480_000, 6, kind="pension")],
        [],
        True,
    ),
    (
        "pension 1,200 元/month ≥ 1,000",
        [IncomeItem("p", "transfer", 720_000, 6, kind="pension")],
        [],
        False,
    ),
    (
        "old-age allowance and residents' basic pension are not income",
        [
            IncomeItem("p", "transfer", 900_000, 6, kind="old_age_allowance"),
            IncomeItem("p", "transfer", 900_000, 6, kind="resident_basic_pension"),
        ],
        [],
        True,
    ),
    (
        "medical insurance payments are not income",
        [IncomeItem("p", "transfer", 3_000_000, 6, kind="medical_insurance")],
        [],
        True,
    ),
    ("deposits 30,000 元 < 36,000", [], [Asset("p", "deposit", 3_000_000)], True),
    ("deposits 40,000 元 ≥ 36,000", [], [Asset("p", "deposit", 4_000_000)], False),
    (
        "rural rate: 900 元/month ≥ 800 rural standard",
        [IncomeItem("p", "transfer", 540_000, 6, kind="pension")],
        [],
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "income", "assets", "ok"), LIVELIHOOD_CASES, ids=[c[0] for c in LIVELIHOOD_CASES]
)
def test_no_livelihood_section_2_3(case, income, assets, ok):
    p = person(70, has_contracted_land=case.startswith("rural"))
    assert no_livelihood(p, income, assets, P).ok is ok


# ------------------------------------------------------------------------------------ §2.4
SUPPORTER_CASES = [
    ("supporter is 特困", Supporter("s", "子", 40, is_tekun=True), True),
    ("supporter is a 低保 recipient aged 62", Supporter("s", "子", 62, is_dibao=True), True),
    ("supporter is a 低保 recipient aged 55", Supporter("s", "子", 55, is_dibao=True), False),
    (
        "supporter aged 72 with 30,000 元 < 55,000 (elderly supporter)",
        Supporter("s", "弟", 72, annual_income_fen=3_000_000),
        True,
    ),
    (
        "supporter aged 72 with 80,000 元 ≥ 55,000",
        Supporter("s", "弟", 72, annual_income_fen=8_000_000),
        False,
    ),
    (
        "supporter aged 72, low income but assets over the rule",
        Supporter("s", "弟", 72, annual_income_fen=3_000_000, assets_within_low_income_rule=False),
        False,
    ),
    (
        "supporter aged 69 with low income",
        Supporter("s", "弟", 69, annual_income_fen=3_000_000),
        False,
    ),
    (
        "severely disabled supporter with low income",
        Supporter("s", "子", 40, severe_disability=True, annual_income_fen=2_000_000),
        True,
    ),
    (
        "severely disabled supporter with high income",
        Supporter("s", "子", 40, severe_disability=True, annual_income_fen=9_000_000),
        False,
    ),
    (
        "supporter in prison, assets within the rule",
        Supporter("s", "子", 35, in_prison=True, annual_income_fen=9_000_000),
        True,
    ),
    (
        "supporter declared missing, assets over the rule",
        Supporter("s", "子", 35, declared_missing=True, assets_within_low_income_rule=False),
        False,
    ),
    ("provincial case", Supporter("s", "子", 35, provincial_case="长期重病卧床"), True),
    ("healthy working supporter", Supporter("s", "子", 45, annual_income_fen=6_000_000), False),
]


@pytest.mark.parametrize(
    ("case", "supporter", "unable"), SUPPORTER_CASES, ids=[c[0] for c in SUPPORTER_CASES]
)
def test_supporter_unable_section_2_4(case, supporter, unable):
    result = supporter_unable(supporter, P)
    assert result.ok is unable
    assert result.trace.steps[0].params[0].name == "prev_year_disposable_income_fen"


# ------------------------------------------------------------------------------------ §2.5
MINOR_CASES = [
    (
        "minor choosing the orphan allowance is not 特困",
        person(12, chooses_orphan_allowance=True),
        False,
    ),
    ("minor not choosing it stays eligible", person(12), True),
    ("aged 19 still in senior high school continues", person(19, in_school=True), True),
]


@pytest.mark.parametrize(("case", "p", "ok"), MINOR_CASES, ids=[c[0] for c in MINOR_CASES])
def test_minors_section_2_5(case, p, ok):
    assert minor_rule(p).ok is ok


def test_minor_aged_15_qualifies_but_not_when_choosing_the_orphan_allowance():
    """§2.5 + §2.1: a 15-year-old without supporters or income is 特困 (basic 1,300 元, no ADL)…
    the same child choosing the orphan allowance is not."""
    assert tekun_eligibility(person(15), [], [], [], P).monthly_fen == 130_000
    refused = tekun_eligibility(person(15, chooses_orphan_allowance=True), [], [], [], P)
    assert refused.eligible is False
    assert refused.monthly_fen == 0


# ------------------------------------------------------------------------------------ §2.7
def adl(cannot: int) -> dict[str, bool]:
    return {activity: i >= cannot for i, activity in enumerate(ADL_ACTIVITIES)}


SELF_CARE_CASES = [
    ("can do all six: 全自理", 0, "full", 0),
    ("cannot do 1: 部分丧失", 1, "partial", 40_000),
    ("cannot do 3: 部分丧失", 3, "partial", 40_000),
    ("cannot do 4: 完全丧失", 4, "total", 100_000),
    ("cannot do 6: 完全丧失", 6, "total", 100_000),
]


@pytest.mark.parametrize(
    ("case", "cannot", "tier", "care"), SELF_CARE_CASES, ids=[c[0] for c in SELF_CARE_CASES]
)
def test_self_care_section_2_7(case, cannot, tier, care):
    result = self_care(adl(cannot), P)
    assert (result.tier, result.cannot_do, result.care_standard_fen) == (tier, cannot, care)


def test_self_care_with_a_missing_activity_is_refused():
    answers = adl(0)
    del answers["bathing"]
    with pytest.raises(ValueError, match="洗澡"):
        self_care(answers, P)


# ------------------------------------------------------------------------------------ §2.1 / §2.8
def test_named_tekun_person_with_an_elderly_supporter():
    """§2.1: 王某, 78, pension 600 元/month (3,600 / 6), deposits 10,000 元; her only son is 72 with
    30,000 元 a year (< 55,000) → unable. Eligible. ADL: cannot do 2 → 部分丧失.
    Amount §2.8: 1,300 + 400 = 1,700 元/month."""
    result = tekun_eligibility(
        person(78),
        [IncomeItem("p", "transfer", 360_000, 6, kind="pension")],
        [Asset("p", "deposit", 1_000_000)],
        [Supporter("s", "儿子", 72, annual_income_fen=3_000_000)],
        P,
        adl=adl(2),
    )
    assert result.eligible is True
    assert (result.basic_fen, result.care_fen, result.monthly_fen, result.care_tier) == (
        130_000,
        40_000,
        170_000,
        "partial",
    )
    assert (
        result.trace.steps[-1].result
        == "符合特困供养条件，基本生活 1300.00元 + 照料护理 400.00元 = 1700.00元/月"
    )


def test_tekun_refused_when_a_supporter_can_support():
    """§2.1 item 3 failing: same person, the son is 50 and earns 60,000 元 a year."""
    result = tekun_eligibility(
        person(78), [], [], [Supporter("s", "儿子", 50, annual_income_fen=6_000_000)], P
    )
    assert result.eligible is False
    assert result.reasons == ["法定义务人儿子具备履行义务能力"]
    assert result.monthly_fen == 0


ELIGIBILITY_CASES = [
    # (case, person, income, supporters, eligible, reasons)
    (
        "disabled adult (physical 1) without supporters",
        person(45, disability_type="physical", disability_grade=1),
        [],
        [],
        True,
        [],
    ),
    (
        "not elderly, disabled or a minor",
        person(40),
        [],
        [],
        False,
        ["申请人不是老年人、残疾人或未成年人", "具有劳动能力"],
    ),
    (
        "disabled but able to work (physical 3)",
        person(40, disability_type="physical", disability_grade=3),
        [],
        [],
        False,
        ["具有劳动能力"],
    ),
    (
        "elderly with a livelihood (pension 1,500 元)",
        person(70),
        [IncomeItem("p", "transfer", 900_000, 6, kind="pension")],
        [],
        False,
        ["有生活来源（月收入1500.00元不低于低保标准1000.00元）"],
    ),
]


@pytest.mark.parametrize(
    ("case", "p", "income", "supporters", "eligible", "reasons"),
    ELIGIBILITY_CASES,
    ids=[c[0] for c in ELIGIBILITY_CASES],
)
def test_tekun_eligibility_section_2_1(case, p, income, supporters, eligible, reasons):
    result = tekun_eligibility(p, income, [], supporters, P)
    assert (result.eligible, result.reasons) == (eligible, reasons)


# ------------------------------------------------------------------------------------ §2.6
TREATMENT_CASES = [
    ("contracted land → rural rate", person(70, has_contracted_land=True), True),
    (
        "relocated to a town → urban rate even with rural hukou and land",
        person(70, hukou_rural=True, has_contracted_land=True, relocated_to_town=True),
        False,
    ),
    ("urban hukou, no land → urban", person(70), False),
]


@pytest.mark.parametrize(
    ("case", "p", "rural"), TREATMENT_CASES, ids=[c[0] for c in TREATMENT_CASES]
)
def test_urban_rural_rate_section_2_6(case, p, rural):
    assert treatment_is_rural(p) is rural
    expected = 104_000 if rural else 130_000  # rural / urban basic-living standard
    assert tekun_eligibility(p, [], [], [], P).basic_fen == expected


A = date(2024, 6, 3)  # Monday
TEKUN_PROC_CASES = [
    (
        "first opinion within 15 working days (due 2024-06-24)",
        TekunProcedureFacts(A, first_opinion_on=date(2024, 6, 24)),
        date(2024, 6, 24),
        {"first_opinion_due": date(2024, 6, 24), "violations": []},
    ),
    (
        "first opinion late",
        TekunProcedureFacts(A, first_opinion_on=date(2024, 6, 25)),
        date(2024, 6, 25),
        {"violations": ["乡镇初审超过15个工作日（2024-06-24）"]},
    ),
    (
        "decided before the 7-day publication ended",
        TekunProcedureFacts(
            A,
            first_opinion_on=A,
            publication_started_on=date(2024, 6, 10),
            decided_on=date(2024, 6, 14),
            approved=True,
        ),
        date(2024, 6, 14),
        {"publication_ends": date(2024, 6, 17), "violations": ["公示期未满7天即作出决定"]},
    ),
    (
        "objection: new opinion within 15 working days of the publication end",
        TekunProcedureFacts(
            A,
            first_opinion_on=A,
            publication_started_on=date(2024, 6, 10),
            objection_raised=True,
            reinvestigated_on=date(2024, 7, 8),
        ),
        date(2024, 7, 8),
        {"reinvestigation_due": date(2024, 7, 8), "violations": []},
    ),
    (
        "objection re-investigation late",
        TekunProcedureFacts(
            A, first_opinion_on=A, publication_started_on=date(2024, 6, 10), objection_raised=True
        ),
        date(2024, 7, 9),
        {"violations": ["异议重新调查超过15个工作日（2024-07-08）"]},
    ),
    (
        "county within 15 working days",
        TekunProcedureFacts(
            A,
            first_opinion_on=A,
            file_received_by_county_on=date(2024, 6, 17),
            decided_on=date(2024, 7, 8),
            approved=True,
        ),
        date(2024, 7, 8),
        {
            "county_decision_due": date(2024, 7, 8),
            "violations": [],
            "payment_starts": date(2024, 8, 1),
        },
    ),
    (
        "county late",
        TekunProcedureFacts(
            A,
            first_opinion_on=A,
            file_received_by_county_on=date(2024, 6, 17),
            decided_on=date(2024, 7, 9),
            approved=True,
        ),
        date(2024, 7, 9),
        {"violations": ["县级审核确认超过15个工作日（2024-07-08）"]},
    ),
    (
        "rejection reasons late",
        TekunProcedureFacts(
            A,
            first_opinion_on=A,
            decided_on=date(2024, 7, 5),
            approved=False,
            rejection_notice_sent_on=date(2024, 7, 11),
        ),
        date(2024, 7, 11),
        {
            "rejection_notice_due": date(2024, 7, 10),
            "violations": ["不予认定通知超过3个工作日（2024-07-10）"],
        },
    ),
]


@pytest.mark.parametrize(
    ("case", "facts", "today", "expected"), TEKUN_PROC_CASES, ids=[c[0] for c in TEKUN_PROC_CASES]
)
def test_procedure_section_2_6(case, facts, today, expected):
    result = tekun_procedure(facts, add_wd, today)
    assert {key: getattr(result, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("total", "checked", "ok"),
    [(30, 9, True), (30, 8, False), (10, 3, True), (7, 2, False), (0, 0, True)],
)
def test_county_spot_check_at_least_30_percent_section_2_6(total, checked, ok):
    assert spot_check_ok(total, checked) is ok
