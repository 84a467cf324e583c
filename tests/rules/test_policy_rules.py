"""Table-driven worked cases for the 低保 rules (POLICY.md §1.3, §1.4, §1.6, §1.7, §1.9, §1.10).

Every expected value is computed by hand in the table (comment = the arithmetic), never by calling
the code. The parameters are round test values (standard 1,000 元 urban / 800 元 rural), not the
seeded area values.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from doudi.rules import (
    Asset,
    Deduction,
    IncomeError,
    IncomeItem,
    Member,
    PolicyParams,
    ProcedureFacts,
    check_assets,
    count_members,
    dibao_amount,
    dibao_eligibility,
    dibao_procedure,
    household_income,
    public_notice,
    single_person_eligible,
)

P = PolicyParams(
    area_code="420106",
    as_of=date(2024, 6, 1),
    versions={"dibao_standard_urban_fen": "420106·2024-01-01·v3"},
    dibao_standard_urban_fen=100_000,  # 1,000 元 per person per month
    dibao_standard_rural_fen=80_000,  # 800 元
    financial_assets_months_of_standard=24,  # per capita < 24,000 元
    max_cars=0,
    max_homes=1,
    average_floor_area_per_capita_m2=Decimal("40"),
    business_capital_max_fen=10_000_000,  # 100,000 元
)


def add_wd(start: date, n: int) -> date:
    """Test calendar: Monday–Friday are working days, no holidays."""
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


# ------------------------------------------------------------------------------------ §1.3
MEMBER_CASES = [
    # (POLICY section, case, member, counted, reason)
    ("§1.3 counted 1", "spouse counts", Member("m", "配偶", "spouse", 40), True, "spouse"),
    ("§1.3 counted 2", "minor child counts", Member("m", "子", "child", 10), True, "minor_child"),
    (
        "§1.3 counted 2",
        "child turned 18 is no longer a minor",
        Member("m", "子", "child", 18),
        False,
        "not_family",
    ),
    (
        "§1.3 counted 3",
        "adult child at university (bachelor) counts",
        Member("m", "子", "child", 20, education="bachelor"),
        True,
        "adult_child_student",
    ),
    (
        "§1.3 counted 3",
        "adult child in a master's programme does not",
        Member("m", "子", "child", 24, education="master"),
        False,
        "not_family",
    ),
    (
        "§1.3 counted 3",
        "adult child unable to live independently counts",
        Member("m", "子", "child", 30, can_live_independently=False),
        True,
        "adult_child_dependent",
    ),
    (
        "§1.3 counted 4",
        "co-resident parent with a duty of support counts",
        Member("m", "母", "parent", 70, support_duty=True),
        True,
        "co_resident_dependant",
    ),
    (
        "§1.3 counted 4",
        "parent living apart does not",
        Member("m", "母", "parent", 70, support_duty=True, lives_with_family=False),
        False,
        "not_family",
    ),
    (
        "§1.3 counted 4",
        "co-resident sibling without a duty does not",
        Member("m", "弟", "sibling", 30),
        False,
        "not_family",
    ),
    (
        "§1.3 excluded 1",
        "clergy away 3 years is excluded",
        Member("m", "兄", "spouse", 50, clergy_years_away=3),
        False,
        "clergy_away",
    ),
    (
        "§1.3 excluded 1",
        "clergy away 2 years still counts",
        Member("m", "兄", "spouse", 50, clergy_years_away=2),
        True,
        "spouse",
    ),
    (
        "§1.3 excluded 2",
        "spouse in prison is excluded",
        Member("m", "夫", "spouse", 45, in_prison=True),
        False,
        "prisoner",
    ),
    (
        "§1.3 excluded 2",
        "son in compulsory rehabilitation is excluded",
        Member("m", "子", "child", 15, in_compulsory_rehab=True),
        False,
        "compulsory_rehab",
    ),
    (
        "§1.3 excluded 2",
        "spouse declared missing is excluded",
        Member("m", "妻", "spouse", 45, declared_missing=True),
        False,
        "missing",
    ),
    (
        "§1.3 excluded 3",
        "provincial list exclusion",
        Member("m", "妻", "spouse", 45, provincial_exclusion="长期出国定居"),
        False,
        "provincial",
    ),
    (
        "§1.3 override",
        "an officer's recorded override wins",
        Member(
            "m",
            "弟",
            "sibling",
            30,
            override_counted=True,
            override_reason="长期共同生活且无劳动能力",
        ),
        True,
        "override",
    ),
]


@pytest.mark.parametrize(
    ("section", "case", "member", "counted", "reason"),
    MEMBER_CASES,
    ids=[c[1] for c in MEMBER_CASES],
)
def test_members_who_count(section, case, member, counted, reason):
    result = count_members([Member("a", "申请人", "self", 40), member])
    decision = result.decisions[1]
    assert (decision.counted, decision.reason) == (counted, reason)
    assert result.size == (2 if counted else 1)
    assert result.trace.steps[1].section == "POLICY.md §1.3"
    assert ("计入" if counted else "不计入") in result.trace.steps[1].result


# ------------------------------------------------------------------------------------ §1.6
# income over 6 months; two counted members "a" and "b"; expected monthly net and per capita in fen
INCOME_CASES = [
    # (section, case, items, deductions, params, monthly_net, per_capita)
    (
        "§1.6 counted 1",
        "wages minus necessary job costs",
        [IncomeItem("a", "wage", 1_200_000, 6, costs_fen=120_000)],
        [],
        P,
        180_000,
        90_000,
    ),  # (12000−1200)/6 = 1800 元; /2 = 900
    (
        "§1.6 counted 1",
        "standard job cost when none declared",
        [IncomeItem("a", "wage", 1_200_000, 6)],
        [],
        PolicyParams(job_cost_monthly_fen=15_000),
        185_000,
        92_500,
    ),  # (12000 − 150×6)/6 = 1850
    (
        "§1.6 counted 2",
        "net business income",
        [IncomeItem("a", "business", 3_000_000, 6, costs_fen=1_800_000)],
        [],
        P,
        200_000,
        100_000,
    ),  # (30000−18000)/6 = 2000
    (
        "§1.6 counted 3",
        "net property income (rent)",
        [IncomeItem("b", "property", 600_000, 6, kind="rent", costs_fen=60_000)],
        [],
        P,
        90_000,
        45_000,
    ),  # (6000−600)/6 = 900
    (
        "§1.6 counted 4",
        "net transfer income: support received minus support paid",
        [IncomeItem("b", "transfer", 300_000, 6, kind="support", costs_fen=60_000)],
        [],
        P,
        40_000,
        20_000,
    ),  # (3000−600)/6 = 400
    (
        "§1.6 counted 4",
        "pension counts",
        [IncomeItem("b", "transfer", 1_800_000, 6, kind="pension")],
        [],
        P,
        300_000,
        150_000,
    ),  # 18000/6 = 3000
    (
        "§1.6 counted 5",
        "other income",
        [IncomeItem("a", "other", 120_000, 12)],
        [],
        P,
        10_000,
        5_000,
    ),  # 1200/12 = 100
    (
        "§1.6 not counted 1",
        "veterans' benefit not counted",
        [IncomeItem("a", "transfer", 600_000, 6, kind="veteran_benefit")],
        [],
        P,
        0,
        0,
    ),
    (
        "§1.6 not counted 1",
        "scholarship not counted",
        [IncomeItem("b", "other", 300_000, 6, kind="scholarship")],
        [],
        P,
        0,
        0,
    ),
    (
        "§1.6 not counted 2",
        "social assistance not counted",
        [IncomeItem("a", "transfer", 600_000, 6, kind="social_assistance")],
        [],
        P,
        0,
        0,
    ),
    (
        "§1.6 not counted 3",
        "residents' basic pension not counted (14th FYP)",
        [IncomeItem("a", "transfer", 120_000, 6, kind="resident_basic_pension")],
        [],
        P,
        0,
        0,
    ),
    (
        "§1.6 not counted 3",
        "…but counted once the exclusion is switched off",
        [IncomeItem("a", "transfer", 120_000, 6, kind="resident_basic_pension")],
        [],
        PolicyParams(exclude_resident_basic_pension=False),
        20_000,
        10_000,
    ),  # 1200/6 = 200
    (
        "§1.6 deductions",
        "disability rigid spending deducted",
        [IncomeItem("a", "wage", 1_200_000, 6)],
        [Deduction("b", "disability", 120_000, 6)],
        P,
        180_000,
        90_000,
    ),  # 2000 − 200 = 1800
    (
        "§1.6 deductions",
        "deductions never make income negative",
        [IncomeItem("a", "wage", 60_000, 6)],
        [Deduction("b", "illness", 600_000, 6)],
        P,
        0,
        0,
    ),  # 100 − 1000 → 0
    (
        "§1.3 + §1.6",
        "income of a member who does not count is ignored",
        [IncomeItem("x", "wage", 6_000_000, 6)],
        [],
        P,
        0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("section", "case", "items", "deductions", "params", "net", "per_capita"),
    INCOME_CASES,
    ids=[c[1] for c in INCOME_CASES],
)
def test_income(section, case, items, deductions, params, net, per_capita):
    result = household_income(items, ["a", "b"], params, deductions)
    assert (result.monthly_net_fen, result.per_capita_monthly_fen) == (net, per_capita)


def test_income_excluded_items_are_listed_with_the_reason():
    result = household_income(
        [IncomeItem("a", "transfer", 600_000, 6, kind="veteran_benefit")], ["a"], P
    )
    assert [i.kind for i in result.excluded] == ["veteran_benefit"]
    assert result.trace.steps[0].rule == "income.excluded.veteran_benefit"
    assert "优待抚恤金" in result.trace.steps[0].label


def test_income_tekun_excludes_old_age_allowance_but_dibao_counts_it():
    item = [IncomeItem("a", "transfer", 60_000, 6, kind="old_age_allowance")]  # 100 元/month
    assert household_income(item, ["a"], P, programme="tekun").monthly_net_fen == 0
    assert household_income(item, ["a"], P).monthly_net_fen == 10_000


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (IncomeItem("a", "wage", -100, 6), "不能为负数"),
        (IncomeItem("a", "salary", 100, 6), "收入类别"),
        (IncomeItem("a", "wage", 100, 0), "至少为1个月"),
    ],
)
def test_income_bad_input_is_refused_in_chinese(item, message):
    with pytest.raises(IncomeError, match=message):
        household_income([item], ["a"], P)


# ------------------------------------------------------------------------------------ §1.7
ASSET_CASES = [
    # (case, assets, household size, within, breached rules)
    ("deposits 15,000 元 per capita < 24,000", [Asset("a", "deposit", 3_000_000)], 2, True, []),
    (
        "deposits 30,000 元 per capita ≥ 24,000 (asset over the limit)",
        [Asset("a", "deposit", 4_000_000), Asset("b", "fund", 2_000_000)],
        2,
        False,
        ["assets.financial"],
    ),
    ("a car for personal use", [Asset("a", "car", 5_000_000)], 2, False, ["assets.vehicles"]),
    ("an ordinary motorbike is exempt", [Asset("a", "motorbike", 500_000)], 2, True, []),
    (
        "two homes, 30 m² per capita ≤ 40",
        [Asset("a", "housing", 0, Decimal("30")), Asset("a", "housing", 0, Decimal("30"))],
        2,
        True,
        [],
    ),
    (
        "two homes, 50 m² per capita > 40",
        [Asset("a", "housing", 0, Decimal("50")), Asset("a", "housing", 0, Decimal("50"))],
        2,
        False,
        ["assets.housing"],
    ),
    (
        "a shop",
        [Asset("a", "housing", 0, Decimal("60")), Asset("a", "shop", 20_000_000)],
        2,
        False,
        ["assets.nonresidential"],
    ),
    (
        "a converted 居改非 unit that is the only home",
        [Asset("a", "shop", 20_000_000, Decimal("40"), only_home=True)],
        2,
        True,
        [],
    ),
    (
        "subscribed capital 150,000 元 > 100,000",
        [Asset("a", "business_capital", 15_000_000)],
        2,
        False,
        ["assets.business"],
    ),
    (
        "production equipment exempted",
        [Asset("a", "car", 3_000_000, exempt_reason="维持生产的农用运输车")],
        2,
        True,
        [],
    ),
]


@pytest.mark.parametrize(
    ("case", "assets", "size", "within", "rules"), ASSET_CASES, ids=[c[0] for c in ASSET_CASES]
)
def test_assets_section_1_7(case, assets, size, within, rules):
    result = check_assets(assets, size, P)
    assert result.within_limits is within
    assert [b.rule for b in result.breaches] == rules


# ------------------------------------------------------------------------------------ §1.10
AMOUNT_CASES = [
    # (case, per_capita, members, params, kwargs, expected monthly fen)
    ("差额: (1000 − 600) × 3", 60_000, 3, P, {}, 120_000),
    ("差额 never below 0: income above the standard", 120_000, 3, P, {}, 0),
    ("差额 income equal to the standard gives 0", 100_000, 2, P, {}, 0),
    ("rural standard: (800 − 500) × 2", 50_000, 2, P, {"rural": True}, 60_000),
    ("单人保 difference: 1000 − 300", 30_000, 4, P, {"single_person": True}, 70_000),
    (
        "单人保 full standard",
        30_000,
        4,
        PolicyParams(dibao_standard_urban_fen=100_000, single_person_method="full"),
        {"single_person": True},
        100_000,
    ),
    (
        "minimum: (1000 − 980) × 2 = 40 → raised to 50 × 2",
        98_000,
        2,
        PolicyParams(dibao_standard_urban_fen=100_000, min_benefit_per_person_fen=5_000),
        {},
        10_000,
    ),
    (
        "minimum not applied when not eligible",
        100_000,
        2,
        PolicyParams(dibao_standard_urban_fen=100_000, min_benefit_per_person_fen=5_000),
        {},
        0,
    ),
    (
        "exact household formula: 1000 × 3 − 1000",
        33_333,
        3,
        P,
        {"household_income_fen": 100_000},
        200_000,
    ),
]


@pytest.mark.parametrize(
    ("case", "per_capita", "members", "params", "kwargs", "expected"),
    AMOUNT_CASES,
    ids=[c[0] for c in AMOUNT_CASES],
)
def test_amount_section_1_10(case, per_capita, members, params, kwargs, expected):
    result = dibao_amount(per_capita, members, params, **kwargs)
    assert result.monthly_fen == expected
    assert result.trace.steps[0].section == "POLICY.md §1.10"


def test_amount_trace_names_the_parameter_and_its_version():
    step = dibao_amount(60_000, 3, P).trace.steps[0]
    assert step.params[0].name == "dibao_standard_urban_fen"
    assert step.params[0].version == "420106·2024-01-01·v3"
    assert step.params[0].value == "1000.00元"
    assert "1200.00元" in step.result


# ------------------------------------------------------------------------------------ §1.4 单人保
SINGLE_CASES = [
    # (case, member, household is edge, extra kwargs, allowed, basis)
    (
        "edge household, grade-2 physical disability",
        Member(
            "s", "子", "child", 30, disability_type="physical", disability_grade=2, employed=True
        ),
        True,
        {},
        True,
        "edge_severe_disability",
    ),
    (
        "edge household, grade-3 physical is not severe",
        Member(
            "s", "子", "child", 30, disability_type="physical", disability_grade=3, employed=True
        ),
        True,
        {},
        False,
        "",
    ),
    (
        "edge household, grade-3 intellectual",
        Member(
            "s",
            "子",
            "child",
            30,
            disability_type="intellectual",
            disability_grade=3,
            employed=True,
        ),
        True,
        {},
        True,
        "edge_severe_disability",
    ),
    (
        "edge household, serious illness",
        Member("s", "母", "parent", 60, serious_illness=True),
        True,
        {},
        True,
        "edge_serious_illness",
    ),
    (
        "serious illness outside an edge household",
        Member("s", "母", "parent", 60, serious_illness=True),
        False,
        {},
        False,
        "",
    ),
    (
        "adult unemployed with a severe disability (S7, any household)",
        Member("s", "子", "child", 25, disability_type="mental", disability_grade=1),
        False,
        {},
        True,
        "adult_severe_disability_unemployed",
    ),
    (
        "clergy in a venue 3 years with hardship",
        Member("s", "兄", "sibling", 50, clergy_years_away=3),
        False,
        {"clergy_in_venue_with_hardship": True},
        True,
        "clergy",
    ),
    ("no ground at all", Member("s", "子", "child", 25), False, {}, False, ""),
]


@pytest.mark.parametrize(
    ("case", "member", "edge", "kwargs", "allowed", "basis"),
    SINGLE_CASES,
    ids=[c[0] for c in SINGLE_CASES],
)
def test_single_person_section_1_4(case, member, edge, kwargs, allowed, basis):
    result = single_person_eligible(member, household_is_edge=edge, **kwargs)
    assert (result.allowed, result.basis) == (allowed, basis)


# ------------------------------------------------------------------------------------ named cases
def test_named_household_with_an_excluded_member():
    """§1.3 + §1.6 + §1.10: applicant, husband in prison, son 8. Only 2 count.
    Applicant's wage 9,000 元 over 6 months = 1,500 元/month; the husband's 6,000 元 is ignored.
    Per capita 750 元 < 1,000 → eligible; 差额 = 1000 × 2 − 1500 = 500 元."""
    members = [
        Member("a", "申请人", "self", 38),
        Member("h", "丈夫", "spouse", 40, in_prison=True),
        Member("c", "儿子", "child", 8),
    ]
    income = [IncomeItem("a", "wage", 900_000, 6), IncomeItem("h", "wage", 600_000, 6)]
    result = dibao_eligibility(members, income, [], P)
    assert result.members.counted == ["a", "c"]
    assert [(d.member_id, d.reason) for d in result.members.excluded] == [("h", "prisoner")]
    assert result.income.per_capita_monthly_fen == 75_000
    assert result.eligible is True
    assert result.amount.monthly_fen == 50_000
    assert result.trace.steps[-1].result == "符合低保条件，月保障金 500.00元"


def test_named_household_income_above_the_standard_is_refused():
    """§1.10 failing case: 2 members, wages 15,000 元 / 6 months = 2,500 → per capita 1,250 ≥ 1,000."""
    members = [Member("a", "申请人", "self", 38), Member("b", "妻", "spouse", 36)]
    result = dibao_eligibility(members, [IncomeItem("a", "wage", 1_500_000, 6)], [], P)
    assert result.eligible is False
    assert result.amount.monthly_fen == 0
    assert result.reasons == ["家庭人均月收入1250.00元，不低于低保标准1000.00元"]


def test_named_asset_over_the_limit():
    """§1.7: no income, 2 members, deposits 60,000 元 → 30,000 per capita ≥ 24,000: refused."""
    members = [Member("a", "申请人", "self", 50), Member("b", "妻", "spouse", 48)]
    result = dibao_eligibility(members, [], [Asset("a", "deposit", 6_000_000)], P)
    assert result.eligible is False
    assert result.reasons == ["人均金融资产30000.00元，超过限额24000.00元"]
    assert result.amount.monthly_fen == 0


def test_named_single_person_case():
    """§1.4 + §1.10: edge household of 3; the son (28, grade-1 intellectual disability, a 200 元
    monthly transfer) applies alone. Single-person household: 1000 − 200 = 800 元."""
    son = Member(
        "s",
        "儿子",
        "child",
        28,
        can_live_independently=False,
        disability_type="intellectual",
        disability_grade=1,
    )
    members = [Member("a", "申请人", "self", 55), Member("b", "妻", "spouse", 53), son]
    assert single_person_eligible(son, household_is_edge=True).allowed
    income = [
        IncomeItem("a", "wage", 3_600_000, 6),
        IncomeItem("s", "transfer", 120_000, 6, kind="support"),
    ]
    result = dibao_eligibility(members, income, [], P, single_person_id="s")
    assert result.eligible is True
    assert result.amount.method == "single_difference"
    assert result.amount.monthly_fen == 80_000


# ------------------------------------------------------------------------------------ §1.9
A = date(2024, 6, 3)  # a Monday
PROC_CASES = [
    # (case, facts, today, expected: dict of attribute → value)
    (
        "overall 30 working days: due 2024-07-15",
        ProcedureFacts(
            A, investigated=True, reviewed=True, publication_started_on=date(2024, 6, 20)
        ),
        date(2024, 7, 1),
        {"overall_due": date(2024, 7, 15), "violations": []},
    ),
    (
        "overall limit passed",
        ProcedureFacts(
            A, investigated=True, reviewed=True, publication_started_on=date(2024, 6, 20)
        ),
        date(2024, 7, 16),
        {"violations": ["超过30个工作日办理时限（2024-07-15）"]},
    ),
    (
        "township decides: 20 working days",
        ProcedureFacts(A, township_decides=True),
        A,
        {"overall_due": date(2024, 7, 1)},
    ),
    (
        "extended: 45 working days",
        ProcedureFacts(A, extended=True),
        A,
        {"overall_due": date(2024, 8, 5)},
    ),
    (
        "county decision within 10 working days",
        ProcedureFacts(
            A,
            file_received_by_county_on=date(2024, 6, 17),
            decided_on=date(2024, 7, 1),
            approved=True,
            publication_started_on=date(2024, 6, 20),
            investigated=True,
            reviewed=True,
        ),
        date(2024, 7, 1),
        {"county_decision_due": date(2024, 7, 1), "violations": []},
    ),
    (
        "county decision late",
        ProcedureFacts(
            A,
            file_received_by_county_on=date(2024, 6, 17),
            decided_on=date(2024, 7, 2),
            approved=True,
            publication_started_on=date(2024, 6, 20),
            investigated=True,
            reviewed=True,
        ),
        date(2024, 7, 2),
        {"violations": ["县级民政部门超过10个工作日未作出决定（2024-07-01）"]},
    ),
    (
        "publication 7 calendar days respected",
        ProcedureFacts(
            A,
            publication_started_on=date(2024, 6, 20),
            decided_on=date(2024, 6, 27),
            approved=True,
            investigated=True,
            reviewed=True,
        ),
        date(2024, 6, 27),
        {"publication_ends": date(2024, 6, 27), "violations": []},
    ),
    (
        "decided before the publication ended",
        ProcedureFacts(
            A,
            publication_started_on=date(2024, 6, 20),
            decided_on=date(2024, 6, 25),
            approved=True,
            investigated=True,
            reviewed=True,
        ),
        date(2024, 6, 25),
        {"violations": ["公示期未满7天（2024-06-27）即作出决定"]},
    ),
    (
        "no publication yet: required",
        ProcedureFacts(A, investigated=True, reviewed=True),
        A,
        {"required_steps": ["初审意见公示7天"], "may_decide": False},
    ),
    (
        "objection not yet re-investigated",
        ProcedureFacts(
            A, publication_started_on=A, objection_raised=True, investigated=True, reviewed=True
        ),
        A,
        {"required_steps": ["公示有异议：重新调查或民主评议"], "may_decide": False},
    ),
    (
        "objection re-investigated",
        ProcedureFacts(
            A,
            publication_started_on=A,
            objection_raised=True,
            reinvestigated_or_reviewed=True,
            investigated=True,
            reviewed=True,
        ),
        A,
        {"required_steps": [], "may_decide": True},
    ),
    (
        "单独登记备案 needs a county home visit",
        ProcedureFacts(
            A, publication_started_on=A, conflict_of_interest=True, investigated=True, reviewed=True
        ),
        A,
        {"required_steps": ["县级民政部门入户调查"], "may_decide": False},
    ),
    (
        "complaint with the county home visit done",
        ProcedureFacts(
            A,
            publication_started_on=A,
            complaint_during_review=True,
            county_home_visit_done=True,
            investigated=True,
            reviewed=True,
        ),
        A,
        {"required_steps": [], "may_decide": True},
    ),
    (
        "no shortcut: not investigated nor reviewed",
        ProcedureFacts(A, publication_started_on=A),
        A,
        {"required_steps": ["入户调查等家庭经济状况调查", "审核"], "may_decide": False},
    ),
    (
        "disputed: 民主评议 required",
        ProcedureFacts(
            A, publication_started_on=A, investigated=True, reviewed=True, disputed=True
        ),
        A,
        {"required_steps": ["民主评议"]},
    ),
    (
        "undisputed: 民主评议 may be skipped (S6)",
        ProcedureFacts(A, publication_started_on=A, investigated=True, reviewed=True),
        A,
        {"required_steps": []},
    ),
    (
        "rejection notice within 3 working days",
        ProcedureFacts(
            A,
            decided_on=date(2024, 7, 5),
            approved=False,
            rejection_notice_sent_on=date(2024, 7, 10),
        ),
        date(2024, 7, 10),
        {"rejection_notice_due": date(2024, 7, 10), "violations": []},
    ),
    (
        "rejection notice late",
        ProcedureFacts(
            A,
            decided_on=date(2024, 7, 5),
            approved=False,
            rejection_notice_sent_on=date(2024, 7, 11),
        ),
        date(2024, 7, 11),
        {"violations": ["不予确认通知超过3个工作日（2024-07-10）"]},
    ),
    (
        "payment from the month after the decision",
        ProcedureFacts(A, decided_on=date(2024, 12, 15), approved=True),
        date(2024, 12, 15),
        {"payment_starts": date(2025, 1, 1)},
    ),
    (
        "no payment for a rejection",
        ProcedureFacts(A, decided_on=date(2024, 7, 5), approved=False),
        date(2024, 7, 5),
        {"payment_starts": None},
    ),
    (
        "non-cooperation: review may be terminated",
        ProcedureFacts(A, household_refuses_cooperation=True),
        A,
        {"may_terminate_review": True},
    ),
    (
        "cooperating household: review continues",
        ProcedureFacts(A),
        A,
        {"may_terminate_review": False},
    ),
]


@pytest.mark.parametrize(
    ("case", "facts", "today", "expected"), PROC_CASES, ids=[c[0] for c in PROC_CASES]
)
def test_procedure_section_1_9(case, facts, today, expected):
    result = dibao_procedure(facts, add_wd, today)
    assert {key: getattr(result, key) for key in expected} == expected
    assert all(step.section == "POLICY.md §1.9" for step in result.trace.steps)


def test_public_notice_shows_only_name_size_and_amount():
    """§1.9: publication after approval shows name, household size and amount — nothing else."""
    row = {
        "name": "张三",
        "household_size": 3,
        "amount": "1200.00元",
        "id_number": "420106…",
        "address": "某路1号",
        "illness": "尿毒症",
    }
    assert public_notice(row) == {"name": "张三", "household_size": 3, "amount": "1200.00元"}
