"""The hidden economics of every household: work, earnings, pensions, health, schooling,
savings and assets at the start of the window; shocks over the last 24 months; a month-by-month
simulation of income, rigid spending, savings and social assistance; and the truth.

Everything here is what the household lives; the departments see only parts of it (feeds.py).
The simulation is a function of pre-drawn events, so it can be re-run with one kind of shock
switched off: a cause is recorded when removing it lifts the household out of hardship.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from . import params as P
from .population import Population, R

T = P.MONTHS
NEVER = 999  # a month index meaning "does not happen in the window"

# labour status codes
CHILD, STUDENT, FORMAL, INFORMAL, SELF, UNEMP, HOME, RETIRED, UNABLE = range(9)
LAB_NAMES = (
    "child",
    "student",
    "formal",
    "informal",
    "self",
    "unemployed",
    "home",
    "retired",
    "unable",
)

SHOCKS = (
    "illness",
    "accident",
    "disability",
    "job_loss",
    "business",
    "death",
    "divorce",
    "disaster",
    "prison",
)
SHOCK_CAUSE = {
    "illness": "疾病",
    "accident": "意外事故",
    "disability": "残疾",
    "job_loss": "失业",
    "business": "失业",
    "death": "突发事件",
    "divorce": "其他",
    "disaster": "灾害",
    "prison": "其他",
}
CHRONIC_DISEASES = {
    1: (("高血压", "I10"), ("2型糖尿病", "E11"), ("慢性胃炎", "K29"), ("骨关节炎", "M19")),
    2: (
        ("冠心病", "I25"),
        ("慢性阻塞性肺疾病", "J44"),
        ("类风湿关节炎", "M06"),
        ("脑梗死后遗症", "I69"),
        ("糖尿病伴并发症", "E11.7"),
    ),
    3: (
        ("慢性肾衰竭（透析）", "N18"),
        ("恶性肿瘤维持治疗", "C80"),
        ("精神分裂症", "F20"),
        ("再生障碍性贫血", "D61"),
    ),
}
SERIOUS_DISEASES = (
    ("肺恶性肿瘤", "C34"),
    ("胃恶性肿瘤", "C16"),
    ("肝恶性肿瘤", "C22"),
    ("乳腺恶性肿瘤", "C50"),
    ("结直肠恶性肿瘤", "C18"),
    ("急性心肌梗死", "I21"),
    ("脑出血", "I61"),
    ("脑梗死", "I63"),
    ("白血病", "C95"),
    ("终末期肾病", "N18.5"),
)
ROUTINE_DIAG = (
    ("肺炎", "J18"),
    ("胆囊结石", "K80"),
    ("腰椎间盘突出", "M51"),
    ("骨折", "S72"),
    ("阑尾炎", "K35"),
    ("白内障", "H25"),
    ("冠心病", "I25"),
    ("高血压", "I10"),
    ("慢性支气管炎", "J42"),
    ("分娩", "O80"),
    ("胃肠炎", "K52"),
)
ACCIDENT_DIAG = (
    ("股骨骨折", "S72"),
    ("颅脑损伤", "S06"),
    ("多发伤", "T07"),
    ("烧伤", "T30"),
    ("胫腓骨骨折", "S82"),
)


def f32(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32, copy=False)


def _hazard(table, age):
    out = np.zeros_like(age, dtype=float)
    lo = -np.inf
    for top, h in table:
        out[(age >= lo) & (age < top)] = h
        lo = top
    return out


def month_dates(as_of: dt.date) -> list[dt.date]:
    """First day of each simulated month, t = 0 … T-1 (the last is the as-of month)."""
    y, m = as_of.year, as_of.month
    out = []
    for k in range(T - 1, -1, -1):
        mm = m - k
        yy = y + (mm - 1) // 12
        mm = (mm - 1) % 12 + 1
        out.append(dt.date(yy, mm, 1))
    return out


@dataclass
class Base:
    """Baseline attributes (t = 0) and pre-drawn events; arrays over persons or households."""

    pp: dict
    hh: dict
    ev: dict  # per-person event months and sizes
    hev: dict  # per-household event months and sizes
    adm: dict  # routine inpatient stays: arrays p, t, cost, diag, code, days
    months: list
    rand: dict  # every random draw the simulation needs, made once

    def subset(self, hh_idx: np.ndarray) -> Base:
        """The same world restricted to some households (for counterfactual runs)."""
        N, H = len(self.pp["hh"]), len(self.hh["first"])
        keep_h = np.zeros(H, dtype=bool)
        keep_h[hh_idx] = True
        keep_p = keep_h[self.pp["hh"]]
        new_h = np.cumsum(keep_h) - 1
        new_p = np.cumsum(keep_p) - 1

        def cut(d):
            out = {}
            for k, v in d.items():
                if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == N:
                    out[k] = v[keep_p]
                elif isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == H:
                    out[k] = v[keep_h]
                else:
                    out[k] = v
            return out

        pp, hh, ev, hev, rand = (
            cut(self.pp),
            cut(self.hh),
            cut(self.ev),
            cut(self.hev),
            cut(self.rand),
        )
        pp["hh"] = new_h[self.pp["hh"][keep_p]]
        hh["first"] = np.r_[0, np.flatnonzero(np.diff(pp["hh"])) + 1]
        sp = hev["spouse"]
        hev["spouse"] = np.where(sp >= 0, new_p[np.maximum(sp, 0)], -1)
        a = self.adm
        ok = keep_p[a["p"]]
        adm = {k: v[ok] for k, v in a.items()}
        adm["p"] = new_p[adm["p"]]
        return Base(pp=pp, hh=hh, ev=ev, hev=hev, adm=adm, months=self.months, rand=rand)


def baseline(rng: np.random.Generator, pop: Population) -> Base:
    pp, hhd = pop.pp, pop.hh
    N, H = pop.N, pop.H
    age = pp["age"]
    age0 = age - (T - 1) / 12.0  # at t = 0
    sex = pp["sex"]
    hh = pp["hh"]
    aff = pop.com_affluence[hhd["community"]]
    aff_p = aff[hh]
    u = rng.random

    # --- disability and chronic illness at baseline
    dis_p = np.where(age0 < 18, 0.012, np.where(age0 < 60, 0.035, 0.09 + 0.003 * (age0 - 60)))
    disabled = u(N) < dis_p
    grade = np.where(disabled, rng.choice([1, 2, 3, 4], N, p=[0.14, 0.26, 0.30, 0.30]), 0)
    dtype = rng.choice(
        np.array(["肢体", "视力", "听力", "言语", "智力", "精神", "多重"]),
        N,
        p=[0.45, 0.12, 0.14, 0.02, 0.08, 0.12, 0.07],
    )
    dis_cert = disabled & (u(N) < 0.8)
    chr_p = np.select([age0 < 18, age0 < 40, age0 < 60, age0 < 75], [0.01, 0.04, 0.15, 0.34], 0.5)
    chronic = np.where(u(N) < chr_p, rng.choice([1, 2, 3], N, p=[0.6, 0.3, 0.1]), 0)
    chronic_reg = (chronic > 0) & (u(N) < np.choose(chronic, [0, 0.2, 0.55, 0.8]))
    unable = grade.astype(bool) & ((grade <= 2) | np.isin(dtype, ["智力", "精神"]) & (grade == 3))
    unable |= (chronic == 3) & (age0 >= 18) & (age0 < 60) & (u(N) < 0.6)
    unable &= age0 >= 16

    # --- schooling track (decided once per person)
    track = rng.choice(np.array([1, 2, 0]), N, p=[0.64, 0.28, 0.08])  # 1 高中, 2 中职, 0 none
    uni = ((track == 1) & (u(N) < 0.62 * np.clip(aff_p, 0.7, 1.3))) | ((track == 2) & (u(N) < 0.3))
    uni &= pp["role"] != R["head"]  # a student heading a household of their own is rare
    uni_moved = uni & (u(N) < 0.5) & (age0 < 22)  # hukou moved to the university's collective hukou
    kinder = u(N) < 0.85
    school_level = np.exp(rng.normal(0, 0.25, N)) * np.sqrt(aff_p)

    # --- labour status at t = 0
    lab = np.full(N, HOME, dtype=np.int8)
    lab[age0 < 16] = CHILD
    study = (age0 >= 16) & (age0 < 18) & (track > 0) | (age0 >= 18) & (age0 < 22) & uni
    lab[study] = STUDENT
    worker, staff = P.RETIRE_AGE_FEMALE
    retire_age = np.where(sex == 1, P.RETIRE_AGE_MALE, np.where(u(N) < 0.6, worker, staff))
    formal_hist = u(N) < np.clip(0.80 * aff_p, 0.5, 0.95)
    lab[(age0 >= retire_age) & ~study] = RETIRED
    work_age = (age0 >= 16) & (age0 < retire_age) & ~study
    shares = P.LABOUR_SHARES
    pf = shares["formal"] * np.clip(aff_p, 0.6, 1.4) ** 1.2
    pi = shares["informal"] / np.clip(aff_p, 0.6, 1.4)
    ps = np.full(N, shares["self"])
    pu = shares["unemployed"] * np.where(age0 > 45, 1.4, 1.0)
    ph = shares["home"] * np.where(sex == 0, 1.6, 0.5)
    tot = pf + pi + ps + pu + ph
    r = u(N) * tot
    choice = np.select(
        [r < pf, r < pf + pi, r < pf + pi + ps, r < pf + pi + ps + pu],
        [FORMAL, INFORMAL, SELF, UNEMP],
        HOME,
    )
    lab[work_age] = choice[work_age]
    lab[unable] = UNABLE
    # the only working-age adult of a household is rarely a homemaker: someone must earn
    first = hhd["first"]
    adults = np.add.reduceat((work_age & ~unable).astype(int), first)
    sole = work_age & (adults[hh] == 1) & (lab == HOME)
    lab[sole] = np.where(u(N) < 0.72, INFORMAL, UNEMP)[sole]
    # nor is a household where every able adult stays at home
    earners = np.add.reduceat(np.isin(lab, [FORMAL, INFORMAL, SELF, RETIRED]).astype(int), first)
    homers = np.flatnonzero((lab == HOME) & (earners[hh] == 0))
    _, firsts = np.unique(hh[homers], return_index=True)
    pick = homers[firsts]
    lab[pick] = np.where(u(len(pick)) < 0.8, INFORMAL, UNEMP)
    # retired people with no employee pension history: resident pension only (from 60)
    emp_pension = (lab == RETIRED) & formal_hist
    # some younger retirees keep working informally
    old_worker = (lab == RETIRED) & (age0 < 68) & (u(N) < 0.12)

    # --- earnings levels (monthly, at t = 0)
    prof = np.interp(age0, [16, 22, 30, 40, 50, 60], [0.55, 0.72, 0.95, 1.1, 1.02, 0.92])
    wage = P.WAGE_MEDIAN * aff_p * prof * np.exp(rng.normal(0, P.WAGE_SIGMA, N))
    wage = np.maximum(wage, P.MIN_WAGE * (1 + 0.1 * u(N)))
    informal = P.INFORMAL_MEDIAN * np.sqrt(aff_p) * np.exp(rng.normal(0, P.INFORMAL_SIGMA, N))
    selfinc = P.SELF_MEDIAN * aff_p * np.exp(rng.normal(0, P.SELF_SIGMA, N))
    w0 = np.select([lab == FORMAL, lab == INFORMAL, lab == SELF], [wage, informal, selfinc], 0.0)
    w0 = np.where(old_worker, informal * 0.7, w0)
    pension = np.where(
        emp_pension,
        P.PENSION_EMPLOYEE_MEDIAN
        * np.where(sex == 1, 1.0, 0.86)
        * np.sqrt(aff_p)
        * np.exp(rng.normal(0, P.PENSION_EMPLOYEE_SIGMA, N)),
        0.0,
    )
    res_pension = rng.uniform(*P.PENSION_RESIDENT, N)
    # early 病退 pension for some formally employed people who became unable to work
    sick_pension = unable & formal_hist & (age0 >= 45) & (u(N) < 0.4)
    pension = np.where(sick_pension, 0.55 * wage, pension)

    # social insurance and visibility of formal work
    employer_insures = u(N) < 0.94
    base_at_floor = u(N) < 0.42
    tax_declared = u(N) < 0.93
    hf_enrolled = u(N) < np.clip(0.55 * aff_p, 0.2, 0.9)
    flex_payer = np.isin(lab, [INFORMAL, SELF]) & (u(N) < 0.27)
    platform = (lab == INFORMAL) & (u(N) < 0.22)  # some gig income is declared as 劳务报酬
    biz_registered = (lab == SELF) & (u(N) < 0.78)
    biz_company = biz_registered & (u(N) < 0.12 * aff_p)
    special_ded = rng.choice([0, 1000, 1500, 2000, 3000, 4000], N)
    insured_med = u(N) < np.where(np.isin(lab, [INFORMAL, UNEMP, HOME]), 0.9, 0.985)
    employee_med = (lab == FORMAL) & employer_insures | emp_pension | sick_pension
    fund_share = np.where(
        ~insured_med,
        0.0,
        np.where(employee_med, P.FUND_SHARE["employee"], P.FUND_SHARE["resident"]),
    )

    pp.update(
        age0=age0,
        aff=aff_p,
        disabled=disabled,
        grade=grade,
        dis_type=dtype,
        dis_cert=dis_cert,
        chronic=chronic,
        chronic_reg=chronic_reg,
        unable=unable,
        track=track,
        uni=uni,
        uni_moved=uni_moved,
        kinder=kinder,
        school_level=school_level,
        lab0=lab,
        retire_age=retire_age,
        formal_hist=formal_hist,
        emp_pension=emp_pension,
        sick_pension=sick_pension,
        w0=w0,
        wage=wage,
        informal_level=informal,
        pension=pension,
        res_pension=res_pension,
        employer_insures=employer_insures,
        base_at_floor=base_at_floor,
        tax_declared=tax_declared,
        hf_enrolled=hf_enrolled,
        flex_payer=flex_payer,
        platform=platform,
        biz_registered=biz_registered,
        biz_company=biz_company,
        special_ded=special_ded,
        insured_med=insured_med,
        employee_med=employee_med,
        fund_share=fund_share,
        chronic_level=np.array([rng.uniform(*P.CHRONIC_OOP[c]) if c else 0.0 for c in chronic]),
        chronic_disease=rng.integers(0, 5, N),
    )

    # --- household traits
    sizes = np.diff(np.r_[first, N])
    elderly_only = np.maximum.reduceat(np.where(age < 60, 1, 0), first) == 0
    claim = rng.choice(np.array(["never", "slow", "prompt"]), H, p=[w for _, w in P.CLAIM_TRAITS])
    outside_kids = u(H) < np.where(elderly_only, 0.82, 0.5)
    support = np.where(
        outside_kids & elderly_only & (u(H) < 0.58),
        np.exp(rng.normal(np.log(700), 0.7, H)),
        0.0,
    )
    aff_h = pop.com_affluence[hhd["community"]]
    own_home = u(H) < np.clip(0.74 * aff_h, 0.45, 0.92)
    hhd.update(
        size0=sizes,
        elderly_only0=elderly_only,
        claim=claim,
        outside_kids=outside_kids,
        support=support,
        aff=aff_h,
        own_home=own_home,
    )
    base = Base(pp=pp, hh=hhd, ev={}, hev={}, adm={}, months=month_dates(pop.as_of), rand={})
    hhd["months"] = base.months
    _finance(rng, pop, base)
    _draw_events(rng, pop, base)
    base.rand = _randoms(rng, base)
    return base


def _randoms(rng: np.random.Generator, base: Base) -> dict:
    N, H = len(base.pp["hh"]), len(base.hh["first"])
    f32 = np.float32
    return {
        "noise_inf": (
            np.exp(rng.normal(0, 0.25, (N, T))) * (rng.random((N, T)) > P.INFORMAL_IDLE)
        ).astype(f32),
        "noise_self": np.exp(rng.normal(0, 0.3, (N, T))).astype(f32),
        "support_ok": rng.random((H, T)) > 0.15,
        "cs_ok": rng.random((H, T)) > 0.25,
        "p0": rng.random(H),
        "p0_start": rng.integers(1, 96, H),
        "p0_review": rng.integers(1, 13, H),
        "p0_edge": rng.random(H),
        "p_app": rng.random((H, T)).astype(f32),
        "p_edge": rng.random((H, T)).astype(f32),
        "p_temp": rng.random((H, T)).astype(f32),
        "p_temp_amt": rng.uniform(2000, 9000, (H, T)).astype(f32),
        "p_school": rng.random((H, T)).astype(f32),
        "school": _school(base.pp, base).astype(f32),
    }


def _finance(rng: np.random.Generator, pop: Population, base: Base) -> None:
    """Savings, homes, cars and rent at the start of the window, from the household's income
    then (richer and older households have saved more months of income)."""
    pp, hhd = base.pp, base.hh
    H = pop.H
    first = hhd["first"]
    u = rng.random
    age0 = pp["age0"]
    lab = pp["lab0"]
    inc_p = np.where(lab == FORMAL, 0.8, 1.0) * pp["w0"] + pp["pension"]
    inc_p += np.where((pp["pension"] <= 0) & (age0 >= 60), pp["res_pension"], 0.0)
    inc0 = np.add.reduceat(inc_p, first) + hhd["support"]
    size = hhd["size0"]
    pc0 = inc0 / size
    head_age = age0[first]
    m_med = np.clip(3 + 0.25 * (head_age - 25), 2, 20) * hhd["aff"]
    m_med *= np.clip(pc0 / 2500, 0.25, 1.6) ** 0.8
    months = np.exp(rng.normal(np.log(m_med), 0.9))
    htm = u(H) < 0.06 + 0.22 * (pc0 < 1500)  # hand to mouth
    months = np.where(htm, u(H), months)
    savings0 = months * np.maximum(inc0, 300.0)
    second = hhd["own_home"] & (u(H) < 0.10 * np.clip(pc0 / 3000, 0, 3))
    rent = np.where(second & (u(H) < 0.65), np.round(rng.uniform(1500, 3500, H), -2), 0.0)
    car_p = 0.06 + 0.55 / (1 + np.exp(-(pc0 - 2800) / 1200))
    car = u(H) < car_p
    price = np.exp(rng.normal(np.log(120000 * np.clip(pc0 / 4000, 0.3, 3) ** 0.6), 0.5))
    cheap = ~car & (pc0 < 2000) & (u(H) < 0.08)
    price = np.where(cheap, rng.uniform(15000, 45000, H), price)
    car = car | cheap
    age = pp["age"]
    has_child = np.minimum.reduceat(age, first) < 18
    single_old = (size == 1) & (head_age >= 58)
    hhd.update(
        inc0=inc0,
        savings0=savings0,
        second_home=second,
        rent=rent,
        car=car,
        car_price=np.where(car, np.round(price, -2), 0.0),
        car_expensive=car & (price > 5 * 12 * P.DIBAO),
        has_child=has_child,
        funeral=rng.uniform(*P.FUNERAL_COST, H),
        no_supporter=single_old & ~hhd["outside_kids"] | (size == 1) & pp["unable"][first],
        kin_help=np.where(u(H) < 0.35, rng.uniform(250, 800, H), 0.0),
    )


def _draw_events(rng: np.random.Generator, pop: Population, base: Base) -> None:
    """Pre-draw every event of the window (the simulation switches kinds off for causes)."""
    pp, hhd = base.pp, base.hh
    N, H = pop.N, pop.H
    age0 = pp["age0"]
    lab = pp["lab0"]
    u = rng.random
    first_shock = T - P.SHOCK_MONTHS

    def first_hit(h_monthly, start=first_shock):
        """Month of the first event for a monthly hazard (array per person), or NEVER."""
        n = len(h_monthly)
        draws = u((n, T)) < h_monthly[:, None]
        draws[:, :start] = False
        hit = draws.any(axis=1)
        return np.where(hit, draws.argmax(axis=1), NEVER)

    age_mid = age0 + 2.0
    ev = {}
    # births during the window (people younger than the window)
    ev["born"] = np.where(pp["age"] * 12 < T - 1, (T - 1 - np.floor(pp["age"] * 12)), -1).astype(
        int
    )
    # deaths: natural mortality all through the window; only those in the last 24 months are
    # a "death" shock for causes
    annual = _hazard(P.MORTALITY, age_mid) * np.where(pp["chronic"] == 3, 2.5, 1.0)
    monthly = 1 - (1 - annual) ** (1 / 12)
    ev["death"] = first_hit(monthly, start=0)
    # serious illness
    ill_h = _hazard(P.ILLNESS_HAZARD, age_mid)
    ev["illness"] = first_hit(ill_h)
    ev["ill_cost"] = np.exp(rng.normal(np.log(P.SERIOUS_COST_MEDIAN), P.SERIOUS_COST_SIGMA, N))
    ev["ill_off"] = rng.integers(2, 9, N)  # months off work
    ev["ill_follow"] = rng.integers(3, 13, N)  # months of follow-up spending
    ev["ill_follow_amt"] = np.exp(rng.normal(np.log(1400), 0.6, N))
    ev["ill_chronic"] = u(N) < 0.28  # the illness leaves the person unable to work
    ev["ill_dies"] = (u(N) < np.where(age_mid > 70, 0.22, 0.08)) & (ev["illness"] < NEVER)
    ev["ill_dies_after"] = rng.integers(1, 10, N)
    ev["ill_diag"] = rng.integers(0, len(SERIOUS_DISEASES), N)
    ev["ill_reported"] = u(N) < 0.72  # 卫健 serious-disease report
    ev["ill_settled"] = u(N) < 0.88  # settled through local insurance (else: out of area)
    # accidents (working-age and older)
    ev["accident"] = first_hit(np.where(age0 >= 16, P.ACCIDENT_HAZARD, 0.0))
    ev["acc_cost"] = np.exp(rng.normal(np.log(16000), 0.7, N))
    ev["acc_off"] = rng.integers(1, 7, N)
    ev["acc_disables"] = u(N) < 0.12
    ev["acc_diag"] = rng.integers(0, len(ACCIDENT_DIAG), N)
    # disability onset (not from the above)
    dis_h = np.where(pp["disabled"], 0.0, _hazard(P.DISABILITY_HAZARD, age_mid))
    ev["disability"] = first_hit(dis_h)
    ev["dis_grade"] = rng.choice([1, 2, 3, 4], N, p=[0.2, 0.3, 0.3, 0.2])
    ev["dis_cert_lag"] = np.where(u(N) < 0.62, rng.integers(2, 11, N), NEVER)
    ev["care"] = u(N) < 0.5  # a working-age member cuts work to care (grade 1-2)
    # job loss (formal), business failure (self-employed)
    jl_h = np.where(lab == FORMAL, P.JOB_LOSS_HAZARD * np.where(age0 > 45, 1.5, 1.0), 0.0)
    jl_h = jl_h / np.clip(pp["aff"], 0.7, 1.3)
    ev["job_loss"] = first_hit(jl_h)
    ev["bus_fail"] = first_hit(np.where(lab == SELF, P.BUSINESS_FAIL_HAZARD, 0.0))
    ev["reemploy_after"] = 1 + rng.geometric(P.REEMPLOY_HAZARD * np.where(age0 > 45, 0.6, 1.0))
    ev["reemploy_formal"] = u(N) < np.where(age0 > 45, 0.3, 0.55)
    ev["reemploy_ratio"] = rng.uniform(0.6, 1.0, N)
    ev["unemp_find"] = rng.geometric(0.05, N) - 1
    ev["grad_formal"] = u(N) < 0.6
    ev["ue_registers"] = u(N) < 0.45
    ev["ue_reg_lag"] = rng.integers(0, 3, N)
    ev["ue_months"] = rng.integers(*P.UNEMPLOYMENT_BENEFIT_MONTHS, N)
    ev["bus_status"] = rng.choice(np.array(["注销", "吊销", "存续"]), N, p=[0.42, 0.1, 0.48])
    ev["bus_informal"] = u(N) < 0.55
    # prison (working-age men mostly)
    pr_h = np.where(
        (age0 >= 18) & (age0 < 60), P.PRISON_HAZARD * np.where(pp["sex"] == 1, 1.8, 0.2), 0
    )
    ev["prison"] = first_hit(pr_h)
    ev["prison_years"] = rng.integers(1, 8, N)
    ev["correction"] = first_hit(pr_h * 1.5)  # community correction: no custody
    # retirement reached within the window (formal workers)
    ret_t = np.ceil((pp["retire_age"] - age0) * 12).astype(int)
    ev["retire"] = np.where((lab == FORMAL) & (ret_t >= 0) & (ret_t < T), ret_t, NEVER)
    # routine hospital stays all through the window (not shocks)
    adm_rate = _hazard(P.ROUTINE_ADMISSION_RATE, age_mid) / 12
    k = rng.poisson(adm_rate[:, None] * np.ones(T))  # stays per person-month
    ap, at = np.nonzero(k)
    diag = rng.integers(0, len(ROUTINE_DIAG), len(ap))
    birth = ROUTINE_DIAG.index(("分娩", "O80"))
    bad = (diag == birth) & ((pp["sex"][ap] == 1) | (age0[ap] + at / 12 < 20) | (age0[ap] > 42))
    diag[bad] = 0
    base.adm = {
        "p": ap,
        "t": at,
        "cost": np.exp(rng.normal(np.log(P.ROUTINE_COST_MEDIAN), 0.7, len(ap))),
        "diag": diag,
        "days": rng.integers(2, 12, len(ap)),
    }
    base.ev = ev

    # household events: divorce (couples, the spouse leaves), disaster (flood, fire)
    hev = {}
    first = hhd["first"]
    role = pp["role"]
    head_age0 = age0[first]
    has_spouse = np.zeros(H, dtype=bool)
    spouse_idx = np.full(H, -1)
    sp = np.flatnonzero(role == R["spouse"])
    has_spouse[pp["hh"][sp]] = True
    spouse_idx[pp["hh"][sp]] = sp
    dv_h = np.where(has_spouse & (head_age0 > 23) & (head_age0 < 58), P.DIVORCE_HAZARD, 0.0)
    hev["divorce"] = first_hit(dv_h)
    hev["spouse"] = spouse_idx
    hev["child_support"] = np.where(
        u(H) < 0.45, np.exp(rng.normal(np.log(900), 0.4, H)), 0.0
    )  # paid by the parent who left, when children stay
    hev["split"] = rng.uniform(0.35, 0.6, H)  # the share of savings that leaves
    flood_com = pop.com_flood[hhd["community"]]
    months = base.months
    flood_t = [t for t in range(first_shock, T) if months[t].month == 7]
    hev["disaster"] = np.full(H, NEVER)
    hev["dis_kind"] = np.full(H, "", dtype=object)
    if flood_t:
        big = flood_t[0] if len(flood_t) == 1 else flood_t[int(u() < 0.65)]
        hit = flood_com & (u(H) < P.FLOOD_SHARE)
        hev["disaster"][hit] = big
        hev["dis_kind"][hit] = "洪涝"
    fire = first_hit(np.full(H, P.FIRE_HAZARD))
    newfire = fire < hev["disaster"]
    hev["disaster"] = np.where(newfire, fire, hev["disaster"])
    hev["dis_kind"] = np.where(newfire, "火灾", hev["dis_kind"])
    hev["dis_loss"] = np.where(
        hev["dis_kind"] == "火灾",
        np.exp(rng.normal(np.log(45000), 0.8, H)),
        np.exp(rng.normal(np.log(18000), 0.9, H)),
    )
    hev["dis_damage"] = rng.choice(
        np.array(["一般损坏", "严重损坏", "倒塌"]), H, p=[0.7, 0.25, 0.05]
    )
    hev["dis_relief"] = np.round(rng.uniform(500, 5000, H), -2)
    hev["dis_insured"] = u(H) < 0.15
    hev["dis_recorded"] = u(H) < 0.9
    hev["dis_income_loss"] = u(H) < 0.3  # a business or informal job at home lost for a while
    base.hev = hev


@dataclass
class Outcome:
    y: np.ndarray  # per-capita monthly disposable income after rigid spending, last 6 months
    savings: np.ndarray  # liquid savings at as-of
    n: np.ndarray  # counted household members at as-of
    hardship: np.ndarray
    gross_income6: np.ndarray  # household monthly income (before rigid spending), last 6 m
    med6: np.ndarray  # household monthly medical OOP, last 6 months
    school6: np.ndarray
    # the factual run keeps its matrices and programme history for the feeds
    mats: dict | None = None
    prog: dict | None = None


def simulate(base: Base, off: frozenset = frozenset(), keep=False) -> Outcome:
    """Run the household economy month by month. ``off``: shock kinds (SHOCKS) and the extra
    switches "medical" / "school" that are removed for a counterfactual run. Every random draw
    was made in advance (``base.rand``), so runs differ only by what is switched off."""
    pp, hhd, ev, hev, rnd = base.pp, base.hh, base.ev, base.hev, base.rand
    N, H = len(pp["hh"]), len(hhd["first"])
    tt = np.arange(T)[None, :]
    hh = pp["hh"]
    first = hhd["first"]
    fs = T - P.SHOCK_MONTHS

    def t_of(name, kind):
        t = ev[name] if name in ev else hev[name]
        if kind in off:
            return np.where(t >= fs, NEVER, t)
        return t

    t_ill = t_of("illness", "illness")
    t_acc = t_of("accident", "accident")
    t_dis = t_of("disability", "disability")
    t_jl = t_of("job_loss", "job_loss")
    t_bf = t_of("bus_fail", "business")
    t_pr = t_of("prison", "prison")
    # deaths: natural, or caused by a serious illness
    t_death = t_of("death", "death")
    ill_death = np.where(ev["ill_dies"] & (t_ill < NEVER), t_ill + ev["ill_dies_after"], NEVER)
    if "death" in off:
        ill_death = np.where(ill_death >= fs, NEVER, ill_death)
    t_death = np.minimum(t_death, np.where(ill_death < T, ill_death, NEVER))
    # divorce: the spouse leaves the household
    t_dv_h = t_of("divorce", "divorce")
    t_leave = np.full(N, NEVER)
    sp = hev["spouse"]
    has = sp >= 0
    t_leave[sp[has]] = t_dv_h[has]
    # nobody divorces after their death
    t_leave = np.where(t_leave >= t_death, NEVER, t_leave)

    born = ev["born"]
    alive = (tt >= born[:, None]) & (tt < t_death[:, None])
    # students finish school or university; those whose hukou went to the university leave
    student = pp["lab0"] == STUDENT
    grad_age = np.where(pp["uni"], np.where(pp["track"] == 1, 22.0, 21.0), 18.0)
    t_grad = np.where(student, np.ceil((grad_age - pp["age0"]) * 12), NEVER).astype(int)
    t_grad = np.where(t_grad < T, np.maximum(t_grad, 0), NEVER)
    t_leave_uni = np.where(pp["uni_moved"], t_grad, NEVER)
    member = alive & (tt < t_leave[:, None]) & (tt < t_pr[:, None]) & (tt < t_leave_uni[:, None])

    # --- permanent inability from illness, accident or disability onset
    t_unable = np.full(N, NEVER)
    t_unable = np.where(ev["ill_chronic"], np.minimum(t_unable, t_ill), t_unable)
    acc_dis = np.where(ev["acc_disables"], t_acc, NEVER)
    t_dis_all = np.minimum(t_dis, acc_dis)
    t_unable = np.minimum(t_unable, t_dis_all)
    t_unable = np.where(pp["unable"], -1, t_unable)

    # --- growth factors (January rises)
    months = base.months
    years = np.array([m.year for m in months])
    wage_g = 1.035 ** (years - years[0])
    pen_g = 1.03 ** (years - years[0])

    # --- earnings
    lab = pp["lab0"]
    w0 = pp["w0"]
    formal = lab == FORMAL
    selfem = lab == SELF
    informal = (lab == INFORMAL) | ((lab == RETIRED) & (w0 > 0))
    t_lose = np.where(formal, t_jl, np.where(selfem, t_bf, NEVER))
    t_ret = ev["retire"]
    t_end1 = np.minimum(t_lose, np.where(formal, t_ret, NEVER))
    seg1 = tt < t_end1[:, None]
    t_re = np.where(t_lose < NEVER, t_lose + ev["reemploy_after"], NEVER)
    re_formal = formal & ev["reemploy_formal"]
    re_level = np.where(
        re_formal, w0 * ev["reemploy_ratio"], pp["informal_level"] * ev["reemploy_ratio"]
    )
    re_level = np.where(selfem & ~ev["bus_informal"], 0.0, re_level)
    re_level = np.where(selfem & ev["bus_informal"], w0 * 0.55, re_level)
    seg2 = (tt >= t_re[:, None]) & (tt < np.where(formal, t_ret, NEVER)[:, None])
    noise_inf = rnd["noise_inf"]
    noise_self = rnd["noise_self"]
    base_noise = np.where(informal[:, None], noise_inf, np.where(selfem[:, None], noise_self, 1.0))
    re_noise = np.where(re_formal[:, None], 1.0, noise_inf)
    gross = f32(np.where(seg1, w0[:, None] * base_noise, 0.0))
    gross += np.where(seg2, re_level[:, None] * re_noise, 0.0)
    del base_noise, re_noise
    # graduates start work: a formal first job or informal work
    first_job = np.where(
        ev["grad_formal"], 0.75 * pp["wage"], 0.8 * pp["informal_level"] * noise_inf.mean(1)
    )
    gross += np.where(tt >= t_grad[:, None], first_job[:, None], 0.0)
    # people unemployed when the window opens find informal work after a while
    t_find = np.where(lab == UNEMP, ev["unemp_find"], NEVER)
    gross += np.where(tt >= t_find[:, None], pp["informal_level"][:, None] * 0.85 * noise_inf, 0.0)
    gross *= wage_g[None, :]
    # temporary time off (illness, accident): formal workers get 60 % sick pay
    sick = np.where(formal[:, None], 0.6, 0.0)
    off_ill = (tt >= t_ill[:, None]) & (tt < (t_ill + ev["ill_off"])[:, None])
    off_acc = (tt >= t_acc[:, None]) & (tt < (t_acc + ev["acc_off"])[:, None])
    gross = f32(np.where(off_ill | off_acc, gross * sick, gross))
    del off_ill, off_acc
    gross[np.broadcast_to(tt >= t_unable[:, None], gross.shape)] = 0.0
    # care for a severely disabled member: one working-age member cuts work
    carer_t = _carers(pp, base, t_dis_all, member)
    gross = f32(np.where(tt >= carer_t[:, None], gross * 0.4, gross))
    gross[~member] = 0.0

    # formal pay: net of social insurance, housing fund and tax; who pays what when
    is_formal_t = np.where(seg1, formal[:, None], False) | np.where(seg2, re_formal[:, None], False)
    is_formal_t |= (tt >= t_grad[:, None]) & (student & ev["grad_formal"])[:, None]
    is_formal_t &= gross > 0
    lo = np.array([P.SI_BASE.get(int(y), P.SI_BASE[max(P.SI_BASE)])[0] for y in years])
    hi = np.array([P.SI_BASE.get(int(y), P.SI_BASE[max(P.SI_BASE)])[1] for y in years])
    si_base = np.clip(gross, lo[None, :], hi[None, :])
    si_base = np.where(pp["base_at_floor"][:, None], lo[None, :], si_base)
    insured = is_formal_t & pp["employer_insures"][:, None]
    si_base = f32(np.where(insured, si_base, 0.0))
    hf = f32(np.where(is_formal_t & pp["hf_enrolled"][:, None], si_base * P.HOUSING_FUND_RATE, 0.0))
    taxable = np.maximum(
        0.0, gross - 5000 - si_base * P.SI_PERSONAL - hf - pp["special_ded"][:, None]
    )
    tax = np.where(
        is_formal_t,
        np.select(
            [taxable <= 3000, taxable <= 12000, taxable <= 25000],
            [taxable * 0.03, taxable * 0.1 - 210, taxable * 0.2 - 1410],
            taxable * 0.25 - 2660,
        ),
        0.0,
    )
    flex = pp["flex_payer"][:, None] & ~is_formal_t & (gross > 0)
    tax = f32(tax)
    del taxable
    net = f32(gross - si_base * P.SI_PERSONAL - hf - tax - np.where(flex, lo[None, :] * 0.2, 0.0))

    # --- pensions and unemployment benefit
    age_t = pp["age"][:, None] - (T - 1 - tt) / 12.0
    pension = np.where(pp["pension"][:, None] > 0, pp["pension"][:, None] * pen_g[None, :], 0.0)
    ret_level = np.where(formal, 0.58 * w0, 0.0)
    pension = pension + np.where(tt >= t_ret[:, None], ret_level[:, None] * pen_g, 0.0)
    # early 病退 pension for formal workers over 50 who became unable to work
    sickret = formal & (t_unable >= 0) & (t_unable < NEVER) & (pp["age0"] > 48)
    pension = pension + np.where(sickret[:, None] & (tt >= t_unable[:, None]), 0.5 * w0[:, None], 0)
    no_emp = pension[:, -1] <= 0
    res = np.where(no_emp[:, None] & (age_t >= 60), pp["res_pension"][:, None], 0.0)
    flexp = pp["flex_payer"] & (age_t[:, -1] >= 60)  # former flexible payers: small pension
    res = np.where(flexp[:, None] & (age_t >= 60), 1500.0, res)
    pension = f32(np.where(alive, pension + res, 0.0))
    del res
    ue_reg = (t_lose < NEVER) & ev["ue_registers"]
    t_ue = t_lose + ev["ue_reg_lag"]
    ub_on = (
        ue_reg[:, None]
        & formal[:, None]
        & (tt >= t_ue[:, None])
        & (tt < np.minimum(t_ue + ev["ue_months"], t_re)[:, None])
    )
    ub = f32(np.where(ub_on & member, P.UNEMPLOYMENT_BENEFIT, 0.0))
    del ub_on

    # --- medical out-of-pocket (before medical aid) and schooling
    share = pp["fund_share"][:, None]
    chronic_on = (pp["chronic"][:, None] > 0) | (
        ev["ill_chronic"][:, None] & (tt >= t_ill[:, None])
    )
    lvl = np.where(pp["chronic"] > 0, pp["chronic_level"], 900.0)
    reg = np.where(pp["chronic_reg"], 0.6, 1.0)
    med = f32(np.where(chronic_on & alive, lvl[:, None] * reg[:, None], 0.0))
    del chronic_on
    a = base.adm
    ok = alive[a["p"], a["t"]]
    ap = a["p"][ok]
    np.add.at(med, (ap, a["t"][ok]), a["cost"][ok] * (1 - share[ap, 0]) + 600 * (share[ap, 0] > 0))
    ill = t_ill < T
    ip = np.flatnonzero(ill)
    ti = t_ill[ip]
    cost = ev["ill_cost"][ip] * (1 - share[ip, 0])
    for k, frac in ((0, 0.6), (1, 0.25), (2, 0.15)):
        tk = np.minimum(ti + k, T - 1)
        ok = alive[ip, tk]
        np.add.at(med, (ip[ok], tk[ok]), cost[ok] * frac)
    follow = (tt > t_ill[:, None]) & (tt <= (t_ill + ev["ill_follow"])[:, None]) & alive
    med += np.where(follow, ev["ill_follow_amt"][:, None], 0.0).astype(np.float32)
    del follow
    ac = np.flatnonzero(t_acc < T)
    ok = alive[ac, t_acc[ac]]
    np.add.at(med, (ac[ok], t_acc[ac][ok]), ev["acc_cost"][ac][ok] * (1 - share[ac[ok], 0]))
    rehab = (tt >= t_dis_all[:, None]) & (tt < (t_dis_all + 12)[:, None]) & alive
    med[rehab] += 350.0
    del rehab
    if "medical" in off:
        med[:] = 0.0

    school = np.where(member, rnd["school"], np.float32(0.0))
    if "school" in off:
        school[:] = 0.0

    # --- household sums (persons are sorted by household)
    def hsum(m):
        return np.add.reduceat(m, first, axis=0, dtype=np.float64)

    n_t = hsum(member.astype(float))
    # a member who left (divorce, prison, a university hukou) takes pension and costs along
    inc_person = hsum(net + np.where(member, pension, np.float32(0.0)) + ub)
    med_h = hsum(np.where(member, med, np.float32(0.0)))
    school_h = hsum(school)
    # visible income (what an investigation finds) for programme decisions
    vis_p = (
        np.where(is_formal_t & pp["tax_declared"][:, None], net, 0.0)
        + np.where(informal[:, None] | ~is_formal_t, 0.5 * net, 0.0)
        + np.where(member, pension, 0.0)
        + ub
    )
    # 劳动力系数: an able adult of working age with no income found is imputed some earnings
    studying = (pp["lab0"] == STUDENT)[:, None] & (age_t < 22)
    able = member & (age_t >= 18) & (age_t < 55) & (tt < t_unable[:, None]) & ~studying
    vis = hsum(vis_p + np.where(able & (vis_p <= 0), 0.6 * P.MIN_WAGE, 0.0))
    del vis_p, able, studying, age_t

    # household-level flows
    support = np.where(
        hhd["support"][:, None] > 0, hhd["support"][:, None] * rnd["support_ok"], 0.0
    )
    # rent from a second home
    rent = np.where(hhd["rent"][:, None] > 0, hhd["rent"][:, None], 0.0)
    # child support after divorce, when children stay
    dv = t_dv_h < T
    child_support = np.where(
        (dv & hhd["has_child"])[:, None] & (tt > t_dv_h[:, None]),
        hev["child_support"][:, None] * rnd["cs_ok"],
        0.0,
    )
    oneoff = np.zeros((H, T))
    # funeral costs and survivor payments
    dead = np.flatnonzero(t_death < T)
    td = t_death[dead]
    np.add.at(oneoff, (hh[dead], td), -hhd["funeral"][hh[dead]])
    lump = np.where(
        formal[dead] | (pp["pension"][dead] > 0),
        10 * np.maximum(w0[dead], pp["pension"][dead]),
        0.0,
    )
    np.add.at(oneoff, (hh[dead], np.minimum(td + 1, T - 1)), lump)
    # disasters: repairs not covered by insurance or relief
    t_dz = t_of("disaster", "disaster")
    dz = np.flatnonzero(t_dz < T)
    repair = (
        hev["dis_loss"][dz] * np.where(hev["dis_insured"][dz], 0.3, 1.0) - hev["dis_relief"][dz]
    )
    np.add.at(oneoff, (dz, t_dz[dz]), -np.maximum(repair, 0.0))
    dz_inc = np.zeros((H, T))
    lose = dz[hev["dis_income_loss"][dz]]
    for h in lose:
        t0 = t_dz[h]
        dz_inc[h, t0 : t0 + 3] = -0.5 * inc_person[h, t0 : t0 + 3]

    income = inc_person + support + rent + child_support + dz_inc
    # relatives outside the household help some households whose income collapses
    n_safe = np.maximum(n_t, 1.0)
    kin = hhd["kin_help"][:, None] * n_safe
    income = income + np.where(income / n_safe < 600, kin, 0.0)
    s = hhd["savings0"].copy()
    prog = _Programmes(H, hhd, base)
    y_hist = np.zeros((H, T))
    sav_hist = np.zeros((H, T))
    med_paid = np.zeros((H, T))
    school_paid = np.zeros((H, T))
    benefit_hist = np.zeros((H, T))
    shock_month = _shock_months(hh, H, t_ill, t_acc, t_death, t_dz)
    for t in range(T):
        n = np.maximum(n_t[:, t], 1.0)
        benefit = prog.benefit(t)
        m_paid = med_h[:, t] * (1 - prog.med_aid)
        s_paid = school_h[:, t] * (1 - prog.school_aid(t))
        disp = income[:, t] + benefit - m_paid - s_paid
        need = P.MIN_SPEND * n**0.8
        spend = need + P.SPEND_SURPLUS * np.maximum(0.0, disp - need)
        s = s + disp - spend + oneoff[:, t] + prog.temp_paid(t)
        if dv.any():
            leaving = t_dv_h == t
            s = np.where(leaving, s * (1 - hev["split"]), s)
        s = np.maximum(s, 0.0)
        y_hist[:, t] = disp / n
        sav_hist[:, t] = s
        med_paid[:, t] = m_paid
        school_paid[:, t] = s_paid
        benefit_hist[:, t] = benefit
        prog.step(rnd, t, vis, n_t, s, income, med_h, shock_month, pp, hhd)

    last = slice(T - P.INCOME_MONTHS, T)
    n_end = n_t[:, -1]
    disp6 = (
        income[:, last] + benefit_hist[:, last] - med_paid[:, last] - school_paid[:, last]
    ).mean(1)
    y = np.where(n_end > 0, disp6 / np.maximum(n_end, 1), np.inf)
    gap = np.maximum(P.DIBAO - y, 0.0) * n_end
    hardship = (y < P.DIBAO) & (s < P.BUFFER_MONTHS * gap) & (n_end > 0)
    out = Outcome(
        y=y,
        savings=s,
        n=n_end,
        hardship=hardship,
        gross_income6=(income[:, last] + benefit_hist[:, last]).mean(1),
        med6=med_paid[:, last].mean(1),
        school6=school_paid[:, last].mean(1),
    )
    if keep:
        out.mats = dict(
            gross=gross,
            net=net,
            pension=pension,
            ub=ub,
            med=med,
            school=school,
            member=member,
            alive=alive,
            is_formal=is_formal_t,
            si_base=si_base,
            hf=hf,
            tax=tax,
            flex=flex,
            t_death=t_death,
            t_leave=t_leave,
            t_leave_uni=t_leave_uni,
            t_grad=t_grad,
            t_pr=t_pr,
            t_unable=t_unable,
            t_dis_all=t_dis_all,
            t_lose=t_lose,
            t_re=t_re,
            re_formal=re_formal,
            t_ue=np.where(ue_reg, t_ue, NEVER),
            t_ret=t_ret,
            carer_t=carer_t,
            income=income,
            benefit=benefit_hist,
            savings=sav_hist,
            y=y_hist,
            n_t=n_t,
            vis=vis,
            t_dz=t_dz,
            t_dv=t_dv_h,
            ill_death=ill_death,
        )
        out.prog = prog
    return out


def _shock_months(hh, H, t_ill, t_acc, t_death, t_dz):
    """Per household, the months in which a sudden event struck (for temporary aid)."""
    m = np.zeros((H, T), dtype=bool)
    for t_arr in (t_ill, t_acc, t_death):
        idx = np.flatnonzero(t_arr < T)
        m[hh[idx], t_arr[idx]] = True
    idx = np.flatnonzero(t_dz < T)
    m[idx, t_dz[idx]] = True
    return m


def _carers(pp, base, t_dis_all, member):
    """Month from which a member cuts work to care for a severely disabled relative."""
    N = len(pp["hh"])
    hh = pp["hh"]
    first = base.hh["first"]
    out = np.full(N, NEVER)
    severe_new = (t_dis_all < T) & (base.ev["dis_grade"] <= 2) & base.ev["care"]
    severe_old = pp["disabled"] & (pp["grade"] <= 2) & base.ev["care"]
    need = np.flatnonzero(severe_new | severe_old)
    ages = pp["age0"]
    nxt = np.r_[first[1:], N]
    for p in need:
        h = hh[p]
        t0 = 0 if severe_old[p] else t_dis_all[p]
        cands = [
            q
            for q in range(first[h], nxt[h])
            if q != p and 18 <= ages[q] < 60 and pp["lab0"][q] in (FORMAL, INFORMAL, SELF)
        ]
        if cands:
            q = cands[0]
            out[q] = min(out[q], t0)
    return out


def _school(pp, base):
    """Schooling spending per person and month (term months only)."""
    N = len(pp["hh"])
    months = base.months
    cost = np.zeros((N, T))
    for t, m in enumerate(months):
        if m.month in (2, 7, 8):
            continue
        stage = school_stage(pp, m)
        for st, (lo, hi) in P.SCHOOL_COST.items():
            sel = stage == st
            if sel.any():
                frac = (pp["school_level"][sel] - 0.5).clip(0, 1.5) / 1.5
                cost[sel, t] = lo + (hi - lo) * frac
    return cost


def school_stage(pp, day: dt.date) -> np.ndarray:
    """Each person's school stage on a day ('' when not in school)."""
    N = len(pp["hh"])
    sy = day.year if day.month >= 9 else day.year - 1
    sept = np.datetime64(dt.date(sy, 9, 1), "D")
    a = (sept - pp["birth"]).astype(int) / 365.25
    stage = np.full(N, "", dtype=object)
    stage[(a >= 3) & (a < 6) & pp["kinder"]] = "学前"
    stage[(a >= 6) & (a < 12)] = "小学"
    stage[(a >= 12) & (a < 15)] = "初中"
    stage[(a >= 15) & (a < 18) & (pp["track"] == 1)] = "高中"
    stage[(a >= 15) & (a < 18) & (pp["track"] == 2)] = "中职"
    stage[(a >= 18) & (a < 22) & pp["uni"] & (pp["track"] == 1)] = "本科"
    stage[(a >= 18) & (a < 21) & pp["uni"] & (pp["track"] == 2)] = "高职"
    return stage


class _Programmes:
    """Social assistance as the bureau runs it: households apply (or not) when what an
    investigation would find is below the line; benefits top up to the standard; reviews stop
    them; temporary aid after a sudden event; medical aid for recipients."""

    def __init__(self, H, hhd, base):
        self.H = H
        self.kind = np.full(H, "", dtype=object)  # 低保 / 特困 / 低保边缘
        self.amount = np.zeros(H)
        self.start = np.full(H, NEVER)
        self.review = np.full(H, NEVER)
        self.med_aid = np.zeros(H)
        self.claim = hhd["claim"]
        self.hazard = np.array([P.CLAIM_HAZARD[c] for c in self.claim])
        self.temp = np.zeros((H, P.MONTHS + 1))
        self.history = {"spells": [], "temp": [], "school_aid": []}
        self._school = np.zeros(H)

    def benefit(self, t):
        return np.where(np.isin(self.kind, ["低保", "特困"]), self.amount, 0.0)

    def temp_paid(self, t):
        return self.temp[:, t]

    def school_aid(self, t):
        return self._school

    def _stop(self, idx, t):
        for h in idx:
            self.history["spells"].append(
                (int(h), self.kind[h], int(self.start[h]), t, float(self.amount[h]))
            )
        self.kind[idx] = ""
        self.amount[idx] = 0.0
        self.start[idx] = NEVER
        self.review[idx] = NEVER
        self.med_aid[idx] = 0.0

    def step(self, rnd, t, vis, n_t, s, income, med_h, shock_month, pp, hhd):
        n = np.maximum(n_t[:, t], 1.0)
        lo = max(0, t - 2)
        assessed = vis[:, lo : t + 1].mean(1) / n
        assets_ok = s < P.ASSET_LIMIT_MONTHS * P.DIBAO * n
        no_car = ~hhd["car_expensive"]
        eligible = (assessed < P.DIBAO) & assets_ok & no_car & (n_t[:, t] > 0)
        single = n_t[:, t] == 1
        tekun_ok = eligible & single & hhd["no_supporter"] & (assessed < 0.6 * P.DIBAO)
        near = (assessed >= P.DIBAO) & (assessed < P.DIBIAN_FACTOR * P.DIBAO) & assets_ok & no_car
        if t == 0:
            # programmes already running when the window opens
            on = eligible & (rnd["p0"] < np.where(self.claim == "never", 0.04, 0.35))
            self.kind[on] = np.where(tekun_ok[on], "特困", "低保")
            self.start[on] = -rnd["p0_start"][on]
            self.review[on] = rnd["p0_review"][on]
            dib = on & (self.kind == "低保")
            self.amount[dib] = np.maximum(P.DIBAO - assessed[dib], 0.15 * P.DIBAO) * n[dib]
            self.amount[on & (self.kind == "特困")] = P.TEKUN_FACTOR * P.DIBAO
            edge = near & (self.claim == "prompt") & (rnd["p0_edge"] < 0.3)
            self.kind[edge] = "低保边缘"
            self.start[edge] = -(rnd["p0_start"][edge] % 29 + 1)
            self.review[edge] = rnd["p0_review"][edge]
        else:
            # reviews: stop or adjust
            due = self.review == t
            if due.any():
                stop = due & ((self.kind == "低保") | (self.kind == "特困")) & ~eligible
                stop |= due & (self.kind == "低保边缘") & ~near
                stop |= due & (n_t[:, t] == 0)
                self._stop(np.flatnonzero(stop), t)
                keep = due & ~stop
                dib = keep & (self.kind == "低保")
                self.amount[dib] = np.maximum(P.DIBAO - assessed[dib], 0.15 * P.DIBAO) * n[dib]
                self.review[keep] = t + 12
            # applications
            need = (income[:, t] - med_h[:, t]) / n < 1.25 * P.DIBAO
            new = (self.kind == "") & eligible & need & (rnd["p_app"][:, t] < self.hazard)
            new_edge = (
                (self.kind == "")
                & near
                & (self.claim == "prompt")
                & (med_h[:, t] > 0.3 * income[:, t])
                & (rnd["p_edge"][:, t] < 0.08)
            )
            self.kind[new] = np.where(tekun_ok[new], "特困", "低保")
            self.kind[new_edge] = "低保边缘"
            both = new | new_edge
            self.start[both] = t + 1
            self.review[both] = t + 13
            dib = new & (self.kind == "低保")
            self.amount[dib] = np.maximum(P.DIBAO - assessed[dib], 0.15 * P.DIBAO) * n[dib]
            self.amount[new & (self.kind == "特困")] = P.TEKUN_FACTOR * P.DIBAO
        self.med_aid = np.select(
            [np.isin(self.kind, ["低保", "特困"]), self.kind == "低保边缘"], [0.7, 0.5], 0.0
        )
        # temporary aid after a sudden event, for households with little left
        hit = shock_month[:, t] & (s < 3 * P.DIBAO * n)
        p = np.where(self.kind != "", 0.35, np.where(self.claim == "never", 0.05, 0.22))
        grant = hit & (rnd["p_temp"][:, t] < p)
        if grant.any():
            amt = np.round(np.minimum(3 * P.DIBAO * n[grant], rnd["p_temp_amt"][grant, t]), -2)
            self.temp[grant, t + 1] += amt
            for h, a in zip(np.flatnonzero(grant), amt, strict=True):
                self.history["temp"].append((int(h), t + 1, float(a)))
        # school aid decided each September
        if hhd["months"][t].month == 9:
            poor = (self.kind != "") | ((assessed < 1.4 * P.DIBAO) & (rnd["p_school"][:, t] < 0.45))
            self._school = np.where(poor, 0.5, 0.0)
            self.history["school_aid"].append((t, np.flatnonzero(poor)))
