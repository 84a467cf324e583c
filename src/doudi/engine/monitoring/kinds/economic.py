"""Kinds of the economic dimension: income against the area's line, stopped wages, assets
(counter-indicators) and the 防返贫 monitoring list."""

from __future__ import annotations

from .registry import INT, LIST, RATE, KindItem, indicator_kind
from .sql import SqlContext, in_list, month, person_count, person_facts, records


@indicator_kind(
    "income_below_line",
    dimension="economic",
    params={"multiplier": RATE, "window_months": INT},
    label_zh="家庭人均收入低于标准",
    label_en="Income per head below a line",
    reference="The household's income estimate (POLICY §1.6) over the last `window_months` "
    "whole months, per living member and month, is below the line: the area's "
    "`dibao_standard` × `multiplier` (a number, or the name of an area parameter). Value: the "
    "income per head and month in fen; facts: each income record of the window.",
    value="fen",
    line=True,
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
WHERE h.size > 0 AND h.income < {line} * h.size * {window}"""


@indicator_kind(
    "earnings_below_line",
    dimension="economic",
    params={"multiplier": RATE},
    label_zh="成员最高月工资和养老金低于标准",
    label_en="Best wage and pension below a line",
    reference="Every living member's average monthly wage and monthly pension are below "
    "`dibao_standard` × `multiplier`. Value: the best of them in fen.",
    value="fen",
    line=True,
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
WHERE h.size > 0 AND h.best_wage < {line} AND h.best_pension < {line}"""


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
