"""Kinds of the employment and education dimension: registered unemployment, students and
their aid."""

from __future__ import annotations

from .registry import INT, LIST, KindItem, indicator_kind
from .sql import SqlContext, in_list, person_count, records


@indicator_kind(
    "unemployed_registered",
    dimension="employment_education",
    params={"within_days": INT},
    label_zh="登记失业",
    label_en="Registered unemployed",
    reference="A living member aged 18–59 registered as unemployed within `within_days` and "
    "has had no wage month since the registration's month. Value: the members.",
    dated=True,
)
def unemployed_registered(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "renshe_unemployment",
        "'renshe_unemployment' AS feed, f.reg_date AS fact_date, "
        "f.benefit AS amount, f.reason AS label",
        f"f.reg_date <= {ctx.d} AND f.reg_date > {ctx.since(item.params['within_days'])}",
    )
    # still unemployed: no wage month after the registration month
    rows = (
        f"SELECT u.* FROM ({rows}) AS u JOIN m_members AS m ON m.person_key = u.person_key"
        " LEFT JOIN m_wage_person AS w ON w.person_key = u.person_key"
        " WHERE m.age >= 18 AND m.age < 60 AND (w.last_month IS NULL OR"
        " CAST(w.last_month || '-01' AS DATE) <= u.fact_date)"
    )
    return person_count(rows, 1)


@indicator_kind(
    "students",
    dimension="employment_education",
    params={"stages": LIST, "min_count": INT},
    label_zh="在读学生",
    label_en="Students",
    reference="At least `min_count` living members are enrolled at one of `stages`. Value: "
    "the members.",
)
def students(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    rows = records(
        "jiaoyu_students",
        "'jiaoyu_students' AS feed, f.enrol_date AS fact_date, "
        "CAST(NULL AS BIGINT) AS amount, f.stage AS label",
        f"f.stage IN {in_list(p['stages'])} AND (f.enrol_date IS NULL OR f.enrol_date <= {ctx.d})",
    )
    return person_count(rows, int(p["min_count"]))


@indicator_kind(
    "student_aid",
    dimension="employment_education",
    params={"window_days": INT},
    label_zh="学生获家庭经济困难资助",
    label_en="Student aid for hardship",
    reference="A living member was granted student aid for family hardship within "
    "`window_days`. Value: the members.",
    dated=True,
)
def student_aid(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "jiaoyu_aid",
        "'jiaoyu_aid' AS feed, f.grant_date AS fact_date, f.amount, f.difficulty AS label",
        f"f.grant_date <= {ctx.d} AND f.grant_date > {ctx.since(item.params['window_days'])}",
    )
    return person_count(rows, 1)
