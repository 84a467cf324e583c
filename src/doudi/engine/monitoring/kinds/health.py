"""Kinds of the health dimension: serious and chronic illness, hospital stays, medical
spending against income."""

from __future__ import annotations

from .registry import FLOAT, INT, LIST, KindItem, indicator_kind
from .sql import SqlContext, in_list, person_count, person_facts, records


@indicator_kind(
    "serious_illness",
    dimension="health",
    params={"categories": LIST, "diagnosis_within_days": INT},
    label_zh="重特大疾病",
    label_en="Serious illness",
    reference="A living member holds a valid medical-insurance approval in one of "
    "`categories`, or was diagnosed (health commission) within `diagnosis_within_days`. "
    "Value: the members.",
    dated=True,
)
def serious_illness(item: KindItem, ctx: SqlContext) -> str:
    p, d = item.params, ctx.d
    rows = (
        records(
            "yibao_chronic",
            "'yibao_chronic' AS feed, f.approve_date AS fact_date, "
            "CAST(NULL AS BIGINT) AS amount, f.category AS label",
            f"f.category IN {in_list(p['categories'])} AND f.approve_date <= {d} "
            f"AND (f.valid_until IS NULL OR f.valid_until >= {d})",
        )
        + " UNION ALL "
        + records(
            "weijian_diagnosis",
            "'weijian_diagnosis' AS feed, f.diagnosis_date AS fact_date, "
            "CAST(NULL AS BIGINT) AS amount, 'diagnosis' AS label",
            f"f.diagnosis_date <= {d} AND f.diagnosis_date > "
            f"{ctx.since(p['diagnosis_within_days'])}",
        )
    )
    return person_count(rows, 1)


@indicator_kind(
    "chronic_disease",
    dimension="health",
    params={"categories": LIST},
    label_zh="慢性病认定",
    label_en="Chronic disease",
    reference="A living member holds a valid medical-insurance approval in one of "
    "`categories`. Value: the members.",
    dated=True,
)
def chronic_disease(item: KindItem, ctx: SqlContext) -> str:
    d = ctx.d
    rows = records(
        "yibao_chronic",
        "'yibao_chronic' AS feed, f.approve_date AS fact_date, "
        "CAST(NULL AS BIGINT) AS amount, f.category AS label",
        f"f.category IN {in_list(item.params['categories'])} AND f.approve_date <= {d} "
        f"AND (f.valid_until IS NULL OR f.valid_until >= {d})",
    )
    return person_count(rows, 1)


@indicator_kind(
    "inpatient_stays",
    dimension="health",
    params={"window_days": INT, "min_stays": INT},
    label_zh="多次住院",
    label_en="Repeated inpatient stays",
    reference="Living members' inpatient settlements within `window_days` number at least "
    "`min_stays`. Value: the settlements.",
    dated=True,
)
def inpatient_stays(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    rows = records(
        "yibao_inpatient",
        "'yibao_inpatient' AS feed, f.settle_date AS fact_date, "
        "f.self_pay AS amount, 'inpatient' AS label",
        f"f.settle_date <= {ctx.d} AND f.settle_date > {ctx.since(p['window_days'])}",
    )
    return person_facts(rows, "count(DISTINCT rk)", f"value >= {int(p['min_stays'])}")


@indicator_kind(
    "medical_spending_share",
    dimension="health",
    params={"window_days": INT, "min_share": FLOAT, "min_spend_fen": INT},
    label_zh="医疗自付支出占收入比例高",
    label_en="Medical spending high against income",
    reference="Living members' out-of-pocket medical spending (inpatient and outpatient) "
    "within `window_days` is at least `min_spend_fen` and at least `min_share` of the "
    "household's income over the same period (compared in basis points). Value: the "
    "spending in fen.",
    value="fen",
    dated=True,
)
def medical_spending_share(item: KindItem, ctx: SqlContext) -> str:
    p, d = item.params, ctx.d
    bp = round(float(p["min_share"]) * 10000)
    days = int(p["window_days"])
    rows = (
        records(
            "yibao_inpatient",
            "'yibao_inpatient' AS feed, f.settle_date AS fact_date, "
            "f.self_pay AS amount, 'inpatient' AS label",
            f"f.settle_date <= {d} AND f.settle_date > {ctx.since(days)} AND f.self_pay > 0",
        )
        + " UNION ALL "
        + "SELECT person_key, max(rk) AS rk, 'yibao_outpatient' AS feed, "
        "max(fact_date) AS fact_date, sum(amount) AS amount, 'outpatient' AS label FROM ("
        + records(
            "yibao_outpatient",
            "f.visit_date AS fact_date, f.self_pay AS amount",
            f"f.visit_date <= {d} AND f.visit_date > {ctx.since(days)} AND f.self_pay > 0",
        )
        + ") AS o GROUP BY person_key"
    )
    # value: spending over the window in fen; fired when it is at least min_spend_fen and
    # at least min_share of the household's income over the same period.
    return f"""
SELECT y.hukou_no, y.value, y.feed, y.record_key, y.fact_date, y.amount, y.label
FROM ({person_facts(rows, "sum(amount)")}) AS y
JOIN m_household AS h ON h.hukou_no = y.hukou_no
WHERE y.value >= {int(p["min_spend_fen"])}
  AND y.value * {ctx.window} * 365 * 10000 >= {bp} * h.income * {days} * 12"""
