"""Kinds of the economic dimension: income against the area's line, stopped wages, assets
(counter-indicators) and the 防返贫 monitoring list."""

from __future__ import annotations

from .registry import FLOAT, INT, LIST, RATE, KindItem, indicator_kind, param
from .sql import SqlContext, in_list, month, person_count, person_facts, records

KNOWN_TEXT = (
    " Optional `max_unknown_share` (default 1: no condition): fires only when at most that "
    "share of the living working-age members (18–59) has no income record in the income "
    "window — an estimate that rests on no record is unknown, not low (see `income_unrecorded`)."
)


def known_enough(item: KindItem) -> str:
    """The SQL condition on ``m_household AS h`` of ``max_unknown_share`` (integer
    arithmetic: basis points)."""
    bp = int(round(float(param(item, "indicator", "max_unknown_share")) * 10000))
    return f"h.n_working_no_income * 10000 <= {bp} * h.n_working"


@indicator_kind(
    "income_below_line",
    dimension="economic",
    params={"multiplier": RATE, "window_months": INT, "max_unknown_share": FLOAT},
    label_zh="家庭人均收入低于标准",
    label_en="Income per head below a line",
    reference="The household's income estimate (POLICY §1.6) over the last `window_months` "
    "whole months, per living member and month, is below the line: the area's "
    "`dibao_standard` × `multiplier` (a number, or the name of an area parameter). Value: the "
    "income per head and month in fen; facts: each income record of the window." + KNOWN_TEXT,
    value="fen",
    line=True,
    defaults={"max_unknown_share": 1.0},
)
def income_below_line(item: KindItem, ctx: SqlContext) -> str:
    line, window = f"l.line_{item.id}", ctx.window
    return f"""
SELECT h.hukou_no, CAST(floor(h.income / (h.size * {window})) AS BIGINT) AS value,
       x.feed, x.rk AS record_key, x.fact_date, x.amount, x.label
FROM m_household AS h JOIN m_lines AS l ON l.area_code = coalesce(h.area_code, '')
LEFT JOIN (SELECT m.hukou_no, f.* FROM m_income_facts AS f
           JOIN m_members AS m ON m.person_key = f.person_key WHERE m.alive) AS x
  ON x.hukou_no = h.hukou_no
WHERE h.size > 0 AND h.income < {line} * h.size * {window} AND {known_enough(item)}"""


@indicator_kind(
    "income_unrecorded",
    dimension="economic",
    params={"min_share": FLOAT},
    label_zh="劳动年龄成员无任何收入记录",
    label_en="Working-age members without any income record",
    reference="The household has living working-age members (18–59) and at least "
    "`min_share` of them have no income record in the income window (no wage month, taxed "
    "income, pension or unemployment benefit): the income estimate is unknown rather than "
    "low — informal work, or none. Value: the members without a record.",
)
def income_unrecorded(item: KindItem, ctx: SqlContext) -> str:
    bp = int(round(float(item.params["min_share"]) * 10000))
    return f"""
SELECT h.hukou_no, CAST(h.n_working_no_income AS BIGINT) AS value,
       CAST(NULL AS VARCHAR) AS feed, CAST(NULL AS VARCHAR) AS record_key,
       CAST(NULL AS DATE) AS fact_date, CAST(h.n_working AS BIGINT) AS amount,
       'unrecorded' AS label
FROM m_household AS h
WHERE h.n_working > 0 AND h.n_working_no_income > 0
  AND h.n_working_no_income * 10000 >= {bp} * h.n_working"""


@indicator_kind(
    "earnings_below_line",
    dimension="economic",
    params={"multiplier": RATE, "max_unknown_share": FLOAT},
    label_zh="成员最高月工资和养老金低于标准",
    label_en="Best wage and pension below a line",
    reference="Every living member's average monthly wage and monthly pension are below "
    "`dibao_standard` × `multiplier`. Value: the best of them in fen." + KNOWN_TEXT,
    value="fen",
    line=True,
    defaults={"max_unknown_share": 1.0},
)
def earnings_below_line(item: KindItem, ctx: SqlContext) -> str:
    line = f"l.line_{item.id}"
    return f"""
SELECT h.hukou_no, greatest(h.best_wage, h.best_pension) AS value, x.feed, x.rk AS record_key,
       x.fact_date, x.amount, x.label
FROM m_household AS h JOIN m_lines AS l ON l.area_code = coalesce(h.area_code, '')
LEFT JOIN (SELECT m.hukou_no, f.* FROM m_income_facts AS f
           JOIN m_members AS m ON m.person_key = f.person_key
           WHERE m.alive AND f.feed IN ('renshe_contribution', 'shuiwu_income_tax',
                                        'gongjijin_contribution', 'renshe_pension')) AS x
  ON x.hukou_no = h.hukou_no
WHERE h.size > 0 AND h.best_wage < {line} AND h.best_pension < {line}
  AND {known_enough(item)}"""


@indicator_kind(
    "income_stopped",
    dimension="economic",
    params={"window_months": INT, "gap_months": INT, "min_prior_months": INT},
    label_zh="收入中断",
    label_en="Wages stopped",
    reference="A living member aged 18–59 without a pension had at least `min_prior_months` "
    "wage months in the last `window_months`, and none in the last `gap_months`. Value: "
    "their best monthly wage of the window in fen; onset: their last wage month.",
    value="fen",
    dated=True,
)
def income_stopped(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    w = int(p["window_months"])
    gap_start = month(ctx.as_of, int(p["gap_months"]))
    n = min(w, ctx.wage_window)  # a window of m_wage_person (indicators.recent_windows)
    return f"""
SELECT hukou_no, value, feed, record_key, fact_date, amount, label FROM (
  SELECT c.hukou_no, c.last_wage AS value, r.feed, r.rk AS record_key,
         CAST(c.last_month || '-01' AS DATE) AS fact_date, c.last_wage AS amount,
         'last_month' AS label,
         row_number() OVER (PARTITION BY c.person_key ORDER BY r.feed, r.rk DESC) AS rn
  FROM (SELECT m.hukou_no, s.* FROM (
          SELECT person_key, last_month_{n} AS last_month, months_{n} AS months,
                 max_wage_{n} AS last_wage FROM m_wage_person WHERE months_{n} > 0) AS s
        JOIN m_members AS m ON m.person_key = s.person_key
        WHERE m.alive AND m.age >= 18 AND m.age < 60
          AND s.months >= {int(p["min_prior_months"])} AND s.last_month < '{gap_start}'
          AND NOT EXISTS (SELECT 1 FROM m_other_income AS o
                          WHERE o.person_key = s.person_key AND o.feed = 'renshe_pension')
       ) AS c
  JOIN m_wage_raw AS r ON r.person_key = c.person_key AND r.month = c.last_month) AS x
WHERE rn = 1"""


@indicator_kind(
    "business_closed",
    dimension="economic",
    params={},
    label_zh="名下企业已注销或吊销",
    label_en="A business closed",
    reference="A living member's business or company is deregistered (注销) or revoked "
    "(吊销). Value: the members concerned.",
)
def business_closed(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "shichang_business",
        "'shichang_business' AS feed, f.established AS fact_date, "
        "CAST(NULL AS BIGINT) AS amount, f.status AS label",
        f"f.status IN ('注销', '吊销') AND f.established <= {ctx.d}",
    )
    return person_count(rows, 1)


@indicator_kind(
    "assets_property",
    dimension="economic",
    params={"min_units": INT},
    label_zh="拥有多套住宅",
    label_en="Several homes",
    reference="Living members own at least `min_units` residential units (住宅). Value: the "
    "units. A counter-indicator (negative points).",
)
def assets_property(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "budongchan_property",
        "'budongchan_property' AS feed, f.reg_date AS fact_date, "
        "f.price AS amount, f.usage AS label",
        f"f.usage = '住宅' AND (f.reg_date IS NULL OR f.reg_date <= {ctx.d})",
    )
    return person_facts(rows, "count(DISTINCT rk)", f"value >= {int(item.params['min_units'])}")


@indicator_kind(
    "assets_vehicle",
    dimension="economic",
    params={"min_price_fen": INT},
    label_zh="拥有较贵机动车",
    label_en="A costly vehicle",
    reference="A living member has a registered vehicle bought for `min_price_fen` or more. "
    "Value: the vehicles. A counter-indicator.",
)
def assets_vehicle(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "gongan_vehicle",
        "'gongan_vehicle' AS feed, f.register_date AS fact_date, "
        "f.price AS amount, f.vehicle_type AS label",
        f"coalesce(f.status, '') <> '注销' AND f.price >= {int(item.params['min_price_fen'])}"
        f" AND (f.register_date IS NULL OR f.register_date <= {ctx.d})",
    )
    return person_facts(rows, "count(DISTINCT rk)")


@indicator_kind(
    "assets_business",
    dimension="economic",
    params={"entity_types": LIST},
    label_zh="存续企业",
    label_en="A running business",
    reference="A living member is registered for a running (存续) entity of one of "
    "`entity_types`. Value: the entities. A counter-indicator.",
)
def assets_business(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "shichang_business",
        "'shichang_business' AS feed, f.established AS fact_date, "
        "f.reg_capital AS amount, f.entity_type AS label",
        f"f.status = '存续' AND f.entity_type IN {in_list(item.params['entity_types'])} "
        f"AND f.established <= {ctx.d}",
    )
    return person_facts(rows, "count(DISTINCT rk)")


@indicator_kind(
    "fangfanpin_monitored",
    dimension="economic",
    params={},
    label_zh="防返贫监测对象",
    label_en="On the 防返贫 monitoring list",
    reference="A living member is on the agriculture bureau's list of households monitored "
    "against relapse into poverty, risk not cleared. Value: the members.",
    dated=True,
)
def fangfanpin_monitored(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "nongye_fangfanpin",
        "'nongye_fangfanpin' AS feed, f.identified_date AS fact_date, "
        "f.per_capita_income AS amount, f.monitor_type AS label",
        f"f.identified_date <= {ctx.d} AND NOT coalesce(f.risk_cleared, FALSE)",
    )
    return person_count(rows, 1)


QUIET_SIGNALS = ("near_line", "chronic", "school", "lapsed", "single_adult")


def _one_per_household(rows: str, signal: str) -> str:
    """One fact per household (its smallest record key) of per-person ``rows`` (person_key,
    rk, feed, fact_date, amount) of living members, labelled ``signal``."""
    return f"""
SELECT hukou_no, feed, record_key, fact_date, amount, '{signal}' AS label FROM (
  SELECT m.hukou_no, x.feed, x.rk AS record_key, CAST(x.fact_date AS DATE) AS fact_date,
         CAST(x.amount AS BIGINT) AS amount,
         row_number() OVER (PARTITION BY m.hukou_no ORDER BY x.rk) AS rn
  FROM ({rows}) AS x JOIN m_members AS m ON m.person_key = x.person_key WHERE m.alive) AS y
WHERE rn = 1"""


@indicator_kind(
    "quiet_hardship",
    dimension="economic",
    params={
        "multiplier": RATE,
        "min_signals": INT,
        "chronic_categories": LIST,
        "school_stages": LIST,
        "gap_months": INT,
    },
    label_zh="多项轻度困难信号叠加（隐性困难）",
    label_en="Several weak signs of hardship together (quiet hardship)",
    reference="At least `min_signals` of these weak signals hold, none alarming alone: "
    "`near_line` — the income estimate per head is below `dibao_standard` × `multiplier` "
    "(near the line); `chronic` — a living member holds a valid medical-insurance approval in "
    "one of `chronic_categories`; `school` — a living member is enrolled at one of "
    "`school_stages` (school costs); `lapsed` — a living member aged 18–59 without a pension "
    "had wage months in the last 12 months and none in the last `gap_months` (contributions "
    "lapsed); `single_adult` — the household has exactly one living adult (18 or over). "
    "Value: the number of signals; facts: one per signal (label: the signal).",
    line=True,
)
def quiet_hardship(item: KindItem, ctx: SqlContext) -> str:
    p, d, window = item.params, ctx.d, ctx.window
    line = f"l.line_{item.id}"
    near = f"""
SELECT h.hukou_no, CAST(NULL AS VARCHAR) AS feed, CAST(NULL AS VARCHAR) AS record_key,
       CAST(NULL AS DATE) AS fact_date,
       CAST(floor(h.income / (h.size * {window})) AS BIGINT) AS amount, 'near_line' AS label
FROM m_household AS h JOIN m_lines AS l ON l.area_code = coalesce(h.area_code, '')
WHERE h.size > 0 AND h.income < {line} * h.size * {window}"""
    chronic = _one_per_household(
        records(
            "yibao_chronic",
            "'yibao_chronic' AS feed, f.approve_date AS fact_date, CAST(NULL AS BIGINT) AS amount",
            f"f.category IN {in_list(p['chronic_categories'])} AND f.approve_date <= {d} "
            f"AND (f.valid_until IS NULL OR f.valid_until >= {d})",
        ),
        "chronic",
    )
    school = _one_per_household(
        records(
            "jiaoyu_students",
            "'jiaoyu_students' AS feed, f.enrol_date AS fact_date, CAST(NULL AS BIGINT) AS amount",
            f"f.stage IN {in_list(p['school_stages'])} "
            f"AND (f.enrol_date IS NULL OR f.enrol_date <= {d})",
        ),
        "school",
    )
    gap_start = month(ctx.as_of, int(p["gap_months"]))
    lapsed = f"""
SELECT hukou_no, CAST(NULL AS VARCHAR) AS feed, CAST(NULL AS VARCHAR) AS record_key,
       fact_date, amount, 'lapsed' AS label FROM (
  SELECT m.hukou_no, CAST(w.last_month_12 || '-01' AS DATE) AS fact_date,
         CAST(w.max_wage_12 AS BIGINT) AS amount,
         row_number() OVER (PARTITION BY m.hukou_no ORDER BY w.last_month_12 DESC,
                            m.person_key) AS rn
  FROM m_wage_person AS w JOIN m_members AS m ON m.person_key = w.person_key
  WHERE m.alive AND m.age >= 18 AND m.age < 60 AND w.months_12 > 0
    AND w.last_month_12 < '{gap_start}'
    AND NOT EXISTS (SELECT 1 FROM m_other_income AS o
                    WHERE o.person_key = w.person_key AND o.feed = 'renshe_pension')) AS y
WHERE rn = 1"""
    single = """
SELECT hukou_no, CAST(NULL AS VARCHAR) AS feed, CAST(NULL AS VARCHAR) AS record_key,
       CAST(NULL AS DATE) AS fact_date, CAST(size AS BIGINT) AS amount, 'single_adult' AS label
FROM m_hh WHERE size > 0 AND n_working + n_elderly = 1"""
    signals = " UNION ALL ".join(
        f"SELECT * FROM ({s}) AS s" for s in (near, chronic, school, lapsed, single)
    )
    return f"""
SELECT hukou_no, value, feed, record_key, fact_date, amount, label FROM (
  SELECT s.hukou_no, CAST(count(*) OVER (PARTITION BY s.hukou_no) AS BIGINT) AS value,
         s.feed, s.record_key, s.fact_date, s.amount, s.label FROM ({signals}) AS s) AS v
WHERE value >= {int(p["min_signals"])}"""
