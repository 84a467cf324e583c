"""What each department sees of the hidden world: one table per delivered file, in canonical
field names (the writer gives them the department's own headers and formats).

Every table has ``_pid`` (the true person behind the row). Money is integer fen. Dates are
``datetime64[D]``. Coverage of this world: the provident-fund feed is not delivered at all; the
outpatient feed covers the last 12 months only; every other feed is delivered, some late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import economy as E
from . import params as P

T = P.MONTHS
NOT_DELIVERED = ("gongjijin_contribution",)
OUTPATIENT_MONTHS = 12


@dataclass
class Table:
    feed: str
    stem: str
    fmt: str  # csv / xlsx / jsonl / parquet
    df: pd.DataFrame
    encoding: str = "utf-8"
    sheet_by: str | None = None  # xlsx: one sheet per value of this column (e.g. a year)
    optional_drop: tuple = ()  # optional fields this department's template leaves out
    style: dict = field(default_factory=dict)


class Ctx:
    def __init__(self, rng, pop, base, out, reg, as_of: dt.date):
        self.rng = rng
        self.pop, self.base, self.out, self.reg = pop, base, out, reg
        self.pp, self.hh, self.m = base.pp, base.hh, out.mats
        self.as_of = as_of
        self.as_of64 = np.datetime64(as_of, "D")
        self.month0 = np.array([np.datetime64(d, "D") for d in base.months])
        nxt = [dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1) for d in base.months]
        self.month_days = np.array([(n - d).days for n, d in zip(nxt, base.months, strict=True)])
        self.months = base.months
        self._counter = 0

    def day(self, t, lag_max: int = 0) -> np.ndarray:
        """A random day in month ``t`` (array), never after the as-of date."""
        t = np.asarray(t)
        d = self.month0[t] + (self.rng.random(t.shape) * self.month_days[t]).astype(int)
        return np.minimum(d, self.as_of64 - np.timedelta64(lag_max, "D"))

    def serial(self, n: int, width: int = 10) -> np.ndarray:
        start = self._counter + int(self.rng.integers(1000, 90000))
        self._counter = start + n
        return np.arange(start, start + n) % 10**width

    def keys(self, prefix: str, n: int, width: int = 10) -> np.ndarray:
        """``n`` distinct record keys: a prefix and a zero-padded serial."""
        num = pc.utf8_lpad(pc.cast(pa.array(self.serial(n, width)), pa.string()), width, "0")
        return np.asarray(pc.binary_join_element_wise(prefix, num, "").to_pylist(), dtype=object)

    def people(self, pids, *, birth=True, sex=False, phone=False, address=False):
        pids = np.asarray(pids, dtype=np.int64)
        pp = self.pp
        cols = {
            "_pid": pids,
            "id_number": pp["id18"][pids],
            "name": pp["name"][pids],
        }
        if sex:
            cols["sex"] = np.where(pp["sex"][pids] == 1, "男", "女")
        if birth:
            cols["birth_date"] = pp["birth"][pids]
        if phone:
            cols["phone"] = pp["phone"][pids]
        if address:
            h = pp["hh"][pids]
            stale = self.rng.random(len(pids)) < 0.5
            cols["address"] = np.where(stale, self.hh["prev_address"][h], self.hh["address"][h])
        return cols


def _fen(x) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)


# --------------------------------------------------------------------------- employers

_FIRM_A = "长江 楚天 汉江 光谷 黄鹤 江城 东湖 荆楚 九州 华中 鑫源 宏达 众合 天行 恒信 联创 新锐 博远".split()
_FIRM_B = (
    "物业 餐饮 商贸 建筑 物流 电子 科技 医药 保洁 汽车服务 家政 装饰 印务 文化传媒 食品".split()
)
_FIRM_C = "有限公司 有限责任公司 股份有限公司".split()
_PUBLIC = "武昌区教育局 武昌区人民医院 武汉市第七医院 湖北省人民医院 武昌区城管执法局 武汉大学 "
_PUBLIC += "湖北大学 武昌区水务局 中南财经政法大学 武昌区街道办事处"


def employers(rng, n: int) -> tuple[np.ndarray, np.ndarray]:
    names = []
    publics = _PUBLIC.split()
    for i in range(n):
        if i < len(publics):
            names.append(publics[i])
        else:
            names.append(
                "武汉"
                + _FIRM_A[int(rng.integers(0, len(_FIRM_A)))]
                + _FIRM_B[int(rng.integers(0, len(_FIRM_B)))]
                + _FIRM_C[int(rng.integers(0, len(_FIRM_C)))]
            )
    alnum = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
    codes = [
        ("12" if i < len(publics) else "91") + "420106" + "".join(rng.choice(alnum, 10))
        for i in range(n)
    ]
    # make names unique by adding a branch suffix where they repeat
    seen: dict[str, int] = {}
    for i, nm in enumerate(names):
        k = seen.get(nm, 0)
        seen[nm] = k + 1
        if k:
            names[i] = (
                nm.replace("有限", f"第{k + 1}分公司有限", 1) if "有限" in nm else nm + f"{k}"
            )
    return np.array(names, dtype=object), np.array(codes, dtype=object)


# --------------------------------------------------------------------------- register


def gongan_hukou(c: Ctx) -> Table:
    pp, reg, pop = c.pp, c.reg, c.pop
    pids = np.flatnonzero(reg.listed)
    h = pp["hh"][pids]
    com = c.hh["community"][h]
    cols = c.people(pids, birth=True, sex=True, phone=True)
    cols.update(
        person_no=pp["person_no"][pids],
        hukou_no=c.hh["hukou_no"][h],
        relation=reg.relation[pids],
        address=c.hh["address"][h],
        community_code=np.array(pop.com_code, dtype=object)[com],
        community_name=np.array(pop.com_name, dtype=object)[com],
        street_name=np.array([pop.street_name[s] for s in pop.com_street], dtype=object)[com],
    )
    return Table("gongan_hukou", "gongan_hukou", "csv", pd.DataFrame(cols))


# --------------------------------------------------------------------------- 残联


def canlian_disability(c: Ctx) -> Table:
    pp, m, ev = c.pp, c.m, c.base.ev
    N = len(pp["hh"])
    rng = c.rng
    dead = m["t_death"] < T
    revoked = dead & (rng.random(N) < 0.7)
    old = pp["dis_cert"] & ~revoked
    new_t = m["t_dis_all"] + ev["dis_cert_lag"]
    new = (m["t_dis_all"] < T) & (new_t < T) & ~pp["disabled"] & ~revoked
    pids = np.flatnonzero(old | new)
    is_new = new[pids]
    grade = np.where(is_new, ev["dis_grade"][pids], pp["grade"][pids])
    dtype = pp["dis_type"][pids]
    code = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}
    issue_old = np.maximum(
        pp["birth"][pids] + np.timedelta64(365 * 3, "D"),
        c.month0[0] - rng.integers(30, 365 * 15, len(pids)),
    )
    issue_new = c.day(np.minimum(new_t[pids], T - 1))
    cols = c.people(pids, birth=True, phone=True)
    cols.update(
        cert_no=[
            f"{i}{code[t]}{g}" for i, t, g in zip(pp["id18"][pids], dtype, grade, strict=True)
        ],
        disability_type=dtype,
        disability_grade=grade,
        issue_date=np.where(is_new, issue_new, issue_old),
    )
    return Table("canlian_disability", "canlian_disability", "xlsx", pd.DataFrame(cols))


# --------------------------------------------------------------------------- 人社


def _employer_of(c: Ctx):
    """An employer per person (and another after re-employment)."""
    rng = c.rng
    N = len(c.pp["hh"])
    names, codes = employers(rng, 2500)
    w = rng.pareto(1.2, len(names)) + 1
    w /= w.sum()
    first = rng.choice(len(names), N, p=w)
    second = rng.choice(len(names), N, p=w)
    public = first < 10
    return names, codes, first, second, public


def renshe_contribution(c: Ctx, emp):
    """Monthly contributions, one file per year (built a year at a time)."""
    m = c.m
    names, codes, first, second, public = emp
    last = T - 2  # a month's contributions are posted in the next month
    paid = (m["si_base"] > 0) | m["flex"]
    lo = np.array([P.SI_BASE.get(d.year, P.SI_BASE[max(P.SI_BASE)])[0] for d in c.months])
    month_txt = np.array([f"{d.year}{d.month:02d}" for d in c.months])
    years = np.array([d.year for d in c.months])
    for year in sorted(set(years[: last + 1])):
        ts = np.flatnonzero(years[: last + 1] == year)
        p_idx, j = np.nonzero(paid[:, ts])
        order = np.lexsort((p_idx, j))  # month by month, as the system exports
        p_idx, t_idx = p_idx[order], ts[j[order]]
        flex = m["flex"][p_idx, t_idx]
        after = t_idx >= m["t_re"][p_idx]
        e = np.where(after, second[p_idx], first[p_idx])
        base = np.round(np.where(flex, lo[t_idx], m["si_base"][p_idx, t_idx]), 0)
        insurance = np.where(
            flex,
            "灵活就业人员养老保险",
            np.where(public[p_idx] & ~after, "机关事业单位养老保险", "企业职工基本养老保险"),
        )
        cols = c.people(p_idx, birth=False)
        cols.update(
            serial=c.keys("SB", len(p_idx), 12),
            employer=np.where(flex, "", names[e]),
            employer_code=np.where(flex, "", codes[e]),
            insurance=insurance,
            month=month_txt[t_idx],
            wage_base=_fen(base),
            personal_amount=_fen(np.round(base * 0.08, 2)),
            employer_amount=np.where(flex, 0, _fen(np.round(base * P.SI_EMPLOYER, 2))),
        )
        yield Table(
            "renshe_contribution", f"renshe_contribution_{year}", "parquet", pd.DataFrame(cols)
        )


def renshe_pension(c: Ctx) -> Table:
    m, pp = c.m, c.pp
    rng = c.rng
    pen = m["pension"]
    ever = (pen > 0).any(axis=1)
    pids = np.flatnonzero(ever)
    last_t = np.array([np.flatnonzero(pen[p] > 0).max() for p in pids])
    first_t = np.array([np.flatnonzero(pen[p] > 0).min() for p in pids])
    died = m["t_death"][pids] < T
    status = np.where(died, "终止发放", "正常发放")
    # deaths not yet known to 人社 (still being paid on the snapshot)
    unknown = died & (m["t_death"][pids] >= T - 2) & (rng.random(len(pids)) < 0.6)
    status = np.where(unknown, "正常发放", status)
    status = np.where(~died & (rng.random(len(pids)) < 0.01), "暂停发放", status)
    emp = pp["emp_pension"][pids] | pp["sick_pension"][pids] | (m["t_ret"][pids] < T)
    scheme = np.where(emp, "职工", "城乡居民")
    # the start month: before the window for most, else the month it began
    age_start = np.where(pp["sex"][pids] == 1, 60, 55)
    start = pp["birth"][pids].astype("datetime64[M]") + (age_start * 12).astype("timedelta64[M]")
    in_window = first_t > 0
    start = np.where(in_window, c.month0[first_t].astype("datetime64[M]"), start)
    cols = c.people(pids, birth=True, sex=True)
    cols.update(
        pension_no=np.array([f"YL{x:010d}" for x in c.serial(len(pids))], dtype=object),
        scheme=scheme,
        start_month=[str(s) for s in start],
        monthly_amount=_fen(np.round(pen[pids, last_t], 2)),
        status=status,
    )
    return Table("renshe_pension", "renshe_pension", "csv", pd.DataFrame(cols), encoding="gbk")


def renshe_unemployment(c: Ctx, emp) -> Table:
    m, pp, ev = c.m, c.pp, c.base.ev
    rng = c.rng
    names, _, first, _, _ = emp
    N = len(pp["hh"])
    t_ue = m["t_ue"]
    # registrations in the window: current until re-employed (a quarter are never cancelled)
    reg = (t_ue < T) & (m["t_death"] > T)
    current = reg & ((m["t_re"] >= T) | (rng.random(N) < 0.25))
    # people unemployed when the window opened who registered before it
    old = (pp["lab0"] == E.UNEMP) & (rng.random(N) < 0.3) & (m["t_death"] > T)
    old &= ev["unemp_find"] >= T
    pids = np.flatnonzero(current | old)
    in_win = current[pids]
    reg_date = np.where(
        in_win,
        c.day(np.minimum(t_ue[pids], T - 1)),
        c.month0[0] - rng.integers(10, 900, len(pids)),
    )
    receiving = m["ub"][pids, -1] > 0
    reason = np.where(
        pp["lab0"][pids] == E.SELF,
        "其他",
        rng.choice(
            np.array(["解除劳动合同", "劳动合同期满", "单位破产关闭", "个人辞职"]), len(pids)
        ),
    )
    age = pp["age"][pids]
    cols = c.people(pids, birth=True, sex=True, phone=True, address=True)
    cols.update(
        reg_no=np.array([f"4201062{x:09d}" for x in c.serial(len(pids), 9)], dtype=object),
        reg_date=reg_date,
        last_employer=np.where(pp["lab0"][pids] == E.FORMAL, names[first[pids]], ""),
        reason=np.where(in_win, reason, "其他"),
        hard_to_employ=(age >= 45) | pp["disabled"][pids],
        benefit=np.where(receiving, _fen(P.UNEMPLOYMENT_BENEFIT), 0),
    )
    df = pd.DataFrame(cols)
    df["benefit"] = df["benefit"].astype("Int64").where(receiving, pd.NA)
    return Table("renshe_unemployment", "renshe_unemployment", "csv", df, encoding="gbk")


# --------------------------------------------------------------------------- 税务


def shuiwu_income_tax(c: Ctx, emp):
    m, pp, hh = c.m, c.pp, c.hh
    rng = c.rng
    names, codes, first, second, _ = emp
    last = T - 2
    N = len(pp["hh"])
    parts = []
    # wages withheld by employers
    decl = m["is_formal"] & pp["tax_declared"][:, None]
    p_idx, t_idx = np.nonzero(decl[:, : last + 1])
    after = t_idx >= m["t_re"][p_idx]
    e = np.where(after, second[p_idx], first[p_idx])
    parts.append(
        pd.DataFrame(
            {
                "_pid": p_idx,
                "_t": t_idx,
                "item": "工资薪金所得",
                "income": _fen(np.round(m["gross"][p_idx, t_idx], 2)),
                "tax": _fen(np.round(np.maximum(m["tax"][p_idx, t_idx], 0), 2)),
                "withholder": names[e],
                "withholder_code": codes[e],
            }
        )
    )
    # platform gig work declared as 劳务报酬 in some months
    gig = pp["platform"][:, None] & (m["gross"] > 0) & ~m["is_formal"]
    gig &= rng.random((N, T)) < 0.55
    p_idx, t_idx = np.nonzero(gig[:, : last + 1])
    inc = np.round(m["gross"][p_idx, t_idx] * rng.uniform(0.3, 1.0, len(p_idx)), 2)
    tax = np.where(inc > 800, np.round((inc - 800) * 0.2, 2), 0.0)
    parts.append(
        pd.DataFrame(
            {
                "_pid": p_idx,
                "_t": t_idx,
                "item": "劳务报酬所得",
                "income": _fen(inc),
                "tax": _fen(tax),
                "withholder": rng.choice(
                    np.array(
                        ["武汉同城配送有限公司", "湖北快送网络科技有限公司", "江城到家服务有限公司"]
                    ),
                    len(p_idx),
                ),
                "withholder_code": "",
            }
        )
    )
    # quarterly business income of registered businesses that keep accounts
    biz = pp["biz_registered"] & (rng.random(N) < 0.35)
    q_end = [t for t in range(last + 1) if c.months[t].month in (3, 6, 9, 12)]
    rows = []
    for t in q_end:
        q = m["gross"][:, max(0, t - 2) : t + 1].sum(axis=1)
        sel = np.flatnonzero(biz & (q > 0) & (pp["lab0"] == E.SELF))
        rows.append(
            pd.DataFrame(
                {
                    "_pid": sel,
                    "_t": t,
                    "item": "经营所得",
                    "income": _fen(np.round(q[sel] * 1.6, 2)),  # revenue-like income
                    "tax": _fen(np.round(q[sel] * 0.02, 2)),
                    "withholder": "",
                    "withholder_code": "",
                }
            )
        )
    parts.extend(rows)
    # rent declared by a few landlords
    landlords = np.flatnonzero((hh["rent"] > 0) & (rng.random(len(hh["rent"])) < 0.15))
    owner = hh["first"][landlords]
    for t in range(0, last + 1, 3):
        parts.append(
            pd.DataFrame(
                {
                    "_pid": owner,
                    "_t": t,
                    "item": "财产租赁所得",
                    "income": _fen(hh["rent"][landlords] * 3),
                    "tax": _fen(np.round(hh["rent"][landlords] * 3 * 0.05, 2)),
                    "withholder": "",
                    "withholder_code": "",
                }
            )
        )
    df = pd.concat(parts, ignore_index=True)
    del parts
    df = df[c.m["alive"][df["_pid"].to_numpy(), df["_t"].to_numpy()]]
    df = df.sort_values(["_t", "_pid"], kind="stable").reset_index(drop=True)
    period = np.array([f"{d.year}-{d.month:02d}" for d in c.months])
    years = np.array([d.year for d in c.months])[df["_t"].to_numpy()]
    for year in sorted(set(years)):
        part = df[years == year].reset_index(drop=True)
        for k, v in c.people(part["_pid"].to_numpy(), birth=False).items():
            part[k] = v
        part["detail_no"] = c.keys("1", len(part), 17)
        part["period"] = period[part["_t"].to_numpy()]
        yield Table(
            "shuiwu_income_tax", f"shuiwu_income_tax_{year}", "csv", part.drop(columns="_t")
        )


# --------------------------------------------------------------------------- 医保

_HOSPITALS = (
    "武汉大学人民医院 武汉大学中南医院 湖北省中医院 武汉市第三医院 武汉市第七医院 武昌医院 "
    "武汉市中医医院 湖北省妇幼保健院 武昌区积玉桥街社区卫生服务中心 武昌区南湖街社区卫生服务中心 "
    "武昌区白沙洲街社区卫生服务中心 武昌区中南路街社区卫生服务中心 华中科技大学同济医学院附属同济医院"
).split()


def yibao_enrolment(c: Ctx, emp) -> Table:
    m, pp = c.m, c.pp
    names, _, first, second, _ = emp
    rng = c.rng
    alive_end = m["alive"][:, -1]
    recent_dead = (m["t_death"] < T) & (m["t_death"] >= T - 1)
    pids = np.flatnonzero(pp["insured_med"] & (alive_end | recent_dead))
    employee = (m["is_formal"][:, -1] & pp["employer_insures"]) | (m["pension"][:, -1] > 900)
    lost_job = (m["t_lose"] < T) & ~m["is_formal"][:, -1] & pp["employee_med"]
    status = np.where(recent_dead[pids], "终止参保", "正常参保")
    status = np.where(lost_job[pids] & (rng.random(len(pids)) < 0.5), "暂停参保", status)
    insutype = np.where(
        employee[pids] | (lost_job[pids] & (status == "暂停参保")),
        "职工基本医疗保险",
        "城乡居民基本医疗保险",
    )
    # subsidised enrolment is decided once a year from the programmes then
    kind_jan = _programme_at(c, _last_january(c))
    sub = {
        "特困": "特困人员全额资助",
        "低保": "低保对象定额资助",
        "低保边缘": "低保边缘定额资助",
    }
    k = kind_jan[pp["hh"][pids]]
    subsidy = np.array([sub.get(x, "无") for x in k], dtype=object)
    subsidy = np.where(insutype == "职工基本医疗保险", "无", subsidy)
    enrol = np.maximum(
        pp["birth"][pids] + np.timedelta64(30, "D"),
        c.month0[0] - rng.integers(100, 365 * 20, len(pids)),
    )
    e = np.where(m["t_re"][pids] < T, second[pids], first[pids])
    cols = c.people(pids, birth=True, sex=True, phone=True)
    cols.update(
        psn_no=c.keys("4201", len(pids), 12),
        insutype=insutype,
        status=status,
        enrol_date=enrol,
        employer=np.where(insutype == "职工基本医疗保险", names[e], ""),
        subsidy=subsidy,
    )
    return Table("yibao_enrolment", "yibao_enrolment", "parquet", pd.DataFrame(cols))


def _last_january(c: Ctx) -> int:
    return max(t for t, d in enumerate(c.months) if d.month == 1)


def _programme_at(c: Ctx, t: int) -> np.ndarray:
    """Each household's programme (低保 / 特困 / 低保边缘 / '') in month t."""
    prog = c.out.prog
    H = len(c.hh["first"])
    kind = np.full(H, "", dtype=object)
    for h, k, start, end, _ in prog.history["spells"]:
        if start <= t < end:
            kind[h] = k
    now = (prog.kind != "") & (prog.start <= t)
    kind[now] = prog.kind[now]
    return kind


def yibao_inpatient(c: Ctx) -> Table:
    pp, m, ev, base = c.pp, c.m, c.base.ev, c.base
    rng = c.rng
    rows = []
    a = base.adm
    ok = m["alive"][a["p"], a["t"]] & pp["insured_med"][a["p"]]
    diag = np.array([E.ROUTINE_DIAG[i][0] for i in a["diag"]], dtype=object)
    code = np.array([E.ROUTINE_DIAG[i][1] for i in a["diag"]], dtype=object)
    rows.append(
        pd.DataFrame(
            {
                "_pid": a["p"][ok],
                "_t": a["t"][ok],
                "total": a["cost"][ok],
                "diagnosis": diag[ok],
                "diagnosis_code": code[ok],
                "days": a["days"][ok],
            }
        )
    )
    ill = np.flatnonzero((ev["illness"] < T) & ev["ill_settled"] & pp["insured_med"])
    for k, frac in ((0, 0.6), (1, 0.25), (2, 0.15)):
        t = ev["illness"][ill] + k
        keep = (t < T) & m["alive"][ill, np.minimum(t, T - 1)]
        d = ev["ill_diag"][ill[keep]]
        rows.append(
            pd.DataFrame(
                {
                    "_pid": ill[keep],
                    "_t": t[keep],
                    "total": ev["ill_cost"][ill[keep]] * frac,
                    "diagnosis": [E.SERIOUS_DISEASES[i][0] for i in d],
                    "diagnosis_code": [E.SERIOUS_DISEASES[i][1] for i in d],
                    "days": rng.integers(5, 25, keep.sum()),
                }
            )
        )
    acc = np.flatnonzero((ev["accident"] < T) & pp["insured_med"])
    acc = acc[m["alive"][acc, ev["accident"][acc]]]
    d = ev["acc_diag"][acc]
    rows.append(
        pd.DataFrame(
            {
                "_pid": acc,
                "_t": ev["accident"][acc],
                "total": ev["acc_cost"][acc],
                "diagnosis": [E.ACCIDENT_DIAG[i][0] for i in d],
                "diagnosis_code": [E.ACCIDENT_DIAG[i][1] for i in d],
                "days": rng.integers(4, 30, len(acc)),
            }
        )
    )
    df = pd.concat(rows, ignore_index=True)
    pid = df["_pid"].to_numpy()
    admit = c.day(df["_t"].to_numpy())
    discharge = admit + df["days"].to_numpy()
    settle = discharge + rng.integers(0, 4, len(df))
    keep = settle <= c.as_of64 - np.timedelta64(10, "D")  # settled and delivered
    share = pp["fund_share"][pid]
    total = np.round(df["total"].to_numpy(), 2)
    fund = np.round(total * share - 600 * (share > 0), 2).clip(0)
    cols = c.people(pid, birth=True, sex=True)
    out = pd.DataFrame(cols)
    out["setl_id"] = c.keys("4201", len(df), 14)
    out["hospital"] = rng.choice(np.array(_HOSPITALS[:8] + _HOSPITALS[-1:]), len(df))
    out["admission_date"] = admit
    out["discharge_date"] = discharge
    out["diagnosis"] = df["diagnosis"].to_numpy()
    out["diagnosis_code"] = df["diagnosis_code"].to_numpy()
    out["total"] = _fen(total)
    out["fund_paid"] = _fen(fund)
    out["self_pay"] = _fen(total) - _fen(fund)
    out["settle_date"] = settle
    out["_sheet"] = [f"{str(s)[:4]}年" for s in settle]
    out = out[keep].sort_values("settle_date", kind="stable").reset_index(drop=True)
    return Table("yibao_inpatient", "yibao_inpatient", "xlsx", out, sheet_by="_sheet")


def yibao_outpatient(c: Ctx) -> Table:
    """Outpatient settlements — this world delivers only the last 12 months."""
    pp, m, ev = c.pp, c.m, c.base.ev
    rng = c.rng
    N = len(pp["hh"])
    t0 = T - OUTPATIENT_MONTHS
    ins = pp["insured_med"]
    parts = []
    chronic_on = (pp["chronic"][:, None] > 0) | (
        ev["ill_chronic"][:, None] & (np.arange(T)[None, :] >= ev["illness"][:, None])
    )
    visits = chronic_on & m["alive"] & ins[:, None] & (rng.random((N, T)) < 0.8)
    p, t = np.nonzero(visits[:, t0:])
    t = t + t0
    lvl = np.where(pp["chronic"] > 0, pp["chronic_level"], 900.0)[p]
    total = lvl * rng.uniform(1.3, 2.5, len(p))
    parts.append(
        pd.DataFrame(
            {
                "_pid": p,
                "_t": t,
                "med_type": np.where(pp["chronic_reg"][p], "门诊慢特病", "普通门诊"),
                "total": total,
                "diagnosis": [
                    E.CHRONIC_DISEASES[max(1, c_)][k % len(E.CHRONIC_DISEASES[max(1, c_)])][0]
                    for c_, k in zip(pp["chronic"][p], pp["chronic_disease"][p], strict=True)
                ],
            }
        )
    )
    # ordinary visits and emergencies
    lam = P.OUTPATIENT_VISITS / 12 * np.where(pp["age"] > 60, 1.8, 1.0)
    k = rng.poisson(lam[:, None] * np.ones(OUTPATIENT_MONTHS)) * (m["alive"][:, t0:] & ins[:, None])
    p, t = np.nonzero(k)
    t = t + t0
    emerg = rng.random(len(p)) < 0.12
    parts.append(
        pd.DataFrame(
            {
                "_pid": p,
                "_t": t,
                "med_type": np.where(emerg, "急诊", "普通门诊"),
                "total": np.exp(rng.normal(np.log(260), 0.8, len(p))) * np.where(emerg, 2.5, 1),
                "diagnosis": rng.choice(
                    np.array(
                        ["上呼吸道感染", "急性胃肠炎", "高血压", "腰痛", "皮炎", "牙周炎", "头晕"]
                    ),
                    len(p),
                ),
            }
        )
    )
    # follow-up after a serious illness
    follow = (
        (np.arange(T)[None, :] > ev["illness"][:, None])
        & (np.arange(T)[None, :] <= (ev["illness"] + ev["ill_follow"])[:, None])
        & m["alive"]
        & ins[:, None]
        & ev["ill_settled"][:, None]
    )
    p, t = np.nonzero(follow[:, t0:])
    t = t + t0
    parts.append(
        pd.DataFrame(
            {
                "_pid": p,
                "_t": t,
                "med_type": "门诊慢特病",
                "total": ev["ill_follow_amt"][p] * rng.uniform(1.2, 2.0, len(p)),
                "diagnosis": [E.SERIOUS_DISEASES[i][0] for i in ev["ill_diag"][p]],
            }
        )
    )
    df = pd.concat(parts, ignore_index=True)
    pid = df["_pid"].to_numpy()
    total = np.round(df["total"].to_numpy(), 2)
    share = pp["fund_share"][pid] * np.where(df["med_type"].to_numpy() == "普通门诊", 0.5, 1.0)
    fund = np.round(total * share, 2)
    visit = c.day(df["_t"].to_numpy(), lag_max=5)
    cols = c.people(pid, birth=True)
    out = pd.DataFrame(cols)
    out["setl_id"] = c.keys("MZ4201", len(df), 14)
    out["visit_date"] = visit
    out["hospital"] = rng.choice(np.array(_HOSPITALS), len(df))
    out["med_type"] = df["med_type"].to_numpy()
    out["diagnosis"] = df["diagnosis"].to_numpy()
    out["total"] = _fen(total)
    out["fund_paid"] = _fen(fund)
    out["self_pay"] = _fen(total) - _fen(fund)
    out = out.sort_values("visit_date", kind="stable").reset_index(drop=True)
    return Table("yibao_outpatient", "yibao_outpatient", "jsonl", out)


def yibao_chronic(c: Ctx) -> Table:
    pp, m, ev = c.pp, c.m, c.base.ev
    rng = c.rng
    N = len(pp["hh"])
    after_ill = ev["ill_chronic"] & (ev["illness"] + 3 < T) & (rng.random(N) < 0.5)
    alive_ = m["alive"][:, -1] | ((m["t_death"] < T) & (rng.random(N) < 0.4))
    pids = np.flatnonzero((pp["chronic_reg"] | after_ill) & alive_)
    sev = np.where(after_ill[pids] & ~pp["chronic_reg"][pids], 3, pp["chronic"][pids])
    cat = np.select([sev == 3, sev == 2], ["重特大疾病", "特殊病"], "慢性病")
    disease = [
        E.CHRONIC_DISEASES[max(1, s)][k % len(E.CHRONIC_DISEASES[max(1, s)])][0]
        for s, k in zip(sev, pp["chronic_disease"][pids], strict=True)
    ]
    disease = np.where(
        after_ill[pids] & ~pp["chronic_reg"][pids],
        [E.SERIOUS_DISEASES[i][0] for i in ev["ill_diag"][pids]],
        disease,
    )
    approve = np.where(
        after_ill[pids],
        c.day(np.minimum(ev["illness"][pids] + 3, T - 1)),
        c.month0[0] - rng.integers(30, 365 * 8, len(pids)),
    )
    valid = approve + np.where(cat == "慢性病", 365 * 2, 365 * 3)
    cols = c.people(pids, birth=True, sex=True)
    cols.update(
        reg_no=np.array([f"MT{x:010d}" for x in c.serial(len(pids))], dtype=object),
        category=cat,
        disease=disease,
        approve_date=approve,
        valid_until=valid,
        hospital=rng.choice(np.array(_HOSPITALS[:7]), len(pids)),
    )
    return Table("yibao_chronic", "yibao_chronic", "csv", pd.DataFrame(cols))


# --------------------------------------------------------------------------- 卫健 / 民政 deaths


def weijian_diagnosis(c: Ctx) -> Table:
    pp, ev = c.pp, c.base.ev
    rng = c.rng
    ill = np.flatnonzero((ev["illness"] < T) & ev["ill_reported"])
    d = ev["ill_diag"][ill]
    day = c.day(ev["illness"][ill], lag_max=20)
    # earlier severe chronic diagnoses reported in the first year of the window
    sev = np.flatnonzero((pp["chronic"] == 3) & (rng.random(len(pp["hh"])) < 0.12))
    sev_day = c.day(rng.integers(0, 12, len(sev)))
    pid = np.r_[ill, sev]
    names_ = [E.SERIOUS_DISEASES[i][0] for i in d] + [
        E.CHRONIC_DISEASES[3][k % 4][0] for k in pp["chronic_disease"][sev]
    ]
    codes_ = [E.SERIOUS_DISEASES[i][1] for i in d] + [
        E.CHRONIC_DISEASES[3][k % 4][1] for k in pp["chronic_disease"][sev]
    ]
    cols = c.people(pid, birth=True, sex=True, phone=True)
    cols.update(
        report_no=np.array([f"ZB{x:010d}" for x in c.serial(len(pid))], dtype=object),
        disease=names_,
        icd_code=codes_,
        diagnosis_date=np.r_[day, sev_day],
        hospital=rng.choice(np.array(_HOSPITALS[:7]), len(pid)),
    )
    return Table("weijian_diagnosis", "weijian_diagnosis", "xlsx", pd.DataFrame(cols))


def _deaths(c: Ctx):
    m = c.m
    pids = np.flatnonzero(m["t_death"] < T)
    if not hasattr(c, "_death_day"):
        c._death_day = c.day(m["t_death"][pids])
    return pids, c._death_day


def weijian_death(c: Ctx) -> Table:
    m = c.m
    rng = c.rng
    pids, day = _deaths(c)
    keep = (day <= c.as_of64 - np.timedelta64(7, "D")) & (rng.random(len(pids)) < 0.96)
    pids, day = pids[keep], day[keep]
    ill = m["ill_death"][pids] == m["t_death"][pids]
    cause = np.where(
        ill,
        [E.SERIOUS_DISEASES[i][0] for i in c.base.ev["ill_diag"][pids]],
        rng.choice(
            np.array(["冠心病", "脑卒中", "慢性阻塞性肺疾病", "肺炎", "恶性肿瘤", "衰老"]),
            len(pids),
        ),
    )
    place = rng.choice(
        np.array(["医疗卫生机构", "家中", "养老服务机构", "来院途中"]),
        len(pids),
        p=[0.62, 0.3, 0.06, 0.02],
    )
    cols = c.people(pids, birth=True, sex=True)
    cols.update(
        cert_no=np.array([f"W420106{x:09d}" for x in c.serial(len(pids), 9)], dtype=object),
        death_date=day,
        death_place=place,
        cause=cause,
        issuer=rng.choice(np.array(_HOSPITALS[:8]), len(pids)),
    )
    return Table("weijian_death", "weijian_death", "csv", pd.DataFrame(cols))


def minzheng_death(c: Ctx) -> Table:
    pp = c.pp
    rng = c.rng
    pids, day = _deaths(c)
    crem = day + rng.integers(2, 6, len(pids))
    keep = (crem <= c.as_of64 - np.timedelta64(3, "D")) & (rng.random(len(pids)) < 0.97)
    pids, day, crem = pids[keep], day[keep], crem[keep]
    h = pp["hh"][pids]
    # a relative's phone: another adult of the household
    rel_phone = np.array(
        [
            pp["phone"][c.hh["first"][x]] if c.hh["first"][x] != p else None
            for x, p in zip(h, pids, strict=True)
        ],
        dtype=object,
    )
    cols = c.people(pids, birth=True, sex=True, address=True)
    cols.update(
        cremation_no=np.array([f"HH{x:010d}" for x in c.serial(len(pids))], dtype=object),
        death_date=day,
        cremation_date=crem,
        funeral_home=rng.choice(
            np.array(["武昌殡仪馆", "汉口殡仪馆", "武汉市石门峰纪念公园"]), len(pids)
        ),
        contact_phone=rel_phone,
    )
    return Table("minzheng_death", "minzheng_death", "csv", pd.DataFrame(cols), encoding="gbk")


# --------------------------------------------------------------------------- 民政: marriage, assistance


def minzheng_marriage(c: Ctx, externals) -> Table:
    pp, m, hev = c.pp, c.m, c.base.hev
    rng = c.rng
    rows = []
    dv = np.flatnonzero(m["t_dv"] < T)
    heads = c.hh["first"][dv]
    spouses = hev["spouse"][dv]
    day = c.day(m["t_dv"][dv], lag_max=7)
    cert = [f"L420106-{2000 + x % 27:04d}-{x:06d}" for x in c.serial(len(dv), 6)]
    for a, b, d, ce in zip(heads, spouses, day, cert, strict=True):
        rows.append((a, b, "离婚", d, ce))
        rows.append((b, a, "离婚", d, ce))
    # marriages of the couple households formed in the window, and of adult children
    young = np.flatnonzero(
        (pp["role"] == 0)
        & (pp["age"] < 31)
        & (pp["age"] > 23)
        & (c.hh["template"][pp["hh"]] == "couple_young")
        & (rng.random(len(pp["hh"])) < 0.5)
    )
    for a in young:
        b = hev["spouse"][pp["hh"][a]]
        if b < 0:
            continue
        t = int(rng.integers(0, T))
        d = c.day(np.array([t]))[0]
        ce = f"J420106-{c.months[t].year}-{int(c.serial(1, 6)[0]):06d}"
        rows.append((a, b, "结婚", d, ce))
        rows.append((b, a, "结婚", d, ce))
    for a, ext in externals:
        t = int(rng.integers(0, T))
        d = c.day(np.array([t]))[0]
        ce = f"J420106-{c.months[t].year}-{int(c.serial(1, 6)[0]):06d}"
        rows.append((a, ext, "结婚", d, ce))
        rows.append((ext, a, "结婚", d, ce))
    a = np.array([r[0] for r in rows], dtype=np.int64)
    b = np.array([r[1] for r in rows], dtype=np.int64)
    cols = c.people(a, birth=True, sex=True)
    cols.update(
        record_no=np.array([f"HY{x:010d}" for x in c.serial(len(rows))], dtype=object),
        cert_no=[r[4] for r in rows],
        reg_type=[r[2] for r in rows],
        reg_date=np.array([r[3] for r in rows], dtype="datetime64[D]"),
        spouse_name=pp["name"][b],
        spouse_id_number=pp["id18"][b],
        office="武昌区婚姻登记处",
    )
    return Table(
        "minzheng_marriage", "minzheng_marriage", "csv", pd.DataFrame(cols), encoding="gbk"
    )


def minzheng_recipients(c: Ctx) -> Table:
    pp, m, prog = c.pp, c.m, c.out.prog
    rng = c.rng
    first = c.hh["first"]
    nxt = np.r_[first[1:], len(pp["hh"])]
    rows = []  # (pid, hh, category, status, start_t, end_t, amount, size)
    horizon = T - 12
    for h, k, start, end, amt in prog.history["spells"]:
        if end >= horizon and k:
            rows.append((h, k, "停保", start, end, amt))
    cur = np.flatnonzero(prog.kind != "")
    for h in cur:
        rows.append((h, prog.kind[h], "在保", prog.start[h], E.NEVER, prog.amount[h]))
    for h, t, amt in prog.history["temp"]:
        if horizon <= t < T:
            rows.append((h, "临时救助", "停保", t, t, amt))
    # one date pair per spell, shared by its members; the 户号 is often left blank
    start = np.array([r[3] for r in rows], dtype=np.int64)
    end = np.array([r[4] for r in rows], dtype=np.int64)
    start_day = np.where(
        start >= 0, c.day(np.clip(start, 0, T - 1)), c.month0[0] + start.clip(-200, 0) * 30
    )
    end_day = np.where(end < T, c.day(np.clip(end, 0, T - 1)), np.datetime64("NaT", "D"))
    blank = rng.random(len(rows)) < 0.15
    out = []
    for i, (h, k, status, s0, _, amt) in enumerate(rows):
        members = [q for q in range(first[h], nxt[h]) if m["member"][q, min(max(s0, 0), T - 1)]]
        if not members:
            continue
        if k in ("特困", "临时救助"):
            members = members[:1]
        for q in members:
            out.append((q, h, k, status, i, amt, len(members)))
    pid = np.array([r[0] for r in out], dtype=np.int64)
    h = np.array([r[1] for r in out], dtype=np.int64)
    spell = np.array([r[4] for r in out], dtype=np.int64)
    cols = c.people(pid, birth=False, phone=True, address=True)
    rel = np.where(pid == first[h], "户主", c.reg.relation[pid])
    hukou = np.where(blank[spell], "", c.hh["hukou_no"][h])
    cols.update(
        recipient_no=np.array([f"MZ{x:010d}" for x in c.serial(len(pid))], dtype=object),
        hukou_no=hukou,
        relation=rel,
        category=[r[2] for r in out],
        status=[r[3] for r in out],
        start_date=start_day[spell],
        end_date=end_day[spell],
        monthly_amount=pd.array(_fen(np.round([r[5] for r in out], 0)), dtype="Int64"),
        household_size=[r[6] for r in out],
    )
    df = pd.DataFrame(cols)
    df.loc[df["category"] == "低保边缘", "monthly_amount"] = pd.NA  # no cash: only the status
    return Table("minzheng_recipients", "minzheng_recipients", "csv", df, encoding="gbk")


# --------------------------------------------------------------------------- assets


def gongan_vehicle(c: Ctx) -> Table:
    pp, hh = c.pp, c.hh
    rng = c.rng
    first = hh["first"]
    nxt = np.r_[first[1:], len(pp["hh"])]
    owners = []
    for h in np.flatnonzero(hh["car"]):
        adults = [q for q in range(first[h], nxt[h]) if 20 <= pp["age"][q] < 80]
        if not adults:
            continue
        men = [q for q in adults if pp["sex"][q] == 1]
        owners.append((men or adults)[0] if rng.random() < 0.75 else adults[0])
    pid = np.array(owners, dtype=np.int64)
    h = pp["hh"][pid]
    price = hh["car_price"][h]
    cheap = price < 50000
    vtype = np.where(cheap & (rng.random(len(pid)) < 0.3), "普通二轮摩托车", "小型轿车")
    vtype = np.where((~cheap) & (rng.random(len(pid)) < 0.25), "小型越野客车", vtype)
    reg_day = c.month0[0] - rng.integers(0, 365 * 12, len(pid))
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    plates = [
        f"鄂A{letters[a]}{b:04d}"
        for a, b in zip(
            rng.integers(0, 24, len(pid)), rng.integers(0, 10000, len(pid)), strict=True
        )
    ]
    cols = c.people(pid, birth=False, phone=True, address=True)
    cols.update(
        record_no=np.array([f"420{x:09d}" for x in c.serial(len(pid), 9)], dtype=object),
        plate_no=plates,
        vehicle_type=vtype,
        brand=rng.choice(
            np.array(["大众", "丰田", "本田", "比亚迪", "东风", "吉利", "别克", "雅迪"]), len(pid)
        ),
        register_date=reg_day,
        price=_fen(price),
        status=rng.choice(np.array(["正常", "正常", "正常", "抵押", "逾期未检验"]), len(pid)),
    )
    return Table("gongan_vehicle", "gongan_vehicle", "csv", pd.DataFrame(cols))


def budongchan_property(c: Ctx) -> Table:
    pp, hh, pop = c.pp, c.hh, c.pop
    rng = c.rng
    first = hh["first"]
    rows = []
    for h in np.flatnonzero(hh["own_home"]):
        rows.append((first[h], h, "住宅", True))
    for h in np.flatnonzero(hh["second_home"]):
        rows.append((first[h], h, "住宅", False))
    self_p = np.flatnonzero(pp["biz_registered"] & (rng.random(len(pp["hh"])) < 0.12))
    for p in self_p:
        rows.append((p, pp["hh"][p], "商业", False))
    pid = np.array([r[0] for r in rows], dtype=np.int64)
    h = np.array([r[1] for r in rows], dtype=np.int64)
    home = np.array([r[3] for r in rows])
    couple = c.base.hev["spouse"][h] >= 0
    area = np.round(np.exp(rng.normal(np.log(78), 0.35, len(pid))), 2)
    reg_day = c.month0[0] - rng.integers(0, 365 * 25, len(pid))
    price = area * rng.uniform(3000, 22000, len(pid))
    loc = np.where(
        home,
        hh["address"][h],
        [pop.com_roads[hh["community"][x]][1] + f"{int(rng.integers(1, 300))}号" for x in h],
    )
    cols = c.people(pid, birth=False)
    cols.update(
        unit_no=np.array(
            [f"420106{x:013d}GB{int(rng.integers(10000, 99999))}F" for x in c.serial(len(pid), 13)],
            dtype=object,
        ),
        cert_no=np.array(
            [
                f"鄂（{2000 + int(rng.integers(8, 26))}）武汉市武昌不动产权第{x:07d}号"
                for x in c.serial(len(pid), 7)
            ],
            dtype=object,
        ),
        location=loc,
        usage=[r[2] for r in rows],
        area=[f"{a:.2f}" for a in area],
        share=np.where(couple & home, "共同共有", "单独所有"),
        reg_date=reg_day,
        price=_fen(np.round(price, -2)),
    )
    return Table("budongchan_property", "budongchan_property", "xlsx", pd.DataFrame(cols))


def shichang(c: Ctx) -> list[Table]:
    pp, m, ev = c.pp, c.m, c.base.ev
    rng = c.rng
    N = len(pp["hh"])
    reg = np.flatnonzero(pp["biz_registered"])
    failed = m["t_lose"][reg] < T
    status = np.where(failed, ev["bus_status"][reg], "存续")
    company = pp["biz_company"][reg]
    etype = np.where(company, "有限责任公司", "个体工商户")
    shop = [
        "便利店",
        "餐馆",
        "理发店",
        "五金店",
        "水果店",
        "服装店",
        "早点",
        "维修部",
        "干洗店",
        "小吃店",
    ]
    ent = [
        (
            f"武汉市武昌区{pp['name'][p][0]}记{shop[k % len(shop)]}"
            if not co
            else f"武汉{pp['name'][p]}商贸有限公司"
        )
        for p, k, co in zip(reg, rng.integers(0, 100, len(reg)), company, strict=True)
    ]
    alnum = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
    uscc = [
        ("92" if not co else "91") + "420106" + "".join(rng.choice(alnum, 10)) for co in company
    ]
    cap = np.where(
        company,
        np.round(np.exp(rng.normal(np.log(300000), 0.8, len(reg))), -3),
        np.round(rng.uniform(10000, 100000, len(reg)), -3),
    )
    cols = c.people(reg, birth=False, phone=True)
    cols.update(
        uscc=uscc,
        entity_name=ent,
        entity_type=etype,
        reg_capital=_fen(cap),
        established=c.month0[0] - rng.integers(100, 365 * 15, len(reg)),
        status=status,
        address=c.hh["address"][pp["hh"][reg]],
        industry=np.where(
            company,
            "批发和零售业",
            rng.choice(
                np.array(["批发和零售业", "住宿和餐饮业", "居民服务、修理和其他服务业"]), len(reg)
            ),
        ),
    )
    business = Table("shichang_business", "shichang_business", "csv", pd.DataFrame(cols))
    # shareholders: company owners, and some well-off residents in other companies
    own = reg[company]
    rich = np.flatnonzero((pp["aff"] > 1.05) & (pp["age"] > 30) & (rng.random(N) < 0.02))
    sh_pid = np.r_[own, rich]
    sh_code = np.r_[
        np.array(uscc, dtype=object)[company],
        ["91420106" + "".join(rng.choice(alnum, 10)) for _ in rich],
    ]
    sh_name = np.r_[
        np.array(ent, dtype=object)[company],
        [f"武汉{rng.choice(_FIRM_A)}科技有限公司" for _ in rich],
    ]
    sub = np.round(np.exp(rng.normal(np.log(150000), 1.0, len(sh_pid))), -3)
    cols = c.people(sh_pid, birth=False)
    cols.update(
        record_no=np.array([f"GD{x:010d}" for x in c.serial(len(sh_pid))], dtype=object),
        uscc=sh_code,
        entity_name=sh_name,
        subscribed=_fen(sub),
        paid_in=_fen(np.round(sub * rng.uniform(0, 1, len(sh_pid)), -2)),
        ratio=[
            f"{x:.2f}"
            for x in np.where(
                np.arange(len(sh_pid)) < len(own), 100.0, rng.uniform(1, 40, len(sh_pid))
            )
        ],
        invest_date=c.month0[0] - rng.integers(100, 365 * 10, len(sh_pid)),
    )
    share = Table("shichang_shareholding", "shichang_shareholding", "xlsx", pd.DataFrame(cols))
    return [business, share]


# --------------------------------------------------------------------------- 教育

_SCHOOLS = {
    "学前": "武昌区{}幼儿园",
    "小学": "武昌区{}小学",
    "初中": "武汉市{}中学",
    "高中": "武汉市{}高级中学",
    "中职": "武汉市{}职业技术学校",
    "本科": "{}大学",
    "高职": "武汉{}职业技术学院",
}
_SCHOOL_WORDS = (
    "水果湖 中华路 粮道街 积玉桥 南湖 首义 大东门 东亭 三角路 杨园 复兴 紫阳 珞珈 楚才".split()
)


def jiaoyu_students(c: Ctx) -> Table:
    pp, m = c.pp, c.m
    sy = c.as_of.year if c.as_of.month >= 9 else c.as_of.year - 1
    snap = dt.date(sy, 9, 20)  # the register of pupils as taken at the start of the year
    stage = E.school_stage(pp, snap)
    k12 = np.isin(stage, ["学前", "小学", "初中", "高中", "中职"])
    t_snap = max(t for t, d in enumerate(c.months) if d <= snap)
    pids = np.flatnonzero(k12 & m["member"][:, t_snap])
    st = stage[pids]
    school = [
        _SCHOOLS[s].format(_SCHOOL_WORDS[(h * 7 + len(s)) % len(_SCHOOL_WORDS)])
        for s, h in zip(st, pp["hh"][pids] % 97, strict=True)
    ]
    age = (np.datetime64(snap, "D") - pp["birth"][pids]).astype(int) / 365.25
    grade_no = (
        np.select(
            [st == "学前", st == "小学", st == "初中"],
            [age - 2, age - 5, age - 11],
            age - 14,
        )
        .astype(int)
        .clip(1, 6)
    )
    grade = [
        f"{['一', '二', '三', '四', '五', '六'][g - 1]}年级"
        if s == "小学"
        else (
            f"{['小', '中', '大'][min(g, 3) - 1]}班"
            if s == "学前"
            else f"{['初', '高', '中职'][['初中', '高中', '中职'].index(s)]}{['一', '二', '三'][min(g, 3) - 1]}"
        )
        for s, g in zip(st, grade_no, strict=True)
    ]
    enrol = np.array(
        [np.datetime64(dt.date(sy - int(g) + 1, 9, 1), "D") for g in grade_no],
        dtype="datetime64[D]",
    )
    first = c.hh["first"][pp["hh"][pids]]
    parent_phone = pp["phone"][first]
    cols = c.people(pids, birth=True, sex=True)
    cols.update(
        student_no=["G" + i for i in pp["id18"][pids]],
        school=school,
        stage=st,
        grade=grade,
        enrol_date=enrol,
        guardian_phone=parent_phone,
    )
    return Table("jiaoyu_students", "jiaoyu_students", "csv", pd.DataFrame(cols))


def jiaoyu_aid(c: Ctx) -> Table:
    pp, m, prog = c.pp, c.m, c.out.prog
    rows = []
    for t, households in prog.history["school_aid"]:
        d = c.months[t]
        stage = E.school_stage(pp, d)
        aided = np.zeros(len(c.hh["first"]), dtype=bool)
        aided[households] = True
        pids = np.flatnonzero(aided[pp["hh"]] & (stage != "") & m["alive"][:, t])
        kind = _programme_at(c, t)[pp["hh"][pids]]
        for sem, tt in ((0, t), (1, t + 6)):
            if tt >= T - 1:
                continue
            for p, s, k in zip(pids, stage[pids], kind, strict=True):
                rows.append((p, tt, s, k, sem))
    aid_of = {
        "学前": ("学前教育资助", 1000),
        "小学": ("家庭经济困难学生生活补助", 500),
        "初中": ("家庭经济困难学生生活补助", 625),
        "高中": ("国家助学金", 1000),
        "中职": ("免学费", 1000),
        "本科": ("国家助学金", 2000),
        "高职": ("国家助学金", 1650),
    }
    pid = np.array([r[0] for r in rows], dtype=np.int64)
    t = np.array([r[1] for r in rows], dtype=np.int64)
    st = [r[2] for r in rows]
    diff = np.array(
        [
            "特别困难" if r[3] in ("低保", "特困") else ("比较困难" if r[3] else "一般困难")
            for r in rows
        ]
    )
    cols = c.people(pid, birth=True)
    cols.update(
        aid_no=np.array([f"ZZ{x:010d}" for x in c.serial(len(pid))], dtype=object),
        school=[
            _SCHOOLS[s].format(_SCHOOL_WORDS[int(p) % len(_SCHOOL_WORDS)])
            for s, p in zip(st, pid, strict=True)
        ],
        stage=st,
        difficulty=diff,
        aid_type=[aid_of[s][0] for s in st],
        amount=_fen(
            [aid_of[s][1] * (1.5 if d == "特别困难" else 1) for s, d in zip(st, diff, strict=True)]
        ),
        grant_date=c.day(t),
        term=[
            f"{c.months[x].year if c.months[x].month >= 9 else c.months[x].year - 1}学年第{r[4] + 1}学期"
            for x, r in zip(t, rows, strict=True)
        ],
    )
    df = pd.DataFrame(cols)
    df = df[df["grant_date"] <= c.as_of64 - np.timedelta64(30, "D")].reset_index(
        drop=True
    )  # quarterly, late
    return Table("jiaoyu_aid", "jiaoyu_aid", "xlsx", df)


# --------------------------------------------------------------------------- 司法, 应急, 工会, 农业


def sifa_prisoners(c: Ctx) -> Table:
    ev = c.base.ev
    rng = c.rng
    pr = np.flatnonzero(ev["prison"] < T)
    co = np.flatnonzero((ev["correction"] < T) & (ev["prison"] >= T))
    pid = np.r_[pr, co]
    kind = np.r_[np.full(len(pr), "监狱服刑"), np.full(len(co), "社区矫正")]
    start_t = np.r_[ev["prison"][pr], ev["correction"][co]]
    start = c.day(start_t)
    years = np.r_[ev["prison_years"][pr], rng.integers(1, 3, len(co))]
    end = start + years * 365
    keep = end > c.as_of64  # the snapshot lists those still serving
    crimes = np.array(["盗窃罪", "诈骗罪", "危险驾驶罪", "故意伤害罪", "寻衅滋事罪", "开设赌场罪"])
    cols = c.people(pid, birth=True, sex=True)
    cols.update(
        record_no=np.array([f"SF{x:010d}" for x in c.serial(len(pid))], dtype=object),
        type=kind,
        start_date=start,
        end_date=end,
        institution=np.where(
            kind == "监狱服刑",
            rng.choice(np.array(["湖北省汉阳监狱", "湖北省武昌监狱", "湖北省沙洋监狱"]), len(pid)),
            "武昌区司法局中南路司法所",
        ),
        crime=rng.choice(crimes, len(pid)),
    )
    return Table(
        "sifa_prisoners", "sifa_prisoners", "csv", pd.DataFrame(cols)[keep].reset_index(drop=True)
    )


def yingji_disaster(c: Ctx) -> Table:
    pp, m, hev = c.pp, c.m, c.base.hev
    rng = c.rng
    first = c.hh["first"]
    nxt = np.r_[first[1:], len(pp["hh"])]
    hs = np.flatnonzero((m["t_dz"] < T) & hev["dis_recorded"])
    rows = []
    for h in hs:
        t = m["t_dz"][h]
        members = [q for q in range(first[h], nxt[h]) if m["member"][q, t]]
        if not members:
            continue
        listed = members if rng.random() < 0.4 else members[:1]
        for q in listed:
            rows.append((q, h, t, len(members)))
    pid = np.array([r[0] for r in rows], dtype=np.int64)
    h = np.array([r[1] for r in rows], dtype=np.int64)
    t = np.array([r[2] for r in rows], dtype=np.int64)
    cols = c.people(pid, birth=False, phone=True)
    cols.update(
        record_no=np.array([f"ZQ{x:010d}" for x in c.serial(len(pid))], dtype=object),
        address=c.hh["address"][h],
        disaster_type=hev["dis_kind"][h],
        disaster_date=c.day(t),
        house_damage=hev["dis_damage"][h],
        loss=_fen(np.round(hev["dis_loss"][h], -2)),
        relief=_fen(hev["dis_relief"][h]),
        household_size=[r[3] for r in rows],
    )
    return Table("yingji_disaster", "yingji_disaster", "xlsx", pd.DataFrame(cols))


def zonggonghui_hardship(c: Ctx, emp) -> Table:
    """Union hardship files, as of the last quarter end (delivered quarterly)."""
    pp, m = c.pp, c.m
    rng = c.rng
    names, _, first, second, _ = emp
    q = max(t for t, d in enumerate(c.months) if d.month in (3, 6, 9, 12) and t < T - 1)
    y_q = m["y"][:, max(0, q - 5) : q + 1].mean(axis=1)
    low = y_q < P.DIBIAN_FACTOR * P.DIBAO
    was_low = m["y"][:, 6 : q - 6].mean(axis=1) < P.DIBAO if q > 12 else low
    H = len(c.hh["first"])
    filed = (low & (rng.random(H) < 0.22)) | (was_low & ~low & (rng.random(H) < 0.3))
    hh_of = pp["hh"]
    worker = m["is_formal"][:, q] | (m["is_formal"][:, : q + 1].any(axis=1) & (m["t_lose"] < T))
    cand = np.flatnonzero(filed[hh_of] & worker & m["member"][:, q])
    _, one = np.unique(hh_of[cand], return_index=True)
    pid = cand[one]
    h = hh_of[pid]
    reason = np.where(
        m["t_lose"][pid] < q,
        "失业",
        rng.choice(np.array(["本人患病", "家属患病", "子女就学", "单亲家庭", "其他"]), len(pid)),
    )
    cols = c.people(pid, birth=False, sex=True, phone=True, address=True)
    cols.update(
        file_no=np.array([f"GH{x:010d}" for x in c.serial(len(pid))], dtype=object),
        employer=names[np.where(m["t_re"][pid] < q, second[pid], first[pid])],
        hardship_type=np.where(y_q[h] < P.DIBAO, "深度困难", "相对困难"),
        reason=reason,
        file_date=c.day(rng.integers(max(0, q - 24), q + 1, len(pid))),
        household_size=np.maximum(m["n_t"][h, q], 1).astype(int),
        monthly_income=_fen(np.round(np.maximum(m["income"][h, q], 0), 0)),
    )
    return Table("zonggonghui_hardship", "zonggonghui_hardship", "csv", pd.DataFrame(cols))


def nongye_fangfanpin(c: Ctx) -> Table:
    """The scenic-area unit keeps a few formerly rural households under 防返贫 monitoring."""
    pp, m, pop = c.pp, c.m, c.pop
    rng = c.rng
    scenic = np.array([s.endswith("490") for s in pop.com_street])[c.hh["community"]]
    y_now = m["y"][:, -6:].mean(axis=1)
    pick = scenic & ((y_now < 2 * P.DIBAO) & (rng.random(len(scenic)) < 0.35))
    hs = np.flatnonzero(pick)
    first = c.hh["first"]
    nxt = np.r_[first[1:], len(pp["hh"])]
    rows = []
    for h in hs:
        for q in range(first[h], nxt[h]):
            if m["member"][q, -1]:
                rows.append((q, h))
    pid = np.array([r[0] for r in rows], dtype=np.int64)
    h = np.array([r[1] for r in rows], dtype=np.int64)
    risk = rng.choice(np.array(["因病", "因残", "因学", "因务工就业不稳", "缺劳动力"]), len(hs))
    risk_of = dict(zip(hs, risk, strict=True))
    mtype = {hh_: ("边缘易致贫户" if y_now[hh_] > P.DIBAO else "突发严重困难户") for hh_ in hs}
    cols = c.people(pid, birth=False)
    cols.update(
        member_no=np.array([f"FP{x:010d}" for x in c.serial(len(pid))], dtype=object),
        household_no=[f"FPH{hh_:08d}" for hh_ in h],
        relation=c.reg.relation[pid],
        monitor_type=[mtype[x] for x in h],
        risk=[risk_of[x] for x in h],
        identified_date=c.day(np.full(len(pid), T - 9)),
        risk_cleared=[bool(y_now[x] > 1.8 * P.DIBAO) for x in h],
        per_capita_income=_fen(np.round(np.maximum(y_now[h], 0) * 12, 0)),
    )
    return Table("nongye_fangfanpin", "nongye_fangfanpin", "xlsx", pd.DataFrame(cols))


def build_all(c: Ctx, externals):
    """The delivered tables, one at a time (a district's tables do not fit in memory at once)."""
    emp = _employer_of(c)
    steps = [
        lambda: [gongan_hukou(c), canlian_disability(c)],
        lambda: renshe_contribution(c, emp),
        lambda: [renshe_pension(c), renshe_unemployment(c, emp)],
        lambda: shuiwu_income_tax(c, emp),
        lambda: [yibao_enrolment(c, emp)],
        lambda: [yibao_inpatient(c)],
        lambda: [yibao_outpatient(c)],
        lambda: [yibao_chronic(c), weijian_diagnosis(c), weijian_death(c), minzheng_death(c)],
        lambda: [minzheng_marriage(c, externals), minzheng_recipients(c)],
        lambda: [gongan_vehicle(c), budongchan_property(c)],
        lambda: shichang(c),
        lambda: [jiaoyu_students(c), jiaoyu_aid(c), sifa_prisoners(c), yingji_disaster(c)],
        lambda: [zonggonghui_hardship(c, emp), nongye_fangfanpin(c)],
    ]
    for step in steps:
        for t in step():
            if t.feed not in NOT_DELIVERED:
                yield t
