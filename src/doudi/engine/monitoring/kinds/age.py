"""Kinds of the age dimension: who lives in the household (the register's members)."""

from __future__ import annotations

from .registry import FLOAT, INT, KindItem, indicator_kind
from .sql import SqlContext, member_facts


@indicator_kind(
    "members_aged",
    dimension="age",
    params={"min_age": INT, "min_count": INT},
    label_zh="高龄成员",
    label_en="Members of a great age",
    reference="At least `min_count` living members aged `min_age` or over. Value: how many "
    "there are; facts: their register records (amount: age).",
)
def members_aged(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    return f"""
SELECT hukou_no, value, 'gongan_hukou' AS feed, record_key, {ctx.d} AS fact_date, age AS amount,
       relation AS label FROM (
  SELECT m.*, count(*) OVER (PARTITION BY m.hukou_no) AS value FROM m_members AS m
  WHERE m.alive AND m.age >= {int(p["min_age"])}) AS x
WHERE value >= {int(p["min_count"])}"""


@indicator_kind(
    "elderly_alone",
    dimension="age",
    params={"min_age": INT},
    label_zh="独居老人",
    label_en="An elderly person living alone",
    reference="The household has one living member, aged `min_age` or over. Value: the "
    "household's size (1).",
)
def elderly_alone(item: KindItem, ctx: SqlContext) -> str:
    a = int(item.params["min_age"])
    return member_facts(f"h.size = 1 AND m.age >= {a}", "TRUE", "size", ctx.as_of)


@indicator_kind(
    "elderly_only",
    dimension="age",
    params={"min_age": INT},
    label_zh="纯老年人家庭",
    label_en="Only elderly members",
    reference="Every living member (at least two) is of known age and aged `min_age` or "
    "over. Value: the household's size.",
)
def elderly_only(item: KindItem, ctx: SqlContext) -> str:
    a = int(item.params["min_age"])
    return member_facts(
        "TRUE",
        f"h.size >= 2 AND m.hukou_no IN (SELECT hukou_no FROM "
        f"m_members WHERE alive GROUP BY hukou_no HAVING sum(CASE WHEN "
        f"age >= {a} THEN 1 ELSE 0 END) = count(*))",
        "size",
        ctx.as_of,
    )


@indicator_kind(
    "dependency_ratio",
    dimension="age",
    params={"min_ratio": FLOAT},
    label_zh="抚养比高",
    label_en="A high dependency ratio",
    reference="Minors (under 18) and elderly members (60 or over) number at least `min_ratio` "
    "times the working-age members (18–59), of whom there is at least one (compared in "
    "whole percent). Value: the working-age members.",
)
def dependency_ratio(item: KindItem, ctx: SqlContext) -> str:
    pct = round(float(item.params["min_ratio"]) * 100)
    return member_facts(
        "m.age < 18 OR m.age >= 60",
        f"h.n_working > 0 AND (h.n_minor + h.n_elderly) * 100 >= {pct} * h.n_working",
        "n_working",
        ctx.as_of,
    )


@indicator_kind(
    "minors_without_carer",
    dimension="age",
    params={},
    label_zh="未成年人无劳动年龄监护人",
    label_en="Minors without a working-age carer",
    reference="The household has living minors and no living member aged 18–59. Value: the minors.",
)
def minors_without_carer(item: KindItem, ctx: SqlContext) -> str:
    return member_facts("m.age < 18", "h.n_minor > 0 AND h.n_working = 0", "n_minor", ctx.as_of)
