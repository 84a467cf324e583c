"""The truth of qingshan at the as-of month: who is in hardship, why, and after what.

Hardship rule (stated in README.md): a household is in hardship when
  A. its savings are exhausted (below one month of basic needs) and its income over the last
     3 months is below 3 months of basic needs, or
  B. its medical spending over the last 12 months (self-paid and unsettled costs) exceeds 40 %
     of its income over those 12 months while its savings are below 3 months of basic needs.
Basic needs = 950 元 per member and month, 1.3× for a member aged 60+ or disabled; members in
prison do not count. Income is everything that came in: wages formal and informal, business
profit, pensions, benefits (低保 included), transfers from relatives, aid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import geography
from . import params as K
from .world import DISABLED, FORMAL, INFORMAL, PRISON, SCHOOL, SICK, UNEMP

SUDDEN = ("illness", "accident", "death_earner", "job_loss", "disaster", "prison", "divorce")


def household_truth(w) -> pd.DataFrame:
    T = w.T
    t = T - 1
    n = w.n
    live = w.live_mask()
    hh = w.hh[:n]
    age = w.ages(t)
    on_register = register_rows(w)
    reg_hh = np.unique(hh[on_register])
    members = np.bincount(hh[live], minlength=w.H)

    N = w.h_need[:, t].astype(np.float64)
    S = w.h_savings[:, t].astype(np.float64)
    inc3 = w.h_income[:, T - 3 :].sum(1, dtype=np.float64)
    inc12 = w.h_income[:, T - 12 :].sum(1, dtype=np.float64)
    med12 = w.h_med[:, T - 12 :].sum(1, dtype=np.float64)
    rule_a = (S < N) & (inc3 < 3 * N)
    rule_b = (med12 > 0.4 * inc12) & (S < 3 * N)
    hardship = (rule_a | rule_b) & (members > 0) & (N > 0)

    impact12, impact36, kinds12 = _event_impacts(w, N)
    shock = impact12 >= 2 * np.maximum(N, 1)
    quiet = hardship & (impact36 < np.maximum(N, 1))
    causes = _causes(w, hardship, N, inc12, med12, kinds12)

    # composition on the register (living members; a stale dead row counts if nobody else)
    reg_members = np.bincount(hh[on_register], minlength=w.H)
    comp = np.where(live, True, on_register)
    comp_live = members > 0
    use = np.where(comp_live[hh], live, comp & on_register)
    size = np.bincount(hh[use], minlength=w.H)
    old = np.bincount(hh[use & (age >= K.ELDER_AGE)], minlength=w.H)
    kids = np.bincount(hh[use & (age < 18)], minlength=w.H)
    dis = np.bincount(hh[use & (w.disab[:n] > 0)], minlength=w.H)
    htype = np.select(
        [size == 1, (old == size) & (size > 0), kids > 0, dis > 0],
        ["single", "elderly_only", "with_children", "with_disabled"],
        "other",
    )
    head_age = np.floor(w.ages(t, w.head)).astype(int)
    street = np.array([geography.STREETS[s][0] for s in range(len(geography.STREETS))])[w.street]
    home = np.maximum(np.bincount(hh[w.home_mask()], minlength=w.H), 1)
    prog = np.array(["", "低保", "特困", "低保边缘"], dtype=object)[w.program]
    rule = np.where(rule_a & rule_b, "A+B", np.where(rule_a, "A", np.where(rule_b, "B", "")))
    df = pd.DataFrame(
        {
            "hukou_no": w.hukou_no,
            "hardship": hardship.astype(int),
            "causes": np.where(hardship, causes, ""),
            "street_code": street,
            "household_type": htype,
            "head_age": head_age,
            "shock": shock.astype(int),
            "quiet": quiet.astype(int),
            # extra columns (not in the contract): for analysis
            "members": reg_members,
            "rule": np.where(hardship, rule, ""),
            "programme": prog,
            "income_pc": np.round(inc3 / 3 / home, 0).astype(int),
            "savings_months": np.round(S / np.maximum(N, 1), 1),
        }
    )
    return df.iloc[reg_hh].reset_index(drop=True)


def register_rows(w) -> np.ndarray:
    """Persons the household register lists at the as-of date: living residents, and the dead
    whose registration has not been cancelled yet."""
    n = w.n
    t = w.T - 1
    return w.present[:n] & (w.alive[:n] | (w.reg_until[:n] >= t))


def _event_impacts(w, N):
    """Per household: the money a sudden event has cost so far (its costs plus the income it
    took away, month by month), summed over events in the last 12 and 36 months."""
    T = w.T
    imp12 = np.zeros(w.H)
    imp36 = np.zeros(w.H)
    kinds: dict[int, dict[str, float]] = {}
    for h, t0, kind, person, monthly, cost in w.shocks:
        months = T - t0
        if kind in ("illness", "accident"):
            st = w.p_state[person, t0:T]
            lost = monthly * float(np.count_nonzero(st == SICK))
        elif kind == "job_loss":
            st = w.p_state[person, t0:T]
            lost = monthly * float(np.count_nonzero(st == UNEMP)) * 0.8
        elif kind == "prison":
            st = w.p_state[person, t0:T]
            lost = monthly * float(np.count_nonzero(st == PRISON))
        else:
            lost = monthly * months
        total = cost + lost
        imp36[h] += total
        if months <= 12:
            imp12[h] += total
            d = kinds.setdefault(h, {})
            d[kind] = d.get(kind, 0.0) + total
    return imp12, imp36, kinds


def _causes(w, hardship, N, inc12, med12, kinds12) -> np.ndarray:
    """致困原因 from the mechanism: each driver's monthly cost to the household over the last
    12 months; the causes are the drivers reaching 30 % of the largest (at most three)."""
    T = w.T
    t = T - 1
    n = w.n
    hh = w.hh[:n]
    live = w.live_mask()
    home = w.home_mask()
    age = w.ages(t)
    ra = w.retire_age(np.arange(n))
    st12 = w.p_state[:n, T - 12 :]
    pot = np.maximum(w.wage_f[:n], w.wage_i[:n]) * 0.9

    out = np.full(w.H, "", dtype=object)
    idx = np.flatnonzero(hardship)
    if not len(idx):
        return out
    sick_lost = np.bincount(hh, weights=(st12 == SICK).sum(1) * pot * live, minlength=w.H) / 12
    unemp_months = (st12 == UNEMP).sum(1)
    unemp_lost = np.bincount(hh, weights=unemp_months * pot * live * (age < ra), minlength=w.H) / 12
    dis_lost = (
        np.bincount(
            hh,
            weights=((st12 == DISABLED).sum(1) * pot * (w.disab[:n] > 0) * live * (age < ra)),
            minlength=w.H,
        )
        / 12
    )
    carer_lost = np.bincount(hh, weights=w.caregiver[:n] * live * w.wage_i[:n], minlength=w.H)
    care12 = w.h_care[:, T - 12 :].sum(1) / 12
    school12 = w.h_school[:, T - 12 :].sum(1) / 12
    elder_gap = np.bincount(
        hh[home & (age >= K.ELDER_AGE)],
        weights=np.maximum(K.ELDER_DISABLED_FACTOR * K.STANDARD - w.pension[:n], 0)[
            home & (age >= K.ELDER_AGE)
        ],
        minlength=w.H,
    )
    working = np.bincount(hh[live & np.isin(w.state[:n], [FORMAL, INFORMAL])], minlength=w.H)
    able = np.bincount(
        hh[home & (age >= 16) & (age < ra) & ~np.isin(w.state[:n], [DISABLED, SICK, SCHOOL])],
        minlength=w.H,
    )
    young = np.bincount(hh[home & (age < K.ELDER_AGE)], minlength=w.H)
    income = inc12 / 12
    gap = np.maximum(N - income, 0)
    for h in idx:
        ks = kinds12.get(h, {})
        d = {
            "疾病": med12[h] / 12 + sick_lost[h] + ks.get("illness", 0) / 12,
            "残疾": care12[h] + dis_lost[h] + carer_lost[h],
            "就学": school12[h],
            "失业": unemp_lost[h] + ks.get("job_loss", 0) / 24,
            "年老": elder_gap[h] if working[h] == 0 else 0.0,
            "缺乏劳动力": gap[h] + 0.2 * N[h] if able[h] == 0 and young[h] > 0 else 0.0,
            "灾害": ks.get("disaster", 0) / 12,
            "意外事故": ks.get("accident", 0) / 12,
            "突发事件": (ks.get("death_earner", 0) + ks.get("prison", 0) + ks.get("divorce", 0))
            / 12,
            "低收入": gap[h] + 0.1 * N[h] if working[h] > 0 else 0.0,
        }
        # costs too small to matter are not causes
        d = {k: v for k, v in d.items() if v >= 0.1 * N[h]}
        if not d:
            out[h] = "其他"
            continue
        top = max(d.values())
        chosen = sorted((k for k, v in d.items() if v >= 0.3 * top), key=lambda k: -d[k])[:3]
        out[h] = ";".join(chosen)
    return out
