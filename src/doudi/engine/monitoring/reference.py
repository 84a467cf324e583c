"""A straightforward pandas implementation of the indicators, for two uses: a test that it
agrees with the SQL of :mod:`.indicators` (``compare_with_sql``), and the speed benchmark
(``benchmarks/monitor_speed.py``), which times both on the same district.

It follows the definitions of :mod:`.indicators` step by step, with plain DataFrame
operations (merge, groupby, boolean masks): the fired households and their ``value`` per
indicator and trigger. Membership comes from the register (no ``households`` override).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd

from doudi.engine.catalogue import Catalogue
from doudi.engine.lake import Lake

from .indicators import _area_codes, income_window, line_table
from .kinds import line_kinds
from .kinds.sql import month as _month
from .policy import Indicator, Policy, Trigger

_CACHE: dict[int, dict[str, pd.DataFrame]] = {}


def _feed(
    con: duckdb.DuckDBPyConnection, feed: str, persons: pd.DataFrame, key: str
) -> pd.DataFrame:
    """A feed's rows with their ``person_key`` (read once per run)."""
    cache = _CACHE.setdefault(id(con), {})
    if feed not in cache:
        cache[feed] = _read(con, feed, persons, key)
    return cache[feed]


def _read(
    con: duckdb.DuckDBPyConnection, feed: str, persons: pd.DataFrame, key: str
) -> pd.DataFrame:
    df: pd.DataFrame = con.execute(f'SELECT * FROM "{feed}"').df()
    df["rk"] = df[key].astype(str)
    p = persons[persons["source"] == feed][["record_key", "person_key"]]
    return df.merge(p, left_on="rk", right_on="record_key", how="inner")


def _age(birth: pd.Series, on: Any) -> Any:
    b = pd.to_datetime(birth)
    if isinstance(on, pd.Series):
        o = pd.to_datetime(on)
        oi = o.dt.year * 10000 + o.dt.month * 100 + o.dt.day
    else:
        oi = on.year * 10000 + on.month * 100 + on.day
    bi = b.dt.year * 10000 + b.dt.month * 100 + b.dt.day
    return np.floor((oi - bi) / 10000)


def reference_indicators(
    lake: Lake, catalogue: Catalogue, persons: pd.DataFrame, *, policy: Policy, as_of: dt.date
) -> dict[str, pd.Series]:
    """indicator or trigger id → Series hukou_no → value, for the fired households."""
    con = lake.connect(catalogue)
    try:
        return _compute(con, persons, policy, as_of)
    finally:
        _CACHE.pop(id(con), None)
        con.close()


def _compute(
    con: duckdb.DuckDBPyConnection, persons: pd.DataFrame, policy: Policy, as_of: dt.date
) -> dict[str, pd.Series]:
    ts = pd.Timestamp(as_of)
    persons = persons.assign(
        source=persons["source"].astype(str), record_key=persons["record_key"].astype(str)
    )
    reg = _feed(con, "gongan_hukou", persons, "person_no")
    reg["is_head"] = (reg["relation"] != "户主").astype(int)
    reg = reg.sort_values(["person_key", "is_head", "hukou_no", "rk"])
    mem = reg.drop_duplicates("person_key")[
        ["person_key", "hukou_no", "rk", "birth_date", "relation", "community_code"]
    ].copy()
    deaths = pd.concat(
        [
            _feed(con, "weijian_death", persons, "cert_no")[
                ["person_key", "death_date", "rk"]
            ].assign(feed="weijian_death"),
            _feed(con, "minzheng_death", persons, "cremation_no")[
                ["person_key", "death_date", "rk"]
            ].assign(feed="minzheng_death"),
        ]
    )
    deaths = deaths[pd.to_datetime(deaths["death_date"]) <= ts]
    deaths = deaths.sort_values(["person_key", "death_date", "feed", "rk"]).drop_duplicates(
        "person_key"
    )
    mem = mem.merge(deaths[["person_key", "death_date"]], on="person_key", how="left")
    mem["alive"] = mem["death_date"].isna()
    mem["age"] = _age(mem["birth_date"], as_of)
    live = mem[mem["alive"]]
    hh = pd.DataFrame({"size": live.groupby("hukou_no").size()})
    hh = hh.reindex(sorted(mem["hukou_no"].unique()), fill_value=0)
    for name, mask in (
        ("n_minor", live["age"] < 18),
        ("n_working", (live["age"] >= 18) & (live["age"] < 60)),
        ("n_elderly", live["age"] >= 60),
    ):
        hh[name] = live[mask].groupby("hukou_no").size().reindex(hh.index, fill_value=0)
    heads = mem[mem["relation"] == "户主"].groupby("hukou_no")["community_code"].max()
    hh["area_code"] = heads.reindex(hh.index).fillna(
        mem.groupby("hukou_no")["community_code"].min().reindex(hh.index)
    )
    hukou_of = mem.set_index("person_key")["hukou_no"]
    alive_of = mem.set_index("person_key")["alive"]
    age_of = mem.set_index("person_key")["age"]

    # income
    window = income_window(policy)
    m0, m1 = _month(as_of, window), _month(as_of, 1)
    contrib = _feed(con, "renshe_contribution", persons, "serial")
    tax = _feed(con, "shuiwu_income_tax", persons, "detail_no")
    fund = _feed(con, "gongjijin_contribution", persons, "serial")
    wage_rows = pd.concat(
        [
            contrib[contrib["wage_base"].notna()][["person_key", "month", "wage_base"]]
            .rename(columns={"wage_base": "amount"})
            .assign(feed="c"),
            tax[(tax["item"] == "工资薪金所得") & tax["income"].notna()][
                ["person_key", "period", "income"]
            ]
            .rename(columns={"period": "month", "income": "amount"})
            .assign(feed="t"),
            fund[fund["base"].notna()][["person_key", "month", "base"]]
            .rename(columns={"base": "amount"})
            .assign(feed="f"),
        ]
    )
    wage_window = max(
        [window, 12]
        + [int(i.params["window_months"]) for i in policy.indicators if i.kind == "income_stopped"]
    )
    wage_rows = wage_rows[
        (wage_rows["month"] >= _month(as_of, wage_window)) & (wage_rows["month"] <= m1)
    ]
    wage_months = (
        wage_rows.groupby(["person_key", "month", "feed"])["amount"]
        .sum()
        .groupby(["person_key", "month"])
        .max()
        .rename("wage")
        .reset_index()
    )
    in_window = wage_months[(wage_months["month"] >= m0) & (wage_months["month"] <= m1)]
    wage_sum = in_window.groupby("person_key")["wage"].sum()
    other_tax = tax[
        (tax["item"] != "工资薪金所得")
        & (tax["period"] >= m0)
        & (tax["period"] <= m1)
        & tax["income"].notna()
    ]
    pension = _feed(con, "renshe_pension", persons, "pension_no")
    pension = pension[
        (pension["status"] == "正常发放")
        & (pension["start_month"] <= m1)
        & pension["monthly_amount"].notna()
    ]
    unemp = _feed(con, "renshe_unemployment", persons, "reg_no")
    ud = pd.to_datetime(unemp["reg_date"])
    benefit = unemp[
        unemp["benefit"].notna()
        & (unemp["benefit"] > 0)
        & (ud <= ts)
        & (ud > ts - dt.timedelta(days=730))
    ]
    other = (
        pd.concat(
            [
                other_tax.groupby("person_key")["income"].sum(),
                (pension.groupby("person_key")["monthly_amount"].sum() * window),
                (benefit.groupby("person_key")["benefit"].sum() * window),
            ],
            axis=1,
        )
        .fillna(0)
        .sum(axis=1)
    )
    person_income = pd.concat([wage_sum, other], axis=1).fillna(0).sum(axis=1)
    person_income = person_income[person_income.index.isin(live["person_key"])]
    hh["income"] = (
        person_income.groupby(hukou_of.reindex(person_income.index))
        .sum()
        .reindex(hh.index, fill_value=0)
    )
    recorded = set(wage_sum.index) | set(other.index)
    unrec = live[(live["age"] >= 18) & (live["age"] < 60) & ~live["person_key"].isin(recorded)]
    hh["n_working_no_income"] = unrec.groupby("hukou_no").size().reindex(hh.index, fill_value=0)
    avg_wage = np.floor(
        in_window.groupby("person_key")["wage"].sum() / in_window.groupby("person_key").size()
    )
    best_pension = pension.groupby("person_key")["monthly_amount"].max()
    alive_keys = live["person_key"]
    hh["best_wage"] = (
        avg_wage[avg_wage.index.isin(alive_keys)]
        .groupby(hukou_of)
        .max()
        .reindex(hh.index)
        .fillna(0)
    )
    hh["best_pension"] = (
        best_pension[best_pension.index.isin(alive_keys)]
        .groupby(hukou_of)
        .max()
        .reindex(hh.index)
        .fillna(0)
    )
    inpat = _feed(con, "yibao_inpatient", persons, "setl_id")
    outpat = _feed(con, "yibao_outpatient", persons, "setl_id")

    def in_days(dates: Any, days: Any) -> Any:
        d = pd.to_datetime(dates)
        return (d <= ts) & (d > ts - dt.timedelta(days=int(days)))

    lookup = _area_codes(hh["area_code"].dropna().unique())
    lines = line_table(policy, lookup, as_of).set_index("area_code")
    hh_area = hh["area_code"].fillna("")

    def per_household(frame: pd.DataFrame, living: bool = True) -> pd.DataFrame:
        keys = frame["person_key"]
        if living:
            frame = frame[keys.map(alive_of).astype("boolean").fillna(False).astype(bool)]
        return frame.assign(hukou_no=frame["person_key"].map(hukou_of)).dropna(subset=["hukou_no"])

    out: dict[str, pd.Series] = {}
    d = pd.Timestamp(as_of)
    items: list[Indicator | Trigger] = [*policy.indicators, *policy.triggers]
    for ind in items:
        p, k = ind.params, ind.kind
        s: Any
        if k == "members_aged":
            g = live[live["age"] >= p["min_age"]].groupby("hukou_no").size()
            s = g[g >= p["min_count"]]
        elif k == "elderly_alone":
            one = live[live["hukou_no"].map(hh["size"]) == 1]
            s = hh["size"][one[one["age"] >= p["min_age"]]["hukou_no"]]
        elif k == "elderly_only":
            ok = live.assign(old=live["age"] >= p["min_age"]).groupby("hukou_no")["old"].all()
            s = hh["size"][ok[ok].index]
            s = s[s >= 2]
        elif k == "dependency_ratio":
            pct = round(float(p["min_ratio"]) * 100)
            m = (hh["n_working"] > 0) & (
                (hh["n_minor"] + hh["n_elderly"]) * 100 >= pct * hh["n_working"]
            )
            s = hh["n_working"][m]
        elif k == "minors_without_carer":
            s = hh["n_minor"][(hh["n_minor"] > 0) & (hh["n_working"] == 0)]
        elif k == "quiet_hardship":
            s = _quiet_hardship(
                p,
                con,
                persons,
                per_household,
                live,
                hh,
                hh_area,
                lines[f"line_{ind.id}"],
                ts,
                wage_months,
                pension,
                age_of,
                alive_of,
                hukou_of,
                as_of,
                window,
            )
        elif k == "income_unrecorded":
            bp = round(float(p["min_share"]) * 10000)
            n, w = hh["n_working_no_income"], hh["n_working"]
            s = n[(w > 0) & (n > 0) & (n * 10000 >= bp * w)]
        elif k in line_kinds():
            line = hh_area.map(lines[f"line_{ind.id}"])
            bp = round(float(p.get("max_unknown_share", 1.0)) * 10000)
            ok = (hh["size"] > 0) & (hh["n_working_no_income"] * 10000 <= bp * hh["n_working"])
            if k == "income_below_line":
                m = ok & (hh["income"] < line * hh["size"] * window)
                s = np.floor(hh["income"][m] / (hh["size"][m] * window))
            else:
                m = ok & (hh["best_wage"] < line) & (hh["best_pension"] < line)
                s = np.maximum(hh["best_wage"], hh["best_pension"])[m]
        elif k == "income_stopped":
            w0 = _month(as_of, int(p["window_months"]))
            wm = (
                wage_months[wage_months["month"] >= w0]
                .groupby("person_key")
                .agg(last_month=("month", "max"), months=("month", "size"), last=("wage", "max"))
            )
            pens = set(pension["person_key"])
            a = wm.index.map(cast(Any, age_of))
            m = (
                (wm.index.map(cast(Any, alive_of)) == True)  # noqa: E712 (element-wise)
                & (a >= 18)
                & (a < 60)
                & (wm["months"] >= p["min_prior_months"])
                & (wm["last_month"] < _month(as_of, int(p["gap_months"])))
                & ~wm.index.isin(pens)
            )
            sel = wm[m]
            s = sel["last"].groupby(sel.index.map(hukou_of)).max()
        else:
            s = _event_kind(
                k,
                p,
                con,
                persons,
                per_household,
                mem,
                live,
                hh,
                ts,
                d,
                in_days,
                inpat,
                outpat,
                wage_months,
                window,
            )
        s = pd.Series(s).astype("int64")
        s.index = s.index.astype(str)
        out[ind.id] = s.sort_index()
    return out


def _quiet_hardship(
    p: dict[str, Any],
    con: duckdb.DuckDBPyConnection,
    persons: pd.DataFrame,
    per_household: Callable[..., pd.DataFrame],
    live: pd.DataFrame,
    hh: pd.DataFrame,
    hh_area: pd.Series,
    line_of_area: pd.Series,
    ts: pd.Timestamp,
    wage_months: pd.DataFrame,
    pension: pd.DataFrame,
    age_of: pd.Series,
    alive_of: pd.Series,
    hukou_of: pd.Series,
    as_of: dt.date,
    window: int,
) -> Any:
    """The number of weak signals per household, where at least ``min_signals`` hold."""
    line = hh_area.map(line_of_area)
    signals = pd.DataFrame(index=hh.index)
    signals["near_line"] = (hh["size"] > 0) & (hh["income"] < line * hh["size"] * window)
    c = _feed(con, "yibao_chronic", persons, "reg_no")
    c = c[
        c["category"].isin(p["chronic_categories"])
        & (pd.to_datetime(c["approve_date"]) <= ts)
        & (c["valid_until"].isna() | (pd.to_datetime(c["valid_until"]) >= ts))
    ]
    x = _feed(con, "jiaoyu_students", persons, "student_no")
    x = x[
        x["stage"].isin(p["school_stages"])
        & (x["enrol_date"].isna() | (pd.to_datetime(x["enrol_date"]) <= ts))
    ]
    for name, rows in (("chronic", c), ("school", x)):
        signals[name] = signals.index.isin(per_household(rows)["hukou_no"])
    w = wage_months[wage_months["month"] >= _month(as_of, 12)]
    last = w.groupby("person_key")["month"].max()
    a = last.index.map(cast(Any, age_of))
    lapsed = last[
        (last.index.map(cast(Any, alive_of)) == True)  # noqa: E712 (element-wise)
        & (a >= 18)
        & (a < 60)
        & (last < _month(as_of, int(p["gap_months"])))
        & ~last.index.isin(set(pension["person_key"]))
    ]
    signals["lapsed"] = signals.index.isin(set(hukou_of.reindex(lapsed.index)))
    signals["single_adult"] = (hh["size"] > 0) & (hh["n_working"] + hh["n_elderly"] == 1)
    n = signals.sum(axis=1)
    return n[n >= int(p["min_signals"])]


def _count_persons(frame: pd.DataFrame, min_count: int = 1, by: str = "person_key") -> Any:
    g = frame.groupby("hukou_no")[by].nunique()
    return g[g >= min_count]


def _event_kind(
    k: str,
    p: dict[str, Any],
    con: duckdb.DuckDBPyConnection,
    persons: pd.DataFrame,
    per_household: Callable[..., pd.DataFrame],
    mem: pd.DataFrame,
    live: pd.DataFrame,
    hh: pd.DataFrame,
    ts: pd.Timestamp,
    d: pd.Timestamp,
    in_days: Callable[[Any, Any], Any],
    inpat: pd.DataFrame,
    outpat: pd.DataFrame,
    wage_months: pd.DataFrame,
    window: int,
) -> Any:
    def f(feed: str, key: str) -> pd.DataFrame:
        return _feed(con, feed, persons, key)

    if k == "business_closed":
        b = f("shichang_business", "uscc")
        b = b[b["status"].isin(["注销", "吊销"]) & (pd.to_datetime(b["established"]) <= ts)]
        return _count_persons(per_household(b))
    if k == "assets_property":
        b = f("budongchan_property", "unit_no")
        b = b[
            (b["usage"] == "住宅") & (b["reg_date"].isna() | (pd.to_datetime(b["reg_date"]) <= ts))
        ]
        return _count_persons(per_household(b), p["min_units"], by="rk")
    if k == "assets_vehicle":
        v = f("gongan_vehicle", "record_no")
        v = v[
            (v["status"].fillna("") != "注销")
            & (v["price"] >= p["min_price_fen"])
            & (v["register_date"].isna() | (pd.to_datetime(v["register_date"]) <= ts))
        ]
        return _count_persons(per_household(v), by="rk")
    if k == "assets_business":
        b = f("shichang_business", "uscc")
        b = b[
            (b["status"] == "存续")
            & b["entity_type"].isin(p["entity_types"])
            & (pd.to_datetime(b["established"]) <= ts)
        ]
        return _count_persons(per_household(b), by="rk")
    if k == "fangfanpin_monitored":
        x = f("nongye_fangfanpin", "member_no")
        x = x[
            (pd.to_datetime(x["identified_date"]) <= ts)
            & ~x["risk_cleared"].fillna(False).astype(bool)
        ]
        return _count_persons(per_household(x))
    if k in ("serious_illness", "chronic_disease"):
        c = f("yibao_chronic", "reg_no")
        c = c[
            c["category"].isin(p["categories"])
            & (pd.to_datetime(c["approve_date"]) <= ts)
            & (c["valid_until"].isna() | (pd.to_datetime(c["valid_until"]) >= ts))
        ]
        parts = [c[["person_key"]]]
        if k == "serious_illness":
            dx = f("weijian_diagnosis", "report_no")
            parts.append(
                dx[in_days(dx["diagnosis_date"], p["diagnosis_within_days"])][["person_key"]]
            )
        return _count_persons(per_household(pd.concat(parts)))
    if k == "inpatient_stays":
        x = inpat[in_days(inpat["settle_date"], p["window_days"])]
        return _count_persons(per_household(x), p["min_stays"], by="rk")
    if k == "medical_spending_share":
        days = int(p["window_days"])
        a = inpat[in_days(inpat["settle_date"], days) & (inpat["self_pay"] > 0)]
        b = outpat[in_days(outpat["visit_date"], days) & (outpat["self_pay"] > 0)]
        spend = per_household(
            pd.concat([a[["person_key", "self_pay"]], b[["person_key", "self_pay"]]])
        )
        s = spend.groupby("hukou_no")["self_pay"].sum()
        bp = round(float(p["min_share"]) * 10000)
        inc = hh["income"].reindex(s.index)
        return s[(s >= p["min_spend_fen"]) & (s * window * 365 * 10000 >= bp * inc * days * 12)]
    if k in ("disability", "disabled_elderly_carers", "severe_disability_without_carer"):
        x = f("canlian_disability", "cert_no")
        x = x[
            (x["disability_grade"] <= p["max_grade"])
            & (x["issue_date"].isna() | (pd.to_datetime(x["issue_date"]) <= ts))
        ]
        x = per_household(x)
        if k == "disability":
            return _count_persons(x, p["min_members"])
        c = p["carer_min_age"]
        pairs = (
            x[["person_key", "hukou_no"]]
            .drop_duplicates()
            .merge(live[["person_key", "hukou_no", "age"]], on="hukou_no", suffixes=("", "_o"))
        )
        pairs = pairs[pairs["person_key"] != pairs["person_key_o"]]
        young = ((pairs["age"] >= 18) & (pairs["age"] < c)).groupby(pairs["person_key"]).sum()
        old = (pairs["age"] >= c).groupby(pairs["person_key"]).sum()
        disabled = x[["person_key", "hukou_no"]].drop_duplicates()
        y = disabled["person_key"].map(young).fillna(0)
        o = disabled["person_key"].map(old).fillna(0)
        m = (y == 0) & ((o > 0) if k == "disabled_elderly_carers" else True)
        keep = disabled.loc[m, "hukou_no"]
        return pd.Series(1, index=sorted(set(keep)))
    if k == "unemployed_registered":
        u = f("renshe_unemployment", "reg_no")
        u = u[in_days(u["reg_date"], p["within_days"])]
        u = per_household(u)
        a = u["person_key"].map(mem.set_index("person_key")["age"])
        last = wage_months.groupby("person_key")["month"].max()
        lm = u["person_key"].map(last)
        still = lm.isna() | (
            pd.to_datetime(lm.fillna("1900-01") + "-01") <= pd.to_datetime(u["reg_date"])
        )
        return _count_persons(u[(a >= 18) & (a < 60) & still])
    if k == "students":
        x = f("jiaoyu_students", "student_no")
        x = x[
            x["stage"].isin(p["stages"])
            & (x["enrol_date"].isna() | (pd.to_datetime(x["enrol_date"]) <= ts))
        ]
        return _count_persons(per_household(x), p["min_count"])
    if k == "student_aid":
        x = f("jiaoyu_aid", "aid_no")
        return _count_persons(per_household(x[in_days(x["grant_date"], p["window_days"])]))
    if k in ("disaster", "disaster_home_lost"):
        x = f("yingji_disaster", "record_no")
        x = x[
            in_days(x["disaster_date"], p["window_days"])
            & x["house_damage"].isin(p["house_damage"])
        ]
        return _count_persons(per_household(x))
    if k in ("earner_death", "earner_death_with_minors"):
        dead = mem[~mem["alive"]].copy()
        dead = dead[
            pd.to_datetime(dead["death_date"]) > ts - dt.timedelta(days=int(p["window_days"]))
        ]
        a = _age(dead["birth_date"], dead["death_date"])
        earned = dead["person_key"].isin(set(wage_months["person_key"]))
        dead = dead[((a >= 18) & (a < 60)) | earned]
        if k == "earner_death_with_minors":
            dead = dead[dead["hukou_no"].map(hh["n_minor"]) > 0]
        return pd.Series(1, index=sorted(set(dead["hukou_no"])))
    if k == "sudden_hospitalisation":
        x = inpat[
            in_days(inpat["admission_date"], p["window_days"])
            & (inpat["self_pay"] >= p["min_self_pay_fen"])
        ]
        return _count_persons(per_household(x))
    if k == "hardship_worker":
        x = f("zonggonghui_hardship", "file_no")
        x = x[(pd.to_datetime(x["file_date"]) <= ts) & x["hardship_type"].isin(p["hardship_types"])]
        return _count_persons(per_household(x))
    raise ValueError(f"no reference for kind {k!r}")  # pragma: no cover


def compare_with_sql(
    lake: Lake, catalogue: Catalogue, persons: pd.DataFrame, *, policy: Policy, as_of: dt.date
) -> dict[str, dict[str, Any]]:
    """indicator id → {"only_sql", "only_pandas", "value_differs"} (households), for the
    indicators where the two implementations disagree; ``{}`` when they agree."""
    from .backend import make_monitor_backend
    from .indicators import compute_indicators

    backend = make_monitor_backend("duckdb", lake, catalogue)
    try:
        tables = compute_indicators(backend, persons, policy=policy, as_of=as_of)
    finally:
        backend.close()
    ref = reference_indicators(lake, catalogue, persons, policy=policy, as_of=as_of)
    sql = {
        **{i: g.set_index("hukou_no")["value"] for i, g in tables.fired.groupby("indicator")},
        **{
            t: pd.Series(1, index=sorted(set(g["hukou_no"])))
            for t, g in tables.triggers.groupby("trigger")
        },
    }
    out = {}
    items: list[Indicator | Trigger] = [*policy.indicators, *policy.triggers]
    for ind in items:
        a = sql.get(ind.id, pd.Series(dtype="int64"))
        b = ref.get(ind.id, pd.Series(dtype="int64"))
        only_sql = sorted(set(a.index) - set(b.index))
        only_pd = sorted(set(b.index) - set(a.index))
        common = sorted(set(a.index) & set(b.index))
        is_indicator = ind in policy.indicators  # triggers: which households only
        differs = [h for h in common if int(a[h]) != int(b[h])] if is_indicator else []
        if only_sql or only_pd or differs:
            out[ind.id] = {
                "only_sql": only_sql[:10],
                "only_pandas": only_pd[:10],
                "value_differs": differs[:10],
                "counts": (len(only_sql), len(only_pd), len(differs)),
            }
    return out
