"""Kinds of the sudden-event dimension: disasters, an earner's death, a sudden costly
hospital stay, a trade-union hardship file."""

from __future__ import annotations

from .registry import INT, LIST, KindItem, indicator_kind, trigger_kind
from .sql import SqlContext, age, in_list, person_count, records


def _disaster(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    rows = records(
        "yingji_disaster",
        "'yingji_disaster' AS feed, f.disaster_date AS fact_date, f.loss AS amount,"
        " f.house_damage AS label",
        f"f.disaster_date <= {ctx.d} AND f.disaster_date > {ctx.since(p['window_days'])} "
        f"AND f.house_damage IN {in_list(p['house_damage'])}",
    )
    return person_count(rows, 1)


@indicator_kind(
    "disaster",
    dimension="sudden_event",
    params={"window_days": INT, "house_damage": LIST},
    label_zh="受灾且房屋受损",
    label_en="Struck by a disaster",
    reference="A living member's disaster record within `window_days` has house damage in "
    "`house_damage`. Value: the members.",
    dated=True,
)
def disaster(item: KindItem, ctx: SqlContext) -> str:
    return _disaster(item, ctx)


@trigger_kind(
    "disaster_home_lost",
    dimension="sudden_event",
    params={"window_days": INT, "house_damage": LIST},
    label_zh="受灾房屋倒塌",
    label_en="Home lost in a disaster",
    reference="As `disaster`: a living member's disaster record within `window_days` has "
    "house damage in `house_damage`.",
)
def disaster_home_lost(item: KindItem, ctx: SqlContext) -> str:
    return _disaster(item, ctx)


def _earner_death(item: KindItem, ctx: SqlContext, with_minors: bool) -> str:
    minors = " AND h.n_minor > 0" if with_minors else ""
    before = ctx.since(item.params["window_days"])
    age_at_death = age("m.birth_date", "m.death_date")
    return f"""
SELECT m.hukou_no, 1 AS value, m.death_feed AS feed, m.death_rk AS record_key,
       m.death_date AS fact_date, {age_at_death} AS amount, m.relation AS label
FROM m_members AS m JOIN m_hh AS h ON h.hukou_no = m.hukou_no
LEFT JOIN m_wage_person AS w ON w.person_key = m.person_key
WHERE NOT m.alive AND m.death_date > {before}{minors}
  AND (({age_at_death} >= 18 AND {age_at_death} < 60) OR w.person_key IS NOT NULL)"""


@indicator_kind(
    "earner_death",
    dimension="sudden_event",
    params={"window_days": INT},
    label_zh="家庭主要劳动力死亡",
    label_en="An earner died",
    reference="A member died within `window_days` aged 18–59, or had wage months. Value: 1; "
    "fact: the death record (amount: age at death).",
    dated=True,
)
def earner_death(item: KindItem, ctx: SqlContext) -> str:
    return _earner_death(item, ctx, with_minors=False)


@trigger_kind(
    "earner_death_with_minors",
    dimension="sudden_event",
    params={"window_days": INT},
    label_zh="有未成年人的家庭主要劳动力死亡",
    label_en="An earner died, leaving minors",
    reference="As `earner_death`, in a household with living minors.",
)
def earner_death_with_minors(item: KindItem, ctx: SqlContext) -> str:
    return _earner_death(item, ctx, with_minors=True)


@indicator_kind(
    "sudden_hospitalisation",
    dimension="sudden_event",
    params={"window_days": INT, "min_self_pay_fen": INT},
    label_zh="突发住院自付高",
    label_en="A sudden costly hospital stay",
    reference="A living member was admitted within `window_days` for a stay whose "
    "out-of-pocket cost is at least `min_self_pay_fen`. Value: the members.",
    dated=True,
)
def sudden_hospitalisation(item: KindItem, ctx: SqlContext) -> str:
    p = item.params
    rows = records(
        "yibao_inpatient",
        "'yibao_inpatient' AS feed, f.admission_date AS fact_date, "
        "f.self_pay AS amount, 'inpatient' AS label",
        f"f.admission_date <= {ctx.d} AND f.admission_date > "
        f"{ctx.since(p['window_days'])} AND f.self_pay >= {int(p['min_self_pay_fen'])}",
    )
    return person_count(rows, 1)


@indicator_kind(
    "hardship_worker",
    dimension="sudden_event",
    params={"hardship_types": LIST},
    label_zh="工会困难职工",
    label_en="A trade-union hardship file",
    reference="A living member has a trade-union hardship file of one of `hardship_types`. "
    "Value: the members.",
    dated=True,
)
def hardship_worker(item: KindItem, ctx: SqlContext) -> str:
    rows = records(
        "zonggonghui_hardship",
        "'zonggonghui_hardship' AS feed, f.file_date AS fact_date, "
        "f.monthly_income AS amount, f.hardship_type AS label",
        f"f.file_date <= {ctx.d} AND f.hardship_type IN {in_list(item.params['hardship_types'])}",
    )
    return person_count(rows, 1)
