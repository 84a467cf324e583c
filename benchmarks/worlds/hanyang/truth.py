"""The truth of the hanyang world at the as-of date: the household register as it stands, and
each household's hardship, causes, shock and quiet flags (from counterfactual re-runs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import economy as E
from . import params as P
from .population import Population, R

T = P.MONTHS
RELATION = {
    (R["head"], 1): "户主",
    (R["head"], 0): "户主",
    (R["spouse"], 1): "配偶",
    (R["spouse"], 0): "配偶",
    (R["child"], 1): "子",
    (R["child"], 0): "女",
    (R["child_spouse"], 1): "女婿",
    (R["child_spouse"], 0): "儿媳",
    (R["grandchild"], 1): "孙子",
    (R["grandchild"], 0): "孙女",
    (R["parent"], 1): "父亲",
    (R["parent"], 0): "母亲",
    (R["sibling"], 1): "兄弟姐妹",
    (R["sibling"], 0): "兄弟姐妹",
    (R["other"], 1): "其他",
    (R["other"], 0): "其他",
}


@dataclass
class Register:
    listed: np.ndarray  # person is in the register snapshot
    relation: np.ndarray  # 与户主关系 after any change of head
    head: np.ndarray  # per household: the register head (person index) or -1
    snapshot: dt.date


def register(rng: np.random.Generator, pop: Population, base, out) -> Register:
    """Who the 公安 register lists on its snapshot date: deaths are cancelled with a lag, a
    divorced spouse usually moves the hukou out, students at university have a collective
    hukou; the head is re-designated when the head died or left."""
    pp, m = base.pp, out.mats
    N, H = pop.N, pop.H
    snapshot = pop.as_of - dt.timedelta(days=3)
    month_start = np.array([np.datetime64(d, "D") for d in base.months])
    born = m["alive"].any(axis=1)
    dead = m["t_death"] < T
    death_day = np.where(
        dead, month_start[np.minimum(m["t_death"], T - 1)] + rng.integers(0, 28, N), month_start[0]
    )
    recent = dead & (np.datetime64(snapshot, "D") - death_day < np.timedelta64(45, "D"))
    stale_dead = recent & (rng.random(N) < 0.6)
    left = m["t_leave"] < T
    kept_hukou = left & (rng.random(N) < 0.25)  # divorced but the hukou never moved
    moved_uni = pp["uni_moved"] & (E.school_stage(pp, pop.as_of) != "")
    moved_uni |= pp["uni_moved"] & (m["t_leave_uni"] < T)
    listed = born & (~dead | stale_dead) & (~left | kept_hukou) & ~moved_uni
    listed &= pp["birth"] <= np.datetime64(snapshot, "D")
    relation = np.array([RELATION[(r, s)] for r, s in zip(pp["role"], pp["sex"], strict=True)])
    head = np.full(H, -1)
    first = base.hh["first"]
    nxt = np.r_[first[1:], N]
    role, age = pp["role"], pp["age"]
    for h in range(H):
        a, b = first[h], nxt[h]
        if listed[a] and role[a] == R["head"] and not (left[a] and not kept_hukou[a]):
            head[h] = a
            continue
        members = [q for q in range(a, b) if listed[q]]
        if not members:
            continue
        spouse = [q for q in members if role[q] == R["spouse"]]
        adults = [q for q in members if age[q] >= 18] or members
        new = spouse[0] if spouse else max(adults, key=lambda q: age[q])
        head[h] = new
        for q in members:
            relation[q] = _relation_to(role[new], role[q], pp["sex"][q], q == new)
    return Register(listed=listed, relation=relation, head=head, snapshot=snapshot)


def _relation_to(new_role: int, role: int, sex: int, is_new: bool) -> str:
    if is_new:
        return "户主"
    if new_role == R["spouse"]:  # the widow(er) or remaining spouse heads
        if role in (R["child"], R["grandchild"], R["child_spouse"]):
            return RELATION[(role, sex)]
        return "其他"
    if new_role == R["child"]:  # a grown child heads
        if role == R["spouse"] or role == R["head"]:
            return "父亲" if sex else "母亲"
        if role == R["child"]:
            return "兄弟姐妹"
        if role == R["child_spouse"]:
            return "配偶"
        if role == R["grandchild"]:
            return "子" if sex else "女"
        return "其他"
    if new_role == R["parent"] and role in (R["spouse"],):
        return "其他"
    return "其他"


def household_type(pp, base, out, reg: Register) -> np.ndarray:
    """single / elderly_only / with_children / with_disabled / other (first match)."""
    H = len(base.hh["first"])
    m = out.mats
    hh = pp["hh"]
    counted = m["member"][:, -1]
    use = np.where(np.bincount(hh, counted, H)[hh] > 0, counted, reg.listed)
    size = np.bincount(hh, use, H)
    young = np.bincount(hh, use & (pp["age"] < 60), H)
    kids = np.bincount(hh, use & (pp["age"] < 18), H)
    disabled = pp["disabled"] | (m["t_dis_all"] < T)
    dis = np.bincount(hh, use & disabled, H)
    return np.select(
        [size == 1, young == 0, kids > 0, dis > 0],
        ["single", "elderly_only", "with_children", "with_disabled"],
        "other",
    )


def assess(pop: Population, base, out, reg: Register) -> dict:
    """Causes, shock and quiet flags for every household, from counterfactual runs."""
    pp, m = base.pp, out.mats
    H = pop.H
    hh = pp["hh"]
    fs = T - P.SHOCK_MONTHS
    recent = T - 12
    ev, hev = base.ev, base.hev

    # the month of each kind of event per household (earliest in the last 24 / 12 months)
    def per_hh(t_person):
        t = np.where((t_person >= fs) & (t_person < T), t_person, E.NEVER)
        out_t = np.full(H, E.NEVER)
        np.minimum.at(out_t, hh, t)
        return out_t

    kinds_t = {
        "illness": per_hh(ev["illness"]),
        "accident": per_hh(ev["accident"]),
        "disability": per_hh(ev["disability"]),
        "job_loss": per_hh(np.where(pp["lab0"] == E.FORMAL, ev["job_loss"], E.NEVER)),
        "business": per_hh(np.where(pp["lab0"] == E.SELF, ev["bus_fail"], E.NEVER)),
        "death": per_hh(m["t_death"]),
        "divorce": np.where((hev["divorce"] >= fs) & (hev["divorce"] < T), hev["divorce"], E.NEVER),
        "disaster": np.where((m["t_dz"] >= fs) & (m["t_dz"] < T), m["t_dz"], E.NEVER),
        "prison": per_hh(ev["prison"]),
    }
    any_recent = np.zeros(H, dtype=bool)
    for t in kinds_t.values():
        any_recent |= (t >= recent) & (t < T)

    idx = np.flatnonzero(out.hardship | any_recent)
    sub = base.subset(idx)
    f_y, f_s, f_hard = out.y[idx], out.savings[idx], out.hardship[idx]
    n = out.n[idx]
    pivotal = {}
    threatened = {}
    for k in E.SHOCKS + ("medical", "school"):
        cf = E.simulate(sub, off=frozenset([k]))
        piv = f_hard & ~cf.hardship
        thr = ((f_y < P.DIBIAN_FACTOR * P.DIBAO) & (cf.y >= P.DIBIAN_FACTOR * P.DIBAO)) | (
            cf.savings - f_s >= 3 * P.DIBAO * np.maximum(n, 1)
        )
        pivotal[k] = np.zeros(H, dtype=bool)
        pivotal[k][idx] = piv
        threatened[k] = np.zeros(H, dtype=bool)
        threatened[k][idx] = thr

    hard = out.hardship
    shock = np.zeros(H, dtype=bool)
    quiet = hard.copy()
    for k in E.SHOCKS:
        in_recent = (kinds_t[k] >= recent) & (kinds_t[k] < T)
        shock |= in_recent & (pivotal[k] | threatened[k])
        quiet &= ~pivotal[k]

    # structural conditions at the as-of month
    age = pp["age"]
    member = m["member"][:, -1]
    unable_now = (m["t_unable"] < T) & member
    wa = member & (age >= 18) & (age < 60) & ~unable_now & (pp["lab0"] != E.STUDENT)
    earning = member & (m["gross"][:, -6:].sum(axis=1) > 0)
    out_of_work = wa & ~earning & ~np.isin(pp["lab0"], [E.HOME])
    n_wa = np.bincount(hh, wa, H)
    n_earn_young = np.bincount(hh, earning & (age < 60), H)
    n_young = np.bincount(hh, member & (age < 60), H)
    n_out = np.bincount(hh, out_of_work, H)
    deps = np.bincount(hh, member & ((age < 18) | (age >= 60) | unable_now), H)
    ill_person = member & (
        (pp["chronic"] >= 2) | (ev["ill_chronic"] & (ev["illness"] < T)) | (ev["illness"] < T)
    )
    n_ill = np.bincount(hh, ill_person, H)
    severe_dis = member & (
        (pp["disabled"] & (pp["grade"] <= 2)) | ((m["t_dis_all"] < T) & (ev["dis_grade"] <= 2))
    )
    n_dis = np.bincount(hh, severe_dis | (unable_now & (pp["disabled"] | (m["t_dis_all"] < T))), H)
    carers = np.bincount(hh, (m["carer_t"] < T) & member, H)
    head_age = np.where(reg.head >= 0, age[np.maximum(reg.head, 0)], np.nan)
    gross = np.maximum(out.gross_income6, 1.0)

    causes = []
    for h in range(H):
        if not hard[h]:
            causes.append("")
            continue
        c = [E.SHOCK_CAUSE[k] for k in E.SHOCKS if pivotal[k][h]]
        if pivotal["medical"][h] or (n_ill[h] and out.med6[h] >= 0.15 * gross[h]):
            c.append("疾病")
        if n_dis[h] or carers[h]:
            c.append("残疾")
        if pivotal["school"][h] or out.school6[h] >= 0.15 * gross[h]:
            c.append("就学")
        if n_out[h]:
            c.append("失业")
        if head_age[h] >= 60 and n_earn_young[h] == 0:
            c.append("年老")
        if n_young[h] and (n_wa[h] == 0 or deps[h] >= 2 * max(n_wa[h], 1) and n_wa[h] <= 1):
            c.append("缺乏劳动力")
        if quiet[h] and n_earn_young[h] > 0 and "失业" not in c:
            c.append("低收入")
        if quiet[h] and not c:
            c.append("低收入")
        seen = []
        for x in c:
            if x not in seen:
                seen.append(x)
        causes.append(";".join(seen) or "其他")
    return {
        "causes": np.array(causes, dtype=object),
        "shock": shock,
        "quiet": quiet,
        "head_age": head_age,
        "pivotal": pivotal,
        "kinds_t": kinds_t,
    }
