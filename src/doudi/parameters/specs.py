"""The catalogue of programme parameters: what each one is, its unit, its plausible bounds,
whether changing it needs a second person's approval, and the Wuchang default with its source.

Plain Python (no models) so migrations can seed from it. Names are the fields of
`doudi.rules.PolicyParams`. Kinds: "fen" (money: typed and shown in 元, stored in
integer fen), "int", "decimal", "choice", "bool", "catalogue" (the proof catalogue, JSON).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

WUCHANG = "420106"
DEFAULT_FROM = dt.date(2024, 1, 1)

SYNTHETIC = "合成演示值：POLICY.md §7 未找到武汉市标准，须按武汉市民政局通知替换"


@dataclass(frozen=True)
class Spec:
    name: str
    label: object  # lazy translation
    group: str
    kind: str
    unit: object = ""
    low: Decimal | None = None  # bounds in the unit the user types (元 for money)
    high: Decimal | None = None
    approval: bool = False  # a second person must approve a change
    default: object = None  # stored form: int fen / int / str decimal / str / bool / list
    source: str = ""
    choices: tuple[tuple[str, object], ...] = ()


YUAN_MONTH = _("yuan per person per month")
YUAN_YEAR = _("yuan per person per year")
YUAN = _("yuan")
MONTHS = _("months of the monthly 低保 standard")
TIMES = _("times the 低保 standard")
RATIO = _("share (0–1)")
PERCENT = _("percent of the 低保 standard")

SPECS: tuple[Spec, ...] = (
    # 低保 §1.10, §1.6
    Spec(
        "dibao_standard_urban_fen",
        _("低保 standard (urban)"),
        "dibao",
        "fen",
        YUAN_MONTH,
        Decimal("300"),
        Decimal("5000"),
        True,
        95000,
        SYNTHETIC,
    ),
    Spec(
        "dibao_standard_rural_fen",
        _("低保 standard (rural)"),
        "dibao",
        "fen",
        YUAN_MONTH,
        Decimal("200"),
        Decimal("5000"),
        True,
        95000,
        SYNTHETIC + "（武汉近年城乡统一标准 [MEM]）",
    ),
    Spec(
        "min_benefit_per_person_fen",
        _("Minimum monthly benefit per person"),
        "dibao",
        "fen",
        YUAN_MONTH,
        Decimal("0"),
        Decimal("1000"),
        True,
        0,
        "POLICY.md §1.10 分档/最低发放额由地方规定；默认不设",
    ),
    Spec(
        "single_person_method",
        _("单人保 amount"),
        "dibao",
        "choice",
        "",
        None,
        None,
        True,
        "difference",
        "POLICY.md §1.4/§1.10：全额或差额由地方规定 [LOCAL/unverified]",
        (("difference", _("standard minus own income")), ("full", _("the full standard"))),
    ),
    Spec(
        "income_lookback_months",
        _("Income look-back period"),
        "dibao",
        "int",
        _("months"),
        Decimal("1"),
        Decimal("12"),
        False,
        6,
        "POLICY.md §1.6：福建、湖北地区示例为近6个月 [LOCAL]",
    ),
    Spec(
        "job_cost_monthly_fen",
        _("Standard necessary job cost"),
        "dibao",
        "fen",
        YUAN_MONTH,
        Decimal("0"),
        Decimal("1000"),
        True,
        0,
        "S1 Art.13 必要就业成本；0 = 按申报的实际成本（兴安盟示例：最低工资的10%）",
    ),
    Spec(
        "exclude_resident_basic_pension",
        _("Residents' basic pension not counted as income"),
        "dibao",
        "bool",
        "",
        None,
        None,
        False,
        True,
        "S1 Art.13：十四五期间（2021–2025）城乡居民基本养老保险基础养老金不计入",
    ),
    # assets §1.7
    Spec(
        "financial_assets_months_of_standard",
        _("Financial assets per person below"),
        "assets",
        "int",
        MONTHS,
        Decimal("1"),
        Decimal("120"),
        True,
        24,
        "POLICY.md §1.7（S14）：某市低保规则为年低保标准的2倍（24个月）[LOCAL]",
    ),
    Spec(
        "max_cars",
        _("Cars for personal use allowed"),
        "assets",
        "int",
        _("cars"),
        Decimal("0"),
        Decimal("3"),
        False,
        0,
        "POLICY.md §1.7（S14）：无生活用机动车 [LOCAL]",
    ),
    Spec(
        "max_homes",
        _("Homes allowed"),
        "assets",
        "int",
        _("homes"),
        Decimal("0"),
        Decimal("5"),
        False,
        1,
        "POLICY.md §1.7（S14）：无房或1套 [LOCAL]",
    ),
    Spec(
        "second_home_if_area_below_average",
        _("A second home allowed when floor area per person is at most the local average"),
        "assets",
        "bool",
        "",
        None,
        None,
        False,
        True,
        "POLICY.md §1.7（S14）[LOCAL]",
    ),
    Spec(
        "average_floor_area_per_capita_m2",
        _("Local average floor area per person"),
        "assets",
        "decimal",
        _("square metres"),
        Decimal("5"),
        Decimal("200"),
        False,
        "40",
        SYNTHETIC,
    ),
    Spec(
        "business_capital_max_fen",
        _("Subscribed company capital at most"),
        "assets",
        "fen",
        YUAN,
        Decimal("0"),
        Decimal("10000000"),
        True,
        10_000_000,
        "POLICY.md §1.7（S14）：某市认缴出资不超过10万元 [LOCAL]",
    ),
    Spec(
        "forbid_nonresidential_property",
        _("No shop, office, factory or serviced apartment"),
        "assets",
        "bool",
        "",
        None,
        None,
        False,
        True,
        "POLICY.md §1.7（S14）[LOCAL]",
    ),
    # 低边 / 刚性支出 §1.5 §4.1
    Spec(
        "edge_multiplier",
        _("低保边缘 line"),
        "edge",
        "decimal",
        TIMES,
        Decimal("1"),
        Decimal("3"),
        True,
        "1.5",
        "鄂民政发〔2024〕15号（2024-08-19起）：低于低保标准1.5倍（POLICY.md §1.5）",
    ),
    Spec(
        "edge_financial_assets_months_of_standard",
        _("低保边缘: financial assets per person below"),
        "edge",
        "int",
        MONTHS,
        Decimal("1"),
        Decimal("240"),
        True,
        36,
        "鄂民政发〔2024〕15号：N倍年低保标准，原文无法辨认，按配置（POLICY.md §1.5）",
    ),
    Spec(
        "edge_car_max_months_of_standard",
        _("低保边缘: one car priced below"),
        "edge",
        "int",
        MONTHS,
        Decimal("0"),
        Decimal("480"),
        True,
        12,
        "鄂民政发〔2024〕15号：M倍年低保标准，原文无法辨认，按配置（POLICY.md §1.5）",
    ),
    Spec(
        "prev_year_disposable_income_fen",
        _("Previous year's per-capita disposable income"),
        "edge",
        "fen",
        YUAN_YEAR,
        Decimal("5000"),
        Decimal("300000"),
        True,
        5_500_000,
        SYNTHETIC + "（武汉市统计公报）",
    ),
    Spec(
        "rigid_spending_share",
        _("刚性支出 share of income above"),
        "edge",
        "decimal",
        RATIO,
        Decimal("0.05"),
        Decimal("1"),
        True,
        "0.3",
        "S4（2025-01-01起）：比例由地方设定；合成演示值",
    ),
    # 特困 §2.8
    Spec(
        "tekun_basic_urban_fen",
        _("特困 basic-living standard (urban)"),
        "tekun",
        "fen",
        YUAN_MONTH,
        Decimal("300"),
        Decimal("8000"),
        True,
        123500,
        "不低于低保标准1.3倍的常见做法 [MEM]（POLICY.md §2.8）：950 × 1.3",
    ),
    Spec(
        "tekun_basic_rural_fen",
        _("特困 basic-living standard (rural)"),
        "tekun",
        "fen",
        YUAN_MONTH,
        Decimal("300"),
        Decimal("8000"),
        True,
        123500,
        "不低于低保标准1.3倍的常见做法 [MEM]（POLICY.md §2.8）：950 × 1.3",
    ),
    Spec(
        "tekun_care_full_fen",
        _("特困 care standard: fully independent"),
        "tekun",
        "fen",
        YUAN_MONTH,
        Decimal("0"),
        Decimal("5000"),
        True,
        0,
        SYNTHETIC + "（照料护理标准，POLICY.md §2.8）",
    ),
    Spec(
        "tekun_care_partial_fen",
        _("特困 care standard: partly dependent"),
        "tekun",
        "fen",
        YUAN_MONTH,
        Decimal("0"),
        Decimal("8000"),
        True,
        40000,
        SYNTHETIC + "（照料护理标准，POLICY.md §2.8）",
    ),
    Spec(
        "tekun_care_total_fen",
        _("特困 care standard: fully dependent"),
        "tekun",
        "fen",
        YUAN_MONTH,
        Decimal("0"),
        Decimal("10000"),
        True,
        100000,
        SYNTHETIC + "（照料护理标准，POLICY.md §2.8）",
    ),
    Spec(
        "tekun_financial_assets_months_of_standard",
        _("特困: financial assets below"),
        "tekun",
        "int",
        MONTHS,
        Decimal("1"),
        Decimal("240"),
        True,
        36,
        "POLICY.md §1.7（S14）：某特困规则为年低保标准的3倍 [LOCAL]",
    ),
    # 临时救助 §3
    Spec(
        "temp_emergency_months",
        _("临时救助 emergency amount"),
        "temporary",
        "decimal",
        _("months of the standard per household member"),
        Decimal("0"),
        Decimal("24"),
        True,
        "3",
        "POLICY.md §3.5：与低保标准挂钩，按人数分档；倍数为合成演示值",
    ),
    Spec(
        "temp_spending_months",
        _("临时救助 spending amount"),
        "temporary",
        "decimal",
        _("months of the standard per household member"),
        Decimal("0"),
        Decimal("24"),
        True,
        "6",
        "POLICY.md §3.5：与低保标准挂钩；倍数为合成演示值",
    ),
    Spec(
        "temp_cap_fen",
        _("临时救助 cap without a case conference (0 = none)"),
        "temporary",
        "fen",
        YUAN,
        Decimal("0"),
        Decimal("1000000"),
        True,
        0,
        "POLICY.md §3.5：国家未设上限 [NOT FOUND]",
    ),
    Spec(
        "temp_township_limit_fen",
        _("临时救助 delegated to the street up to"),
        "temporary",
        "fen",
        YUAN,
        Decimal("0"),
        Decimal("200000"),
        True,
        300000,
        "S9：县级向乡镇（街道）授权审批，额度逐步提高；合成演示值",
    ),
    Spec(
        "temp_first_aid_limit_fen",
        _("先行救助 small amount up to"),
        "temporary",
        "fen",
        YUAN,
        Decimal("0"),
        Decimal("100000"),
        True,
        100000,
        "S6/S8：小金额先行救助；合成演示值",
    ),
    # consistency §5.4 and proofs §5.2
    Spec(
        "consistency_income_tolerance_pct",
        _("Consistency: income difference within"),
        "consistency",
        "decimal",
        PERCENT,
        Decimal("0"),
        Decimal("100"),
        False,
        "10",
        "POLICY.md §5.4：未找到定义，建议默认值（假设）",
    ),
    Spec(
        "proof_catalogue",
        _("Proof catalogue"),
        "consistency",
        "catalogue",
        "",
        None,
        None,
        False,
        None,
        "POLICY.md §5.2：黄石9类14项未找到，按S23等重构的目录",
    ),
)

BY_NAME: dict[str, Spec] = {s.name: s for s in SPECS}
NAME_CHOICES = [(s.name, s.label) for s in SPECS]
GROUPS = {
    "dibao": _("低保"),
    "assets": _("Asset limits"),
    "edge": _("低保边缘 and 刚性支出"),
    "tekun": _("特困"),
    "temporary": _("临时救助"),
    "consistency": _("Consistency and proofs"),
}
