"""The programme parameters in force for one area on one date, as a plain dataclass.

`doudi.parameters` stores them (dated, sourced, approved) and builds a `PolicyParams` for a date;
the rules only read it. Money is integer fen, ratios are Decimal. `versions` maps a parameter name
to the version label of the stored value (e.g. "420106·2024-01-01·v2"), shown in every trace step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .trace import ParamRef, yuan

# Kinds of income item excluded from 低保 income (POLICY.md §1.6 "Not counted").
DIBAO_EXCLUDED_INCOME = frozenset(
    {
        "veteran_benefit",  # 优待抚恤金
        "family_planning",  # 计划生育奖励与扶助金
        "scholarship",  # 奖学金
        "bravery_award",  # 见义勇为等奖励性补助
        "social_assistance",  # 政府发放的社会救助款物
        "resident_basic_pension",  # 城乡居民基本养老保险基础养老金（十四五期间）
    }
)
# Kinds excluded from 特困 income (POLICY.md §2.3).
TEKUN_EXCLUDED_INCOME = frozenset(
    {
        "resident_basic_pension",  # 城乡居民基本养老保险基础养老金
        "medical_insurance",  # 基本医疗保险等社会保险
        "social_insurance",
        "veteran_benefit",  # 优待抚恤金
        "old_age_allowance",  # 高龄津贴
    }
)


@dataclass(frozen=True)
class ProofItem:
    """One entry of the proof catalogue (POLICY.md §5.2, §5 implementation notes).

    code: stable key; name: Chinese name; category: one of the 9 categories (1..9, §5.2);
    legal_basis: the document it comes from; commit_waivable: a signed commitment replaces it;
    verified_by: how the office checks it instead ("数据核对:公安户籍", "入户调查" …);
    applies_to: programmes needing it ("dibao", "tekun", "temporary", "edge", "rigid");
    condition: when it is needed — "always", "has_wage", "unemployed", "disabled", "ill",
    "student_16plus", "has_supporter", "away_from_hukou", "married", "divorced", "widowed",
    "has_business", "has_vehicle", "has_housing".
    """

    code: str
    name: str
    category: int
    legal_basis: str
    commit_waivable: bool
    verified_by: str
    applies_to: tuple[str, ...] = ("dibao", "tekun")
    condition: str = "always"


@dataclass(frozen=True)
class PolicyParams:
    """All programme parameters for one area in force on `as_of`.

    Defaults are the synthetic demo values also used by monitoring (POLICY.md §7: the real Wuhan
    amounts were not found) — `doudi.parameters` supplies the stored, sourced values.
    """

    area_code: str = "420106"
    as_of: date = date(2024, 1, 1)
    versions: dict[str, str] = field(default_factory=dict)

    # §1.10 / §1.6 低保
    dibao_standard_urban_fen: int = 95000  # per person per month
    dibao_standard_rural_fen: int = 95000
    income_lookback_months: int = 6  # §1.6 [LOCAL]
    single_person_method: str = "difference"  # §1.4/§1.10: "difference" | "full"
    min_benefit_per_person_fen: int = 0  # minimum monthly amount per counted member once eligible
    job_cost_monthly_fen: int = (
        0  # §1.6 standard necessary job cost per working member (0 = actual)
    )
    exclude_resident_basic_pension: bool = True  # §1.6 item 3, 十四五 2021–2025

    # §1.7 assets (低保)
    financial_assets_months_of_standard: int = (
        24  # per-capita financial assets < N × monthly standard
    )
    max_cars: int = 0  # cars for personal use allowed
    max_homes: int = 1
    second_home_if_area_below_average: bool = True
    average_floor_area_per_capita_m2: Decimal = Decimal("40")
    business_capital_max_fen: int = 10_000_000  # 100,000 元 subscribed capital
    forbid_nonresidential_property: bool = True

    # §1.5 / §4.1 低保边缘 and 刚性支出
    edge_multiplier: Decimal = Decimal("1.5")
    edge_financial_assets_months_of_standard: int = 36  # N × annual → here in months (config)
    edge_car_max_months_of_standard: int = 12  # one car below M × monthly-standard×12 (config)
    prev_year_disposable_income_fen: int = 5_500_000  # per person per year
    rigid_spending_share: Decimal = Decimal("0.3")

    # §2.8 特困
    tekun_basic_urban_fen: int = 123500  # per month (≥ 1.3 × 低保 standard [MEM])
    tekun_basic_rural_fen: int = 123500
    tekun_care_full_fen: int = 0  # 具备生活自理能力 (全自理)
    tekun_care_partial_fen: int = 40000  # 部分丧失 (半失能)
    tekun_care_total_fen: int = 100000  # 完全丧失 (全失能)
    tekun_financial_assets_months_of_standard: int = 36  # 特困 asset rule (3× annual, §1.7)

    # §3 临时救助
    temp_emergency_months: Decimal = Decimal("3")  # k × monthly standard × household size
    temp_spending_months: Decimal = Decimal("6")
    temp_cap_fen: int = 0  # 0 = no cap below 一事一议
    temp_township_limit_fen: int = 300_000  # delegated to the township up to this amount
    temp_first_aid_limit_fen: int = 100_000  # 先行救助 small amount

    # §5.4 consistency
    consistency_income_tolerance_pct: Decimal = Decimal("10")  # % of the 低保 standard

    proof_catalogue: tuple[ProofItem, ...] = ()

    def standard_fen(self, rural: bool) -> int:
        return self.dibao_standard_rural_fen if rural else self.dibao_standard_urban_fen

    def ref(self, name: str, label: str, value: str | None = None) -> ParamRef:
        """A trace reference to parameter `name` with its version label."""
        if value is None:
            raw = getattr(self, name)
            value = yuan(raw) if name.endswith("_fen") else str(raw)
        version = self.versions.get(name) or f"{self.area_code}·{self.as_of.isoformat()}·默认"
        return ParamRef(name=name, label=label, value=value, version=version)
