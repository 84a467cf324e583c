"""Kinds of the disability and care dimension: disability certificates and who can care."""

from __future__ import annotations

from .registry import INT, KindItem, indicator_kind, trigger_kind
from .sql import SqlContext, person_count, records


def _disabled_rows(item: KindItem, ctx: SqlContext) -> str:
    return records(
        "canlian_disability",
        "'canlian_disability' AS feed, f.issue_date AS fact_date, "
        "f.disability_grade AS amount, f.disability_type AS label",
        f"f.disability_grade <= {int(item.params['max_grade'])} AND "
        f"(f.issue_date IS NULL OR f.issue_date <= {ctx.d})",
    )


@indicator_kind(
    "disability",
    dimension="disability_care",
    params={"max_grade": INT, "min_members": INT},
    label_zh="残疾成员",
    label_en="Disabled members",
    reference="At least `min_members` living members hold a disability certificate of grade "
    "`max_grade` or more severe (grade 1 is the most severe). Value: the members.",
    dated=True,
)
def disability(item: KindItem, ctx: SqlContext) -> str:
    return person_count(_disabled_rows(item, ctx), int(item.params["min_members"]))


def _without_carer(item: KindItem, ctx: SqlContext, cond: str) -> str:
    """A disabled living member whose other living members satisfy ``cond`` (``o.young``:
    carers aged 18 to ``carer_min_age``, ``o.old``: carers older)."""
    rows = _disabled_rows(item, ctx)
    c = int(item.params["carer_min_age"])
    return f"""
SELECT m.hukou_no, 1 AS value, x.feed, x.rk AS record_key, CAST(x.fact_date AS DATE)
       AS fact_date, CAST(x.amount AS BIGINT) AS amount, x.label
FROM ({rows}) AS x JOIN m_members AS m ON m.person_key = x.person_key
LEFT JOIN (SELECT d.person_key,
             sum(CASE WHEN q.age >= 18 AND q.age < {c} THEN 1 ELSE 0 END) AS young,
             sum(CASE WHEN q.age >= {c} THEN 1 ELSE 0 END) AS old
      FROM (SELECT DISTINCT person_key FROM ({rows}) AS r) AS d
      JOIN m_members AS dm ON dm.person_key = d.person_key
      JOIN m_members AS q ON q.hukou_no = dm.hukou_no AND q.alive
                         AND q.person_key <> d.person_key
      GROUP BY d.person_key) AS o ON o.person_key = m.person_key
WHERE m.alive AND {cond}"""


@indicator_kind(
    "disabled_elderly_carers",
    dimension="disability_care",
    params={"max_grade": INT, "carer_min_age": INT},
    label_zh="残疾人的照护人均为老人",
    label_en="A disabled member cared for by the elderly only",
    reference="A living member disabled to grade `max_grade` or more severe lives with no "
    "other member aged 18 to `carer_min_age` − 1 and at least one aged `carer_min_age` or "
    "over. Value: 1.",
    dated=True,
)
def disabled_elderly_carers(item: KindItem, ctx: SqlContext) -> str:
    return _without_carer(item, ctx, "coalesce(o.young, 0) = 0 AND coalesce(o.old, 0) > 0")


@trigger_kind(
    "severe_disability_without_carer",
    dimension="disability_care",
    params={"max_grade": INT, "carer_min_age": INT},
    label_zh="重度残疾人无劳动年龄照护人",
    label_en="A severely disabled member without a working-age carer",
    reference="A living member disabled to grade `max_grade` or more severe lives with no "
    "other member aged 18 to `carer_min_age` − 1.",
)
def severe_disability_without_carer(item: KindItem, ctx: SqlContext) -> str:
    return _without_carer(item, ctx, "coalesce(o.young, 0) = 0")
