"""Every number of the qingshan world in one place (amounts in 元 per month unless noted).

These are this world's assumptions about an urban Wuhan district, not policy parameters of
doudi. Change them and the README's base rates change with them.
"""

STANDARD = 950.0  # the 低保-like standard of this world, per person and month
ELDER_DISABLED_FACTOR = 1.3  # basic needs of a member aged 60+ or disabled
EDGE_FACTOR = 1.5  # 低保边缘: below 1.5 × the standard
MONTHS = 36  # simulated months, ending with the as-of month
ELDER_AGE = 60

# Household templates: (name, share). See population.py for who lives in each.
TEMPLATES = [
    ("single_young", 0.080),
    ("single_mid", 0.050),
    ("single_old", 0.090),
    ("old_couple", 0.110),
    ("couple_nokids", 0.090),
    ("couple_kids", 0.280),
    ("single_parent", 0.040),
    ("three_gen", 0.090),
    ("couple_adultchild", 0.090),
    ("old_parent_child", 0.050),
    ("skipped_gen", 0.015),
    ("siblings", 0.015),
]

# Education: 0 primary or less, 1 junior secondary, 2 senior/vocational, 3 college, 4 bachelor+
EDU_BY_COHORT = [  # (born before, probabilities)
    (1950, [0.35, 0.30, 0.22, 0.08, 0.05]),
    (1965, [0.15, 0.35, 0.30, 0.12, 0.08]),
    (1980, [0.06, 0.28, 0.30, 0.18, 0.18]),
    (1995, [0.02, 0.15, 0.25, 0.25, 0.33]),
    (3000, [0.01, 0.08, 0.22, 0.27, 0.42]),
]

# Earnings potential (median monthly, by education) and spread
FORMAL_WAGE = [3300, 3900, 4800, 6600, 9500]
INFORMAL_EARN = [2350, 2750, 3150, 3900, 5200]
FEMALE_PAY = 0.85
INFORMAL_VOLATILITY = 0.25

# Employment at the start, working age, by education
P_FORMAL = [0.25, 0.40, 0.58, 0.72, 0.82]
P_INFORMAL = [0.40, 0.35, 0.22, 0.12, 0.07]
P_UNEMP = 0.05

# Monthly labour transitions (base rates; multiplied by education, age, disability, economy)
SEP_FORMAL = 0.005
SEP_INFORMAL = 0.010
FORMAL_TO_INFORMAL = 0.002
INFORMAL_TO_FORMAL = 0.004
FIND_FORMAL = 0.05
FIND_INFORMAL = 0.07
UNEMP_TO_INACTIVE = 0.008
INACTIVE_TO_WORK = 0.006
SEP_EDU = [1.6, 1.3, 1.0, 0.75, 0.55]
FIND_EDU = [0.5, 0.7, 1.0, 1.3, 1.6]

# The downturn: one street's wholesale market moves out (months counted from the start)
DOWNTURN_FROM, DOWNTURN_TO = 15, 29
DOWNTURN_SEP = 3.0
DOWNTURN_FIND = 0.5
DOWNTURN_EARN = 0.65
DOWNTURN_CLOSE = 4.0

# Pensions
WORKER_PENSION = 3300
WORKER_PENSION_MIN = 1800
RESIDENT_PENSION = 320
PENSION_RAISE = 0.025  # every January (worker pensions)
RESIDENT_RAISE = 15.0  # every January (resident pensions, 元)
CONTRIBUTION_FLOOR = {2023: 3900, 2024: 4000, 2025: 4100, 2026: 4200, 2027: 4300}
CONTRIBUTION_CAP = 20000
UNEMPLOYMENT_BENEFIT = 1950
MINIMUM_WAGE = 2210  # Wuhan's monthly minimum wage

# Living costs: basic living = LIVING × (1 + 0.5 × further adults + 0.3 × each child under 14)
LIVING = 1550
CHILD_WEIGHT = 0.3
ADULT_WEIGHT = 0.5
RENT_PRIVATE = (1100, 2800)
RENT_PUBLIC = (250, 600)
DEBT_LIMIT_MONTHS = 12  # relatives' loans and arrears: at most 12 months of basic living
CUT_LIVING = 0.75  # a household without savings lives on 75 % of its usual basic living

# School costs per month by stage (学前, 小学, 初中, 高中, 中职, 高职, 本科)
STAGES = ["学前", "小学", "初中", "高中", "中职", "高职", "本科"]
SCHOOL_COST = [1300, 450, 650, 1100, 500, 1600, 1900]
SCHOOL_COST_SPREAD = 0.35

# Health
CHRONIC_PREVALENCE = [(40, 0.02), (60, 0.08), (75, 0.22), (200, 0.32)]
SERIOUS_BASE = 0.00025  # monthly onset at age 30, doubling every 10 years
ACCIDENT_RATE = 0.0005
HIDDEN_MEDICAL = (
    0.2,
    0.8,
)  # unsettled costs (drugs bought outside, nursing, travel) per 元 self-paid

# Programmes
APPLY_BASE = 0.006  # monthly chance that an eligible household applies for 低保
CLASSED_SUPPLEMENT = 0.3  # 分类施保: extra share of the standard for elderly / disabled / ill
TEMP_AID_APPLY = 0.25
MEDICAL_AID = {1: 0.7, 2: 0.8, 3: 0.5}  # share of self-pay the aid covers (低保, 特困, 边缘)
RESIDENT_PREMIUM = {2024: 380, 2025: 400, 2026: 400, 2027: 420}
