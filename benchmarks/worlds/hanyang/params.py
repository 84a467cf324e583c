"""The parameters of the hanyang world, in one place (money in 元 per month unless stated).

These are this world's own assumptions for a Wuchang-like urban district, chosen to be
plausible, not official figures. README.md explains how they combine.
"""

from __future__ import annotations

import datetime as dt

DEFAULT_AS_OF = dt.date(2026, 11, 30)
MONTHS = 36  # simulated history; shocks fall in the last 24 months
SHOCK_MONTHS = 24
INCOME_MONTHS = 6  # the hardship rule looks at the last 6 months

# --- the hardship rule -------------------------------------------------------------------------
DIBAO = 1000.0  # 低保 standard, 元 per person per month
DIBIAN_FACTOR = 1.5  # 低边 line = 1.5 × the standard
BUFFER_MONTHS = 6  # liquid savings must cover fewer than this many months of the gap
TEKUN_FACTOR = 1.3  # 特困 basic-living support = 1.3 × the standard

# --- household composition templates: (name, weight) -------------------------------------------
TEMPLATES = [
    ("single_young", 8.0),
    ("single_mid", 5.0),
    ("single_old", 10.5),
    ("couple_young", 5.5),
    ("couple_mid", 8.5),
    ("couple_old", 12.5),
    ("couple_kids", 24.0),
    ("single_parent", 4.0),
    ("three_gen", 8.5),
    ("parent_adult_child", 7.0),
    ("skipped_gen", 1.5),
    ("siblings", 2.0),
    ("with_other", 3.0),
]
OLD_TEMPLATES = {"single_old", "couple_old", "skipped_gen"}

# --- streets: relative size, affluence (wage multiplier), age tilt (elderly templates) --------
# Old inner-city streets are poorer and older; the university/lake streets richer.
STREET_PROFILE = {
    "420106001": (1.00, 0.92, 1.15),  # 积玉桥
    "420106002": (0.85, 0.95, 1.05),  # 杨园
    "420106003": (1.10, 0.97, 1.00),  # 徐家棚
    "420106005": (0.70, 0.85, 1.35),  # 粮道
    "420106006": (0.80, 0.88, 1.30),  # 中华路
    "420106007": (0.65, 0.86, 1.35),  # 黄鹤楼
    "420106008": (0.90, 0.90, 1.20),  # 紫阳
    "420106009": (1.05, 0.84, 1.05),  # 白沙洲
    "420106010": (0.90, 0.96, 1.10),  # 首义路
    "420106011": (1.00, 1.10, 0.95),  # 中南路
    "420106012": (0.95, 1.20, 1.00),  # 水果湖
    "420106013": (0.90, 1.15, 0.95),  # 珞珈山
    "420106014": (0.85, 0.98, 0.90),  # 石洞
    "420106015": (1.20, 1.02, 0.85),  # 南湖
    "420106490": (0.12, 0.80, 1.10),  # 东湖风景区（武昌）
}
# Communities per street (this world's own numbering: street code + 3 digits, with gaps
# where communities were merged).
COMMUNITIES_PER_STREET = (7, 13)
SCENIC_COMMUNITIES = 3
FLOOD_STREETS = {"420106009", "420106015", "420106014", "420106490"}  # low-lying, by lakes

# --- labour ----------------------------------------------------------------------------------
MIN_WAGE = 2210.0
# working-age (18-59, able, not studying) status shares; affluence shifts formal↔informal
LABOUR_SHARES = {
    "formal": 0.58,
    "informal": 0.16,
    "self": 0.09,
    "unemployed": 0.08,
    "home": 0.09,
}
WAGE_MEDIAN = 6000.0  # formal gross wage, lognormal
WAGE_SIGMA = 0.48
INFORMAL_MEDIAN = 3300.0
INFORMAL_SIGMA = 0.55
INFORMAL_IDLE = 0.14  # chance an informal worker has no work in a month
SELF_MEDIAN = 4800.0  # net business income
SELF_SIGMA = 0.80
PENSION_EMPLOYEE_MEDIAN = 3500.0
PENSION_EMPLOYEE_SIGMA = 0.30
PENSION_RESIDENT = (180.0, 420.0)  # 城乡居民 pension range
RETIRE_AGE_MALE = 60
RETIRE_AGE_FEMALE = (50, 55)  # workers / staff
UNEMPLOYMENT_BENEFIT = 1950.0
UNEMPLOYMENT_BENEFIT_MONTHS = (6, 18)
SI_BASE = {
    2023: (3816.0, 19080.0),
    2024: (4077.0, 20385.0),
    2025: (4260.0, 21300.0),
    2026: (4410.0, 22050.0),
}
SI_PERSONAL = 0.105  # pension 8 % + medical 2 % + unemployment 0.5 %
SI_EMPLOYER = 0.16
HOUSING_FUND_RATE = 0.08  # provident fund, personal share (feed not delivered in this world)

# --- shocks: monthly hazards -----------------------------------------------------------------
ILLNESS_HAZARD = ((40, 0.0012), (60, 0.0035), (75, 0.0080), (200, 0.0130))  # (age below, h)
ACCIDENT_HAZARD = 0.0009
DISABILITY_HAZARD = ((60, 0.0004), (200, 0.0015))
JOB_LOSS_HAZARD = 0.0065
BUSINESS_FAIL_HAZARD = 0.0065
DIVORCE_HAZARD = 0.0011
PRISON_HAZARD = 0.00012
REEMPLOY_HAZARD = 0.09
FIRE_HAZARD = 0.00015
FLOOD_SHARE = 0.16  # share of households in flood-prone communities hit in the flood month
# annual mortality by age (age below, rate)
MORTALITY = (
    (30, 0.0006),
    (45, 0.0015),
    (55, 0.004),
    (65, 0.009),
    (75, 0.022),
    (85, 0.065),
    (200, 0.16),
)

# --- medical costs ---------------------------------------------------------------------------
FUND_SHARE = {"employee": 0.75, "resident": 0.55, "none": 0.0}
SERIOUS_COST_MEDIAN = 32000.0
SERIOUS_COST_SIGMA = 0.8
ROUTINE_ADMISSION_RATE = ((18, 0.05), (40, 0.06), (60, 0.11), (75, 0.22), (200, 0.36))  # per yr
ROUTINE_COST_MEDIAN = 7000.0
OUTPATIENT_VISITS = 1.6  # ordinary visits per person-year (settled through insurance)
CHRONIC_OOP = {1: (60.0, 200.0), 2: (200.0, 800.0), 3: (900.0, 2800.0)}

# --- schooling (household pays, per month of term) -------------------------------------------
SCHOOL_COST = {
    "学前": (350.0, 2200.0),
    "小学": (150.0, 600.0),
    "初中": (200.0, 700.0),
    "高中": (600.0, 1300.0),
    "中职": (300.0, 700.0),
    "本科": (2000.0, 2800.0),
    "高职": (1800.0, 2500.0),
}

# --- household finance -----------------------------------------------------------------------
MIN_SPEND = 880.0  # minimum living spend for one person; a household spends MIN_SPEND·n^0.8
SPEND_SURPLUS = 0.78  # share of income above the minimum that is spent
FUNERAL_COST = (12000.0, 45000.0)

# --- assistance behaviour --------------------------------------------------------------------
CLAIM_TRAITS = (("never", 0.38), ("slow", 0.44), ("prompt", 0.18))
CLAIM_HAZARD = {"never": 0.0, "slow": 0.012, "prompt": 0.06}
ASSET_LIMIT_MONTHS = 24  # financial assets per capita below 24 months of the standard
