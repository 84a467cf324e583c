"""Table-driven worked cases for 临时救助 (POLICY.md §3), 低保边缘 and 刚性支出 (§1.5, §4.1),
"basically consistent" (§5.4) and the proof catalogue (§5.1–§5.2). Expected values by hand.

Test parameters: 低保 standard 1,000 元; last year's per-capita disposable income 55,000 元.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from doudi.rules import (
    DEFAULT_PROOF_CATALOGUE,
    Asset,
    ConsistencyInput,
    PolicyParams,
    Spending,
    TempCase,
    consistency_verdict,
    edge_eligibility,
    required_proofs,
    rigid_spending_eligibility,
    temporary_assistance,
)

P = PolicyParams(
    dibao_standard_urban_fen=100_000,
    dibao_standard_rural_fen=80_000,
    prev_year_disposable_income_fen=5_500_000,
    edge_multiplier=Decimal("1.5"),
    rigid_spending_share=Decimal("0.3"),
    temp_emergency_months=Decimal("1"),
    temp_spending_months=Decimal("2"),
    temp_township_limit_fen=300_000,  # 3,000 元
    temp_first_aid_limit_fen=100_000,  # 1,000 元
    temp_cap_fen=0,
    consistency_income_tolerance_pct=Decimal("10"),  # 100 元
)

# ------------------------------------------------------------------------------------ §3
TEMP_CASES = [
    # (case, TempCase, params, eligible, amount, approver, first aid)
    (
        "fire, 1 person: 1 × 1000 × 1, township, 先行救助",
        TempCase("emergency", "fire", 1),
        P,
        True,
        100_000,
        "township",
        True,
    ),
    (
        "traffic accident, 2 people: 2,000 元 > first-aid limit",
        TempCase("emergency", "traffic_accident", 2),
        P,
        True,
        200_000,
        "township",
        False,
    ),
    (
        "sudden illness, 4 people: 4,000 元 > township limit → county",
        TempCase("emergency", "sudden_illness", 4),
        P,
        True,
        400_000,
        "county",
        False,
    ),
    (
        "emergency type needs a sudden event",
        TempCase("emergency", "education", 2),
        P,
        False,
        0,
        "township",
        False,
    ),
    (
        "medical spending, 3 people, 40,000 < 55,000: 2 × 1000 × 3",
        TempCase("spending", "medical", 3, per_capita_disposable_annual_fen=4_000_000),
        P,
        True,
        600_000,
        "county",
        False,
    ),
    (
        "spending type with income 60,000 ≥ 55,000",
        TempCase("spending", "medical", 3, per_capita_disposable_annual_fen=6_000_000),
        P,
        False,
        0,
        "township",
        False,
    ),
    (
        "spending type with assets over the rule",
        TempCase(
            "spending",
            "education",
            2,
            per_capita_disposable_annual_fen=1_000_000,
            assets_within_limits=False,
        ),
        P,
        False,
        0,
        "township",
        False,
    ),
    (
        "cap 5,000 元: 6,000 capped",
        TempCase("spending", "medical", 3, per_capita_disposable_annual_fen=4_000_000),
        PolicyParams(
            dibao_standard_urban_fen=100_000,
            temp_spending_months=Decimal("2"),
            temp_cap_fen=500_000,
            temp_township_limit_fen=300_000,
        ),
        True,
        500_000,
        "county",
        False,
    ),
    (
        "一事一议 above the cap with a collective decision",
        TempCase(
            "spending",
            "medical",
            3,
            per_capita_disposable_annual_fen=4_000_000,
            requested_fen=2_000_000,
            collective_decision=True,
        ),
        PolicyParams(dibao_standard_urban_fen=100_000, temp_cap_fen=500_000),
        True,
        2_000_000,
        "county",
        False,
    ),
    (
        "rural standard: 1 × 800 × 2",
        TempCase("emergency", "fire", 2, rural=True),
        P,
        True,
        160_000,
        "township",
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "tc", "params", "eligible", "amount", "approver", "first_aid"),
    TEMP_CASES,
    ids=[c[0] for c in TEMP_CASES],
)
def test_temporary_assistance_section_3(case, tc, params, eligible, amount, approver, first_aid):
    r = temporary_assistance(tc, params)
    assert (r.eligible, r.amount_fen, r.approver, r.first_aid_allowed) == (
        eligible,
        amount,
        approver,
        first_aid,
    )


def test_temporary_assistance_bad_type_refused():
    with pytest.raises(ValueError, match="急难型或支出型"):
        temporary_assistance(TempCase("other", "fire", 1), P)


# ------------------------------------------------------------------------------------ §1.5 / §4.1 低边
EDGE_CASES = [
    # (case, per capita, assets ok, dibao eligible, params, eligible, line)
    ("1,400 < 1.5 × 1,000", 140_000, True, False, P, True, 150_000),
    ("1,500 is not below 1,500", 150_000, True, False, P, False, 150_000),
    ("低保-eligible households are not 低边", 90_000, True, True, P, False, 150_000),
    ("assets over the edge rule", 120_000, False, False, P, False, 150_000),
    (
        "Hangzhou-style 2×: 1,800 < 2,000",
        180_000,
        True,
        False,
        PolicyParams(dibao_standard_urban_fen=100_000, edge_multiplier=Decimal("2")),
        True,
        200_000,
    ),
    (
        "multiplier 1.5 of rural 800 = 1,200: 1,250 is above",
        125_000,
        True,
        False,
        P,
        False,
        120_000,
    ),
]


@pytest.mark.parametrize(
    ("case", "pc", "assets_ok", "dibao", "params", "eligible", "line"),
    EDGE_CASES,
    ids=[c[0] for c in EDGE_CASES],
)
def test_edge_section_4_1(case, pc, assets_ok, dibao, params, eligible, line):
    r = edge_eligibility(pc, assets_ok, params, dibao_eligible=dibao, rural="rural" in case)
    assert (r.eligible, r.line_fen) == (eligible, line)


def test_edge_asset_rule_one_cheap_car_allowed():
    """§1.5 Hubei: no car or one car below M × the standard (M = 12 months here: 12,000 元)."""
    from doudi.rules import check_assets

    assert (
        check_assets([Asset("a", "car", 1_000_000)], 2, P, programme="edge").within_limits is True
    )
    assert (
        check_assets([Asset("a", "car", 1_500_000)], 2, P, programme="edge").within_limits is False
    )
    assert check_assets([Asset("a", "car", 1_000_000)], 2, P).within_limits is False  # 低保: no car


# ------------------------------------------------------------------------------------ §4.1 刚性支出
RIGID_CASES = [
    # (case, annual income, size, spending, assets ok, already, eligible, share)
    (
        "刚性支出 household: medical 15,000 ÷ 40,000 = 0.375 > 0.3",
        4_000_000,
        2,
        [Spending("medical", 1_500_000)],
        True,
        False,
        True,
        Decimal("0.375"),
    ),
    (
        "spending 10,000 ÷ 40,000 = 0.25 ≤ 0.3",
        4_000_000,
        2,
        [Spending("education", 1_000_000)],
        True,
        False,
        False,
        Decimal("0.25"),
    ),
    (
        "exactly 0.3 is not above",
        4_000_000,
        2,
        [Spending("medical", 800_000), Spending("rehabilitation", 400_000)],
        True,
        False,
        False,
        Decimal("0.3"),
    ),
    (
        "per capita 60,000 ≥ 55,000",
        12_000_000,
        2,
        [Spending("medical", 6_000_000)],
        True,
        False,
        False,
        Decimal("0.5"),
    ),
    (
        "already 低保",
        4_000_000,
        2,
        [Spending("medical", 1_500_000)],
        True,
        True,
        False,
        Decimal("0.375"),
    ),
    (
        "assets over the rule",
        4_000_000,
        2,
        [Spending("medical", 1_500_000)],
        False,
        False,
        False,
        Decimal("0.375"),
    ),
    (
        "no income at all, some spending",
        0,
        1,
        [Spending("medical", 100_000)],
        True,
        False,
        True,
        Decimal("1"),
    ),
]


@pytest.mark.parametrize(
    ("case", "income", "size", "spending", "assets_ok", "already", "eligible", "share"),
    RIGID_CASES,
    ids=[c[0] for c in RIGID_CASES],
)
def test_rigid_spending_section_4_1(
    case, income, size, spending, assets_ok, already, eligible, share
):
    r = rigid_spending_eligibility(
        income,
        size,
        spending,
        P,
        assets_within_limits=assets_ok,
        already_dibao_tekun_or_edge=already,
    )
    assert (r.eligible, r.share) == (eligible, share)


# ------------------------------------------------------------------------------------ §5.4
M2 = frozenset({"id-a", "id-b"})
CONSISTENCY_CASES = [
    # (case, input, consistent)
    ("everything matches", ConsistencyInput(M2, M2, 50_000, 50_000), True),
    ("income 80 元 apart, within 100", ConsistencyInput(M2, M2, 50_000, 58_000), True),
    (
        "income 300 元 apart and eligibility changes",
        ConsistencyInput(
            M2, M2, 80_000, 110_000, eligible_if_declared=True, eligible_if_verified=False
        ),
        False,
    ),
    (
        "income 300 元 apart, eligibility unchanged",
        ConsistencyInput(
            M2, M2, 30_000, 60_000, eligible_if_declared=True, eligible_if_verified=True
        ),
        True,
    ),
    ("an undeclared member", ConsistencyInput(M2, M2 | {"id-c"}, 50_000, 50_000), False),
    (
        "an undeclared car (over the vehicle limit)",
        ConsistencyInput(
            M2, M2, 50_000, 50_000, undeclared_assets=(Asset("id-a", "car", 8_000_000),)
        ),
        False,
    ),
    (
        "an undeclared small deposit",
        ConsistencyInput(
            M2, M2, 50_000, 50_000, undeclared_assets=(Asset("id-a", "deposit", 200_000),)
        ),
        True,
    ),
    (
        "a stale source",
        ConsistencyInput(M2, M2, 50_000, 50_000, stale_sources=("人社工资",)),
        False,
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "consistent"), CONSISTENCY_CASES, ids=[c[0] for c in CONSISTENCY_CASES]
)
def test_consistency_section_5_4(case, data, consistent):
    r = consistency_verdict(data, P)
    assert r.consistent is consistent
    assert r.path == ("simplified" if consistent else "full")


def test_undeclared_car_names_the_cause():
    r = consistency_verdict(
        ConsistencyInput(
            M2, M2, 50_000, 50_000, undeclared_assets=(Asset("id-a", "car", 8_000_000),)
        ),
        P,
    )
    assert r.reasons == [
        "存在未申报且超过限额的财产：有1辆生活用机动车，不符合“生活用机动车不超过0辆”"
    ]


# ------------------------------------------------------------------------------------ §5.1–§5.2 proofs
def codes(items):
    return sorted(i.code for i in items)


def test_commitment_waives_the_waivable_proofs():
    """A disabled applicant with wages signs the commitment: only the commitment, the
    authorization and the disability certificate are required; identity, housing and income
    proofs are waived (checked against data instead)."""
    r = required_proofs(
        DEFAULT_PROOF_CATALOGUE, "dibao", {"has_wage", "disabled"}, commitment_signed=True
    )
    assert codes(r.required) == ["authorization", "commitment", "disability_cert"]
    assert codes(r.waived) == ["housing_proof", "hukou_id", "income_statement"]
    assert r.commitment_path is True


def test_false_commitment_record_closes_the_commitment_path():
    r = required_proofs(
        DEFAULT_PROOF_CATALOGUE,
        "dibao",
        {"has_wage"},
        commitment_signed=True,
        false_commitment_in_force=True,
    )
    assert r.commitment_path is False
    assert r.waived == []
    assert codes(r.required) == [
        "authorization",
        "commitment",
        "housing_proof",
        "hukou_id",
        "income_statement",
    ]
    assert "虚假承诺" in r.reasons[0]


def test_proofs_already_on_file_are_not_asked_again():
    r = required_proofs(
        DEFAULT_PROOF_CATALOGUE,
        "dibao",
        set(),
        commitment_signed=False,
        already_on_file={"hukou_id", "commitment"},
    )
    assert codes(r.required) == ["authorization", "housing_proof"]


# ------------------------------------------------------------------------------------ traces
def test_a_trace_is_json_ready_and_readable():
    """Every step names its rule, POLICY.md section, inputs, parameters (name, value, version)."""
    import json

    from doudi.rules import IncomeItem, Member, dibao_eligibility

    params = PolicyParams(
        dibao_standard_urban_fen=100_000,
        versions={"dibao_standard_urban_fen": "420106·2024-07-01·#7"},
    )
    result = dibao_eligibility(
        [Member("a", "甲", "self", 50)], [IncomeItem("a", "wage", 360_000, 6)], [], params
    )
    data = json.loads(json.dumps(result.trace.as_list(), ensure_ascii=False))
    assert all(step["rule"] and step["section"].startswith("POLICY.md §") for step in data)
    amount = next(step for step in data if step["rule"] == "dibao.amount.chae")
    assert amount["params"] == [
        {
            "name": "dibao_standard_urban_fen",
            "label": "城市低保标准（月）",
            "value": "1000.00元",
            "version": "420106·2024-07-01·#7",
        }
    ]
    assert amount["result"].endswith("= 400.00元")  # 1000 × 1 − 3600/6
    assert (
        result.trace.lines()[-1]
        == "【POLICY.md §1】低保审核结论 结果：符合低保条件，月保障金 400.00元"
    )
