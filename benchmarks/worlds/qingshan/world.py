"""The qingshan world: a month-by-month agent-based simulation of one urban district.

Every person moves between states each month (employed formal or informal, unemployed, sick,
disabled, retired, in school, in prison, dead, or at home) with chances that depend on age, sex,
education, health and the street's economy. Every household holds a stock of savings that its
income adds to and its spending draws down. Hardship is not drawn: it is read off the state at
the as-of month (truth.py). Department records are written afterwards from what each department
would have seen (feeds.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import numpy as np

from . import geography, ids, names
from . import health as H
from . import params as K
from .areas import HUBEI, OTHER_PROVINCES

FORMAL, INFORMAL, UNEMP, SICK, DISABLED, RETIRED, SCHOOL, PRISON, DEAD, HOME = range(10)
STATE_NAMES = [
    "formal",
    "informal",
    "unemployed",
    "sick",
    "disabled",
    "retired",
    "school",
    "prison",
    "dead",
    "home",
]
WORKING = (FORMAL, INFORMAL)
# Unemployment reasons (the catalogue's 失业原因)
UR_REASONS = ["解除劳动合同", "劳动合同期满", "单位破产关闭", "个人辞职", "毕业未就业", "其他"]


class Events:
    """Append-only columns of one kind of event."""

    def __init__(self):
        self.parts: dict[str, list[dict]] = {}

    def add(self, event: str, **cols) -> None:
        n = None
        for v in cols.values():
            if np.ndim(v):
                n = len(v)
                break
        if n == 0:
            return
        if n is None:
            cols = {k: np.array([v]) for k, v in cols.items()}
        else:
            cols = {k: (np.asarray(v) if np.ndim(v) else np.full(n, v)) for k, v in cols.items()}
        self.parts.setdefault(event, []).append(cols)

    def frame(self, kind: str):
        import pandas as pd

        parts = self.parts.get(kind, [])
        if not parts:
            return pd.DataFrame()
        keys = parts[0].keys()
        return pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in keys})


PERSON_FIELDS = {
    "hh": (np.int32, -1),
    "male": (np.bool_, False),
    "birth": ("datetime64[D]", np.datetime64("1970-01-01")),
    "edu": (np.int8, 0),
    "frail": (np.float32, 0.0),
    "alive": (np.bool_, True),
    "present": (np.bool_, True),
    "reg_until": (np.int16, 9999),  # last month the register still lists a dead person
    "death_t": (np.int16, -1),
    "left_t": (np.int16, -1),  # month the person moved out of the district
    "joined_t": (np.int16, -1),  # month born or moved in (-1: there from the start)
    "gen": (np.int8, 0),
    "inlaw": (np.bool_, False),
    "spouse": (np.int32, -1),
    "childless": (np.bool_, False),
    "state": (np.int8, HOME),
    "prev_state": (np.int8, HOME),
    "job_kept": (np.bool_, False),
    "wage_f": (np.float32, 0.0),
    "wage_i": (np.float32, 0.0),
    "employer": (np.int32, -1),
    "hpf": (np.bool_, False),
    "hpf_rate": (np.float32, 0.0),
    "flex": (np.bool_, False),
    "career": (np.float32, 0.0),  # years of formal contributions
    "pension_kind": (np.int8, 0),  # 0 none, 1 worker, 2 resident
    "pension": (np.float32, 0.0),
    "pension_ym": (np.int32, 0),
    "chronic": (np.int8, -1),
    "chronic_cost": (np.float32, 0.0),
    "chronic_reg": (np.bool_, False),
    "chronic_reg_ym": (np.int32, 0),
    "chronic_since": (np.int16, -99),
    "next_visit": (np.int16, 0),
    "ill": (np.int8, -1),  # serious illness under treatment (index into health.SERIOUS)
    "accident": (np.int8, -1),  # accident injury under treatment (index into health.ACCIDENTS)
    "ill_left": (np.int16, 0),
    "ill_t": (np.int16, -99),
    "sick_months": (np.int16, 0),
    "ill_cost": (np.float32, 0.0),
    "ill_death": (np.float32, 0.0),
    "ill_hospital": (np.int8, 0),
    "ill_reg": (np.bool_, False),  # 门诊特殊病 registration for a serious illness
    "ill_reg_ym": (np.int32, 0),
    "disab": (np.int8, 0),  # grade 1..4, 0 none
    "disab_type": (np.int8, 0),
    "disab_cert": (np.bool_, False),
    "disab_cert_date": ("datetime64[D]", np.datetime64("2000-01-01")),
    "disab_t": (np.int16, -99),
    "caregiver": (np.bool_, False),
    "prison_left": (np.int16, 0),
    "prison_t": (np.int16, -99),
    "ub_left": (np.int16, 0),
    "ur_reg": (np.bool_, False),
    "ur_date": ("datetime64[D]", np.datetime64("2000-01-01")),
    "ur_reason": (np.int8, 0),
    "ur_employer": (np.int32, -1),
    "ur_hard": (np.bool_, False),
    "ur_no": (np.int32, -1),
    "sep_t": (np.int16, -99),
    "business": (np.int32, -1),
    "stage": (np.int8, -1),
    "track": (np.int8, -1),  # chosen at 15 (高中 3 / 中职 4) and at 18 (本科 6 / 高职 5 / none)
    "school_cost": (np.float32, 0.0),
    "school": (np.int32, -1),
    "enrol_date": ("datetime64[D]", np.datetime64("2000-01-01")),
    "ins_type": (np.int8, 2),  # 1 employee, 2 resident
    "ins_ok": (np.bool_, True),
    "ins_date": ("datetime64[D]", np.datetime64("2000-01-01")),
    "last_earn": (np.float32, 0.0),
    "earn": (np.float32, 0.0),
}


class World:
    def __init__(self, households: int, seed: int, as_of: dt.date, progress=None):
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.as_of = as_of
        self.T = K.MONTHS
        last = as_of.year * 12 + as_of.month - 1
        self.ym0 = last - (self.T - 1)
        self.ev = Events()
        self.progress = progress
        self.comms = geography.communities(self.rng)
        self._population(households)
        self._employers()
        self._start_states()
        self._businesses()
        self._household_economy()
        self._start_programmes()

    # ------------------------------------------------------------------ calendar helpers

    def ym_of(self, t: int) -> tuple[int, int]:
        ym = self.ym0 + t
        return ym // 12, ym % 12 + 1

    def month_start(self, t: int) -> np.datetime64:
        y, m = self.ym_of(t)
        return np.datetime64(f"{y:04d}-{m:02d}-01")

    def days_in(self, t: int) -> int:
        y, m = self.ym_of(t)
        n = calendar.monthrange(y, m)[1]
        return min(n, self.as_of.day) if t == self.T - 1 else n

    def dates_in(self, t: int, n: int) -> np.ndarray:
        return self.month_start(t) + self.rng.integers(0, self.days_in(t), n).astype(
            "timedelta64[D]"
        )

    def ages(self, t: float, idx=None) -> np.ndarray:
        y, m = self.ym_of(int(t))
        mid = np.datetime64(f"{y:04d}-{m:02d}-15")
        b = self.birth[: self.n] if idx is None else self.birth[idx]
        return ((mid - b).astype("timedelta64[D]").astype(np.float64) / 365.25).astype(np.float32)

    # ------------------------------------------------------------------ people

    def _alloc(self, cap: int) -> None:
        self.cap = cap
        for name, (dtype, default) in PERSON_FIELDS.items():
            setattr(self, name, np.full(cap, default, dtype=dtype))
        for name in ("name", "sur", "idno", "phone", "phone_old", "person_no", "psn_no", "area"):
            setattr(self, name, np.full(cap, None, dtype=object))

    def _population(self, n_hh: int) -> None:
        rng = self.rng
        kinds = rng.choice(len(K.TEMPLATES), n_hh, p=[w for _, w in K.TEMPLATES])
        self.template = kinds
        u = rng.random((n_hh, 16))
        hh_l, age_l, male_l, gen_l, inlaw_l, sp_l = [], [], [], [], [], []
        builders = [_TEMPLATE_BUILDERS[name] for name, _ in K.TEMPLATES]
        for h in range(n_hh):
            members = builders[kinds[h]](u[h])
            base = len(hh_l)
            for age, male, gen, inlaw, sp in members:
                hh_l.append(h)
                age_l.append(age)
                male_l.append(male)
                gen_l.append(gen)
                inlaw_l.append(inlaw)
                sp_l.append(-1 if sp < 0 else base + sp)
        n = len(hh_l)
        self._alloc(int(n * 1.12) + 1000)
        self.n = n
        self.H = n_hh
        s = slice(0, n)
        self.hh[s] = hh_l
        self.male[s] = male_l
        self.gen[s] = gen_l
        self.inlaw[s] = inlaw_l
        self.spouse[s] = sp_l
        t0 = self.month_start(0)
        age = np.array(age_l)
        self.birth[s] = t0 - np.round(age * 365.25 + rng.random(n) * 30).astype("timedelta64[D]")
        self.frail[s] = rng.normal(0, 1, n)
        years = self.birth[s].astype("datetime64[Y]").astype(int) + 1970
        self.edu[s] = _draw_edu(years, rng)
        # spouses resemble each other in schooling
        sp = self.spouse[s]
        has = (sp >= 0) & (np.arange(n) > sp) & (rng.random(n) < 0.6)
        self.edu[np.where(has)[0]] = np.clip(
            self.edu[sp[has]] + rng.integers(-1, 2, has.sum()), 0, 4
        )
        self.head = np.zeros(n_hh, dtype=np.int32)
        first = np.r_[0, np.flatnonzero(np.diff(self.hh[s])) + 1]
        self.head[:] = first
        self._names(0, n, years)
        self._identities(0, n, years, newborn=age < 1)

    def _names(self, lo: int, hi: int, years) -> None:
        rng = self.rng
        n = hi - lo
        sur = names.draw_surnames(n, rng)
        # children and the head's own parents carry the family surname (the father's)
        hh = self.hh[lo:hi]
        fam = {}
        for i in range(n):
            h = hh[i]
            if h not in fam and self.gen[lo + i] == 0 and self.male[lo + i]:
                fam[h] = sur[i]
        for i in range(n):
            g = self.gen[lo + i]
            if g != 0 and not self.inlaw[lo + i] and hh[i] in fam and rng.random() < 0.92:
                if g > 0 or self.male[lo + i]:
                    sur[i] = fam[hh[i]]
        given = names.draw_given(self.male[lo:hi], np.asarray(years), rng)
        self.sur[lo:hi] = sur
        self.name[lo:hi] = [a + b for a, b in zip(sur, given, strict=True)]

    def _identities(self, lo: int, hi: int, years, newborn) -> None:
        rng = self.rng
        n = hi - lo
        areas = ids.draw_areas(np.asarray(years), rng, list(OTHER_PROVINCES), HUBEI)
        areas[np.asarray(newborn)] = ids.WUCHANG
        # a retired code only for people first registered before it was retired
        for code, until in ids.RETIRED_UNTIL.items():
            bad = (areas == code) & (np.asarray(years) > until)
            areas[bad] = ids.WUCHANG
        self.area[lo:hi] = areas
        if not hasattr(self, "_taken"):
            self._taken: set[str] = set()
            self._pno_a = int(rng.integers(10**9, 10**10)) * 10 + 3
            self._pno_b = int(rng.integers(0, 10**11))
        taken = self._taken
        numbers = ids.make_ids(areas, self.birth[lo:hi], self.male[lo:hi], rng)
        for i, num in enumerate(numbers):  # after births or move-ins: avoid any earlier number
            while num in taken:
                body = num[:14] + f"{(int(num[14:17]) + 2) % 1000:03d}"
                num = body + ids.check_char(body)
            taken.add(num)
            numbers[i] = num
        self.idno[lo:hi] = numbers
        # unique per person: an affine map of the index (a is odd and not a multiple of 5)
        a, b = self._pno_a, self._pno_b
        self.person_no[lo:hi] = [f"R{(a * i + b) % 10**11:011d}" for i in range(lo, hi)]
        self.psn_no[lo:hi] = [f"4200{(a * i + b * 7) % 10**16:016d}" for i in range(lo, hi)]
        age = self.ages(0, np.arange(lo, hi))
        has_phone = (age >= 15) & (rng.random(n) < np.where(age >= 80, 0.6, 0.96))
        prefixes = np.array(["13", "15", "17", "18", "19", "13", "15", "18"])
        nums = rng.integers(0, 10**9, n)
        pre = prefixes[rng.integers(0, len(prefixes), n)]
        phones = np.array([f"{p}{d:09d}" for p, d in zip(pre, nums, strict=True)], dtype=object)
        phones[~has_phone] = None
        self.phone[lo:hi] = phones
        old = has_phone & (rng.random(n) < 0.12)
        nums2 = rng.integers(0, 10**9, n)
        olds = np.array([f"{p}{d:09d}" for p, d in zip(pre, nums2, strict=True)], dtype=object)
        olds[~old] = None
        self.phone_old[lo:hi] = olds

    def new_people(self, hh, male, gen, inlaw, birth, t) -> np.ndarray:
        """Add people born or moving in this month; returns their indices."""
        k = len(hh)
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        lo, hi = self.n, self.n + k
        if hi > self.cap:
            raise RuntimeError("population capacity exceeded")
        self.n = hi
        idx = np.arange(lo, hi)
        self.hh[idx] = hh
        self.male[idx] = male
        self.gen[idx] = gen
        self.inlaw[idx] = inlaw
        self.birth[idx] = birth
        self.joined_t[idx] = t
        self.frail[idx] = self.rng.normal(0, 1, k)
        years = self.birth[idx].astype("datetime64[Y]").astype(int) + 1970
        self.edu[idx] = _draw_edu(years, self.rng)
        self._names(lo, hi, years)
        newborn = (self.month_start(t) - self.birth[idx]).astype(int) < 366
        self._identities(lo, hi, years, newborn)
        return idx

    # ------------------------------------------------------------------ economy at the start

    def _employers(self) -> None:
        rng = self.rng
        E = max(300, self.n // 60)
        self.E = E
        self.emp_size = rng.pareto(1.1, E) + 1
        self.emp_public = rng.random(E) < 0.12
        self.emp_floor = (~self.emp_public) & (rng.random(E) < 0.35)  # declares the floor base
        self.emp_street = rng.integers(0, len(geography.STREETS), E)
        self.emp_hpf = np.where(self.emp_public, 0.95, rng.uniform(0.2, 0.9, E))
        self.emp_p = self.emp_size / self.emp_size.sum()

    def hire(self, idx: np.ndarray) -> None:
        rng = self.rng
        k = len(idx)
        if not k:
            return
        emp = rng.choice(self.E, k, p=self.emp_p)
        self.employer[idx] = emp
        self.hpf[idx] = rng.random(k) < self.emp_hpf[emp] * np.array([0.5, 0.7, 0.9, 1.0, 1.1])[
            self.edu[idx]
        ].clip(0, 1)
        self.hpf_rate[idx] = rng.choice([0.05, 0.08, 0.10, 0.12], k)
        self.ins_type[idx] = 1
        self.ins_ok[idx] = True

    def _start_states(self) -> None:
        rng = self.rng
        n = self.n
        age = self.ages(0)
        edu = self.edu[:n]
        male = self.male[:n]
        st = np.full(n, HOME, dtype=np.int8)
        retire_age = self.retire_age(np.arange(n))
        # children and students, by school age (the age the school year counts)
        sa = self.school_age(0)
        child = sa < 3
        st[(sa >= 3) & (sa <= 17)] = SCHOOL
        # tracks: 15-17 in 高中 or 中职 (a few out of school)
        u = rng.random(n)
        teen = (sa >= 15) & (sa <= 17)
        self.track[:n][teen] = np.where(u[teen] < 0.72, 3, 4)
        out = teen & (u > 0.95)
        st[out] = UNEMP
        self.track[:n][out] = -1
        parent_edu = self._parent_edu()
        p_college = np.array([0.15, 0.3, 0.5, 0.7, 0.85])[parent_edu]
        young = (sa >= 18) & (sa <= 21)
        u2 = rng.random(n)
        col = young & (u2 < p_college)
        st[col] = SCHOOL
        self.track[:n][col] = np.where(rng.random(col.sum()) < 0.7, 6, 5)
        # 高职 lasts three years
        done = col & (self.track[:n] == 5) & (sa == 21)
        st[done] = HOME
        col &= ~done
        self.track[:n][young & ~col] = -1
        # working age
        work = (age >= 16) & (age < retire_age) & (st != SCHOOL)
        work |= young & ~col
        u3 = rng.random(n)
        pf = np.array(K.P_FORMAL)[edu] * np.where(age >= 50, 0.75, 1.0)
        pi = np.array(K.P_INFORMAL)[edu]
        female_home = np.where(~male & (age >= 40), 0.12, np.where(~male, 0.05, 0.02))
        st[work] = np.select(
            [
                u3 < pf,
                u3 < pf + pi,
                u3 < pf + pi + K.P_UNEMP,
                u3 < pf + pi + K.P_UNEMP + female_home,
            ],
            [FORMAL, INFORMAL, UNEMP, HOME],
            INFORMAL,
        )[work]
        old = age >= retire_age
        st[old] = RETIRED
        # some pensioners under 70 still earn informally
        st[old & (age < 70) & (rng.random(n) < 0.18)] = INFORMAL
        st[child] = HOME
        self.state[:n] = st
        # earnings potential
        self.wage_f[:n] = self.wage_draw(np.arange(n), age)
        self.wage_i[:n] = self.informal_draw(np.arange(n), age)
        # careers: years of formal contributions
        yrs = np.clip(age - 20, 0, None)
        share = np.where(st == FORMAL, rng.uniform(0.6, 1.0, n), rng.uniform(0.0, 0.45, n))
        self.career[:n] = yrs * share
        formal = np.flatnonzero(st == FORMAL)
        self.hire(formal)
        # pensions of those already past retirement age
        self._pension_at_start(age, retire_age)
        # flexible-employment contributions among informal workers
        inf = (st == INFORMAL) & (age < retire_age) & (age >= 25)
        self.flex[:n] = inf & (rng.random(n) < 0.3)
        # unemployed at start: some registered, some with benefit
        un = np.flatnonzero(st == UNEMP)
        reg = un[rng.random(len(un)) < 0.4]
        months_ago = rng.integers(1, 14, len(reg))
        self.ur_reg[reg] = True
        self.ur_date[reg] = self.month_start(0) - (months_ago * 30).astype("timedelta64[D]")
        self.ur_reason[reg] = rng.choice([0, 1, 2, 3, 5], len(reg), p=[0.4, 0.25, 0.1, 0.15, 0.1])
        self.sep_t[un] = -rng.integers(1, 14, len(un))
        ben = reg[(self.career[reg] >= 1) & (self.ur_reason[reg] != 3)]
        self.ub_left[ben] = np.clip(12 - rng.integers(0, 12, len(ben)), 1, None)
        self.ur_hard[reg] = (~self.male[reg] & (age[reg] >= 40)) | (age[reg] >= 50)
        # health and disability at the start
        self._chronic_at_start(age)
        self._disability_at_start(age)
        # school stages
        self._assign_stages(0)
        # prison at start
        pr = (
            self.male[:n]
            & (age >= 20)
            & (age < 50)
            & (rng.random(n) < np.where(edu <= 1, 0.004, 0.001))
        )
        self.state[:n][pr] = PRISON
        self.prison_left[:n][pr] = rng.integers(2, 48, pr.sum())
        self.prison_t[:n][pr] = -rng.integers(1, 24, pr.sum())
        self.employer[:n][pr] = -1
        # medical insurance: employees, otherwise resident scheme
        self.ins_type[:n] = np.where(self.state[:n] == FORMAL, 1, 2)
        retired_worker = self.pension_kind[:n] == 1
        self.ins_type[:n][retired_worker] = 1
        self.ins_ok[:n] = rng.random(n) < 0.97
        self.ins_date[:n] = np.maximum(
            self.birth[:n],
            np.datetime64("1999-01-01") + rng.integers(0, 8000, n).astype("timedelta64[D]"),
        )

    def _parent_edu(self) -> np.ndarray:
        """Highest schooling among the gen-0 adults of each person's household (for children)."""
        n = self.n
        best = np.zeros(self.H, dtype=np.int8)
        adult = (self.gen[:n] == 0) | (self.gen[:n] == 1)
        age = self.ages(0)
        adult &= age >= 22
        np.maximum.at(best, self.hh[:n][adult], self.edu[:n][adult])
        return best[self.hh[:n]]

    def retire_age(self, idx) -> np.ndarray:
        return np.where(self.male[idx], 60.0, np.where(self.edu[idx] >= 3, 55.0, 50.0))

    def wage_draw(self, idx, age) -> np.ndarray:
        rng = self.rng
        edu = self.edu[idx]
        curve = np.interp(
            age, [16, 22, 30, 40, 50, 60, 70], [0.55, 0.72, 0.95, 1.1, 1.08, 1.0, 0.9]
        )
        w = np.array(K.FORMAL_WAGE)[edu] * curve * np.where(self.male[idx], 1.0, K.FEMALE_PAY)
        w = np.maximum(w * np.exp(rng.normal(0, 0.35, len(idx))), K.MINIMUM_WAGE)
        return w.astype(np.float32)

    def informal_draw(self, idx, age) -> np.ndarray:
        rng = self.rng
        edu = self.edu[idx]
        curve = np.interp(age, [16, 22, 35, 50, 60, 70], [0.6, 0.8, 1.0, 0.95, 0.75, 0.6])
        w = np.array(K.INFORMAL_EARN)[edu] * curve * np.where(self.male[idx], 1.0, K.FEMALE_PAY)
        return (w * np.exp(rng.normal(0, 0.45, len(idx)))).astype(np.float32)

    def _pension_at_start(self, age, retire_age) -> None:
        rng = self.rng
        n = self.n
        edu = self.edu[:n]
        old = age >= retire_age
        p_worker = np.array([0.5, 0.72, 0.9, 0.95, 0.97])[edu] * np.where(self.male[:n], 1.0, 0.88)
        p_worker = np.where(self.birth[:n] < np.datetime64("1945-01-01"), p_worker * 0.9, p_worker)
        worker = old & (rng.random(n) < p_worker)
        self.pension_kind[:n][worker] = 1
        amt = K.WORKER_PENSION * (1 + 0.12 * (edu - 2)) * np.exp(rng.normal(0, 0.25, n))
        self.pension[:n][worker] = np.maximum(amt[worker], K.WORKER_PENSION_MIN)
        resident = (age >= K.ELDER_AGE) & ~worker & (rng.random(n) < 0.96)
        self.pension_kind[:n][resident] = 2
        self.pension[:n][resident] = K.RESIDENT_PENSION + rng.normal(0, 70, resident.sum()).clip(
            -120, 250
        )
        start = np.where(worker, retire_age, K.ELDER_AGE)
        years_ago = np.clip(age - start, 0, None)
        ym = (self.ym0 - np.floor(years_ago * 12)).astype(np.int32)
        self.pension_ym[:n] = np.where(worker | resident, ym, 0)
        self.career[:n][worker] = np.maximum(self.career[:n][worker], 15)

    def _chronic_at_start(self, age) -> None:
        rng = self.rng
        n = self.n
        prev = np.select(
            [age < a for a, _ in K.CHRONIC_PREVALENCE], [p for _, p in K.CHRONIC_PREVALENCE]
        )
        prev = prev * np.exp(0.4 * self.frail[:n]) / 1.08
        has = rng.random(n) < prev
        idx = np.flatnonzero(has)
        self._give_chronic(idx, age[idx], t=0, at_start=True)

    def _give_chronic(self, idx, age, t: int, at_start: bool = False) -> None:
        rng = self.rng
        if not len(idx):
            return
        w = np.array(H.CHRONIC_WEIGHTS)
        kinds = np.empty(len(idx), dtype=np.int8)
        for j, a in enumerate(age):
            ok = np.array([c.from_age <= a for c in H.CHRONIC])
            p = w * ok
            kinds[j] = rng.choice(len(H.CHRONIC), p=p / p.sum())
        self.chronic[idx] = kinds
        med = np.array([c.monthly for c in H.CHRONIC])[kinds]
        self.chronic_cost[idx] = med * np.exp(rng.normal(0, 0.35, len(idx)))
        self.chronic_since[idx] = -rng.integers(1, 120, len(idx)) if at_start else t
        reg_p = np.array([c.register for c in H.CHRONIC])[kinds]
        reg = rng.random(len(idx)) < (reg_p if at_start else reg_p * 0.4)
        self.chronic_reg[idx[reg]] = True
        back = rng.integers(1, 96, reg.sum()) if at_start else 0
        self.chronic_reg_ym[idx[reg]] = self.ym0 + t - back
        self.next_visit[idx] = t + rng.integers(0, 2, len(idx))
        # conditions that stop work
        nowork = ~np.array([c.work for c in H.CHRONIC])[kinds]
        age_ok = age < 60
        stop = idx[nowork & age_ok & (rng.random(len(idx)) < 0.7)]
        stop = stop[np.isin(self.state[stop], [FORMAL, INFORMAL, UNEMP, HOME])]
        self._leave_job(stop, t)
        self.state[stop] = DISABLED

    def _disability_at_start(self, age) -> None:
        rng = self.rng
        n = self.n
        prev = np.select([age < 18, age < 60, age < 80], [0.012, 0.03, 0.08], 0.18)
        has = rng.random(n) < prev
        idx = np.flatnonzero(has)
        grade = rng.choice([1, 2, 3, 4], len(idx), p=[0.12, 0.2, 0.3, 0.38])
        self._give_disability(idx, grade, t=0, at_start=True)

    def _give_disability(self, idx, grade, t: int, at_start=False, dtype=None) -> None:
        rng = self.rng
        k = len(idx)
        if not k:
            return
        self.disab[idx] = grade
        self.disab_type[idx] = (
            rng.choice(len(H.DISABILITY_TYPES), k, p=H.DISABILITY_TYPE_P)
            if dtype is None
            else dtype
        )
        self.disab_t[idx] = -rng.integers(1, 200, k) if at_start else t
        p_cert = np.where(grade <= 2, 0.85, 0.6)
        if not at_start:
            p_cert = p_cert * 0.5  # a new disability is certified later, if at all
        cert = rng.random(k) < p_cert
        days = rng.integers(30, 5000, k) if at_start else rng.integers(20, 120, k)
        base = self.month_start(t)
        self.disab_cert[idx[cert]] = True
        self.disab_cert_date[idx[cert]] = (
            base - days[cert].astype("timedelta64[D]")
            if at_start
            else base + days[cert].astype("timedelta64[D]")
        )
        age = self.ages(t, idx)
        severe = (grade <= 2) & (age >= 16) & (age < self.retire_age(idx))
        stop = idx[severe & (rng.random(k) < 0.85)]
        stop = stop[np.isin(self.state[stop], [FORMAL, INFORMAL, UNEMP, HOME, SICK])]
        self._leave_job(stop, t)
        self.state[stop] = DISABLED
        # a family member gives up work to care for a severely disabled person
        for i in idx[(grade <= 2) & (rng.random(k) < 0.35)]:
            h = self.hh[i]
            mates = self.members(h)
            mates = mates[(mates != i) & np.isin(self.state[mates], [INFORMAL, UNEMP, HOME])]
            if len(mates):
                c = mates[0]
                self._leave_job(np.array([c]), t)
                self.state[c] = HOME
                self.caregiver[c] = True

    def members(self, h: int) -> np.ndarray:
        if getattr(self, "_by_hh_n", -1) != self.n:
            order = np.argsort(self.hh[: self.n], kind="stable")
            self._by_hh_order = order
            self._by_hh_start = np.searchsorted(self.hh[: self.n][order], np.arange(self.H + 1))
            self._by_hh_n = self.n
        o = self._by_hh_order[self._by_hh_start[h] : self._by_hh_start[h + 1]]
        return o[self.alive[o] & self.present[o]]

    def school_age(self, t: int) -> np.ndarray:
        """Age counted by school years: 6 in the September a child starts primary school."""
        y, m = self.ym_of(t)
        sy = y if m >= 9 else y - 1
        b = self.birth[: self.n]
        by = b.astype("datetime64[Y]").astype(int) + 1970
        bm = b.astype("datetime64[M]").astype(int) % 12 + 1
        return sy - by - (bm >= 9)

    def _assign_stages(self, t: int, age=None) -> None:
        """School stage by school age (and track) — at the start and every September."""
        n = self.n
        st = self.state[:n]
        sa = self.school_age(t)
        stage = np.full(n, -1, dtype=np.int8)
        stage[(sa >= 3) & (sa <= 5)] = 0
        stage[(sa >= 6) & (sa <= 11)] = 1
        stage[(sa >= 12) & (sa <= 14)] = 2
        teen = (sa >= 15) & (sa <= 17)
        stage[teen] = np.where(self.track[:n][teen] == 4, 4, 3)
        college = (sa >= 18) & (sa <= 21) & (self.track[:n] >= 5)
        stage[college] = self.track[:n][college]
        stage[college & (self.track[:n] == 5) & (sa >= 21)] = -1
        stage[st != SCHOOL] = -1
        new = (stage >= 0) & (stage != self.stage[:n])
        self.stage[:n] = stage
        idx = np.flatnonzero(new)
        y, m = self.ym_of(t)
        sy = y if m >= 9 else y - 1
        first = np.array([3, 6, 12, 15, 15, 18, 18])[stage[idx]]
        years = sy - (sa[idx] - first)
        self.enrol_date[idx] = (years - 1970).astype("datetime64[Y]").astype(
            "datetime64[D]"
        ) + np.timedelta64(243, "D")
        cost = np.array(K.SCHOOL_COST)[stage[idx]] * np.exp(
            self.rng.normal(0, K.SCHOOL_COST_SPREAD, len(idx))
        )
        public_kg = (stage[idx] == 0) & (self.rng.random(len(idx)) < 0.5)
        cost[public_kg] *= 0.45
        self.school_cost[idx] = cost
        self.school[idx] = self.rng.integers(0, 40, len(idx))
        self.school_cost[:n][stage < 0] = 0

    def _businesses(self) -> None:
        """Registered businesses: 个体工商户 run by informal workers, a few companies."""
        rng = self.rng
        n = self.n
        age = self.ages(0)
        cand = np.flatnonzero(
            (self.state[:n] == INFORMAL) & (age >= 22) & (age < 65) & (rng.random(n) < 0.28)
        )
        comp = np.flatnonzero(
            (self.state[:n] == FORMAL) & (self.edu[:n] >= 3) & (age >= 30) & (rng.random(n) < 0.015)
        )
        self.B = 0
        self.biz_owner = np.full(len(cand) + len(comp) + n // 20 + 100, -1, dtype=np.int32)
        cap = len(self.biz_owner)
        self.biz_company = np.zeros(cap, dtype=bool)
        self.biz_profit = np.zeros(cap, dtype=np.float32)
        self.biz_open = np.zeros(cap, dtype=bool)
        self.biz_start = np.full(cap, np.datetime64("2000-01-01"), dtype="datetime64[D]")
        self.biz_end_t = np.full(cap, -1, dtype=np.int16)
        self.biz_capital = np.zeros(cap, dtype=np.float32)
        self.biz_industry = np.zeros(cap, dtype=np.int8)
        self.biz_partner = np.full(cap, -1, dtype=np.int32)
        self._open_business(cand, 0, at_start=True)
        b = self._open_business(comp, 0, at_start=True, company=True)
        # company owners keep their jobs' income as directors' pay; partners hold shares
        for j, owner in zip(b, comp, strict=True):
            sp = self.spouse[owner]
            if sp >= 0 and rng.random() < 0.5:
                self.biz_partner[j] = sp

    def _open_business(self, owners, t, at_start=False, company=False) -> np.ndarray:
        rng = self.rng
        k = len(owners)
        b = np.arange(self.B, self.B + k)
        self.B += k
        self.biz_owner[b] = owners
        self.biz_company[b] = company
        self.biz_open[b] = True
        med = 12000 if company else 4800
        self.biz_profit[b] = med * np.exp(rng.normal(0, 0.6, k))
        days = rng.integers(60, 6000, k) if at_start else rng.integers(0, self.days_in(t), k)
        self.biz_start[b] = (
            self.month_start(0) - days.astype("timedelta64[D]")
            if at_start
            else self.month_start(t) + days.astype("timedelta64[D]")
        )
        self.biz_capital[b] = np.where(
            company,
            rng.choice([100000, 300000, 500000, 1000000, 2000000], k),
            rng.choice([0, 10000, 30000, 50000, 100000], k),
        )
        self.biz_industry[b] = rng.integers(0, 6, k)
        if not company:
            self.business[owners] = b
        return b

    def _household_economy(self) -> None:
        rng = self.rng
        Hn = self.H
        n = self.n
        st = geography.street_shares()
        codes = [s[0] for s in geography.STREETS]
        self.street_of_comm = np.array([codes.index(c.street_code) for c in self.comms])
        street = rng.choice(len(st), Hn, p=st)
        comm_by_street = [np.flatnonzero(self.street_of_comm == s) for s in range(len(st))]
        cw = rng.uniform(0.5, 1.5, len(self.comms))
        self.comm = np.empty(Hn, dtype=np.int32)
        for s in range(len(st)):
            hs = np.flatnonzero(street == s)
            cs = comm_by_street[s]
            self.comm[hs] = rng.choice(cs, len(hs), p=cw[cs] / cw[cs].sum())
        self.street = street.astype(np.int16)
        self.hukou_no = np.array(
            [f"42{int(x):08d}" for x in rng.choice(10**8, Hn, replace=False)], dtype=object
        )
        self.address = np.array(
            [geography.address(self.comms[c], rng) for c in self.comm], dtype=object
        )
        moved = rng.random(Hn) < 0.12
        self.address_old = self.address.copy()
        for h in np.flatnonzero(moved):
            other = self.comms[rng.integers(len(self.comms))]
            self.address_old[h] = geography.address(other, rng)
        # permanent income at the start (for tenure, savings, cars)
        age = self.ages(0)
        earn = np.where(self.state[:n] == FORMAL, self.wage_f[:n], 0) + np.where(
            self.state[:n] == INFORMAL, self.wage_i[:n], 0
        )
        earn = earn + self.pension[:n]
        y = np.bincount(self.hh[:n], weights=earn, minlength=Hn)
        size = np.bincount(self.hh[:n], minlength=Hn)
        pc = y / np.maximum(size, 1)
        self.pc0 = pc
        rich = np.clip((pc - 1500) / 6000, 0, 1)
        u = rng.random(Hn)
        p_public = np.where(pc < 1400, 0.22, 0.02)
        p_rent = np.where(self.template <= 1, 0.45, 0.18) * (1.2 - 0.6 * rich)
        self.tenure = np.where(u < p_public, 2, np.where(u < p_public + p_rent, 1, 0)).astype(
            np.int8
        )
        self.rent = np.zeros(Hn, dtype=np.float32)
        priv = self.tenure == 1
        self.rent[priv] = rng.uniform(*K.RENT_PRIVATE, priv.sum()) * (0.8 + 0.4 * rich[priv])
        pub = self.tenure == 2
        self.rent[pub] = rng.uniform(*K.RENT_PUBLIC, pub.sum())
        head_age = age[self.head]
        own = self.tenure == 0
        self.mortgage = np.where(
            own & (head_age < 50) & (rng.random(Hn) < 0.3),
            rng.uniform(2000, 6500, Hn) * (0.6 + 0.8 * rich),
            0,
        ).astype(np.float32)
        self.mort_left = np.where(self.mortgage > 0, rng.integers(12, 300, Hn), 0).astype(np.int16)
        self.n_prop = np.where(
            own, 1 + (rng.random(Hn) < 0.05 + 0.25 * rich) + (rng.random(Hn) < 0.05 * rich), 0
        ).astype(np.int8)
        self.rent_income = np.where(self.n_prop >= 2, rng.uniform(1500, 4000, Hn), 0).astype(
            np.float32
        )
        self.car = rng.random(Hn) < 0.08 + 0.55 * rich
        self.car_price = np.where(
            self.car, np.exp(rng.normal(np.log(90000 + 150000 * rich), 0.4)), 0
        )
        # transfers from children living elsewhere (hidden from every department)
        elderly_hh = np.isin(self.template, [2, 3])
        childless = elderly_hh & (rng.random(Hn) < 0.14)
        self.childless_hh = childless
        p_tr = np.where(elderly_hh & ~childless, 0.5, np.where(self.template == 9, 0.3, 0.05))
        p_tr = p_tr * np.where(pc < 1500, 1.2, 0.8)
        self.transfer = np.where(
            rng.random(Hn) < p_tr, np.minimum(np.exp(rng.normal(np.log(700), 0.7, Hn)), 4000), 0
        ).astype(np.float32)
        self.child_support = np.zeros(Hn, dtype=np.float32)
        cs = np.flatnonzero((self.template == 6) & (rng.random(Hn) < 0.45))
        self.child_support[cs] = rng.uniform(600, 1800, len(cs))
        # consumption and savings
        self.alpha = rng.uniform(0.55, 0.9, Hn).astype(np.float32)
        needs = self.basic_living(0)
        surplus = np.maximum(y - needs - self.rent - self.mortgage, 0)
        months_med = np.interp(head_age, [20, 35, 50, 65, 80], [3, 8, 14, 20, 18])
        months_med = months_med * np.where(pc < 1.4 * K.STANDARD, 0.35, 1.0)
        wealth = np.exp(rng.normal(np.log(months_med), 1.0)) * (y + 0.5 * surplus)
        wealth[rng.random(Hn) < 0.03] *= -0.2  # some start in debt
        self.savings = wealth.astype(np.float64)
        self.program = np.zeros(Hn, dtype=np.int8)  # 0 none, 1 低保, 2 特困, 3 低保边缘
        self.benefit = np.zeros(Hn, dtype=np.float32)
        self.prog_start = np.full(Hn, np.datetime64("2000-01-01"), dtype="datetime64[D]")
        self.prog_review = np.zeros(Hn, dtype=np.int16)
        self.pending = np.full(Hn, -1, dtype=np.int16)
        self.pending_kind = np.zeros(Hn, dtype=np.int8)
        self.prog_episodes: list[list] = []  # [hh, kind, start, end, amount, size]
        self.episode_open: dict[int, int] = {}
        self.temp_aid: list[tuple] = []  # (hh, date, amount)
        self.prem_skip = np.zeros(Hn, dtype=bool)
        # monthly histories
        T = self.T
        self.h_income = np.zeros((Hn, T), dtype=np.float32)
        self.h_need = np.zeros((Hn, T), dtype=np.float32)
        self.h_med = np.zeros((Hn, T), dtype=np.float32)
        self.h_school = np.zeros((Hn, T), dtype=np.float32)
        self.h_care = np.zeros((Hn, T), dtype=np.float32)
        self.h_savings = np.zeros((Hn, T), dtype=np.float32)
        self.h_earn = np.zeros((Hn, T), dtype=np.float32)
        self.h_pension = np.zeros((Hn, T), dtype=np.float32)
        self.shocks: list[tuple] = []  # (hh, t, kind, person, monthly_loss, cost)
        # the flood: the last July before the as-of month
        self.flood_t = max(t for t in range(T - 1) if self.ym_of(t)[1] == 7)
        self.dissolved = np.zeros(Hn, dtype=bool)
        self.disaster_loss = np.zeros((Hn,), dtype=np.float32)

    def _start_programmes(self) -> None:
        """Households already helped when the window opens."""
        rng = self.rng
        assessed, size, classed = self.assessed_income(0)
        pc = assessed / np.maximum(size, 1)
        assets_ok = self.assets_ok()
        elig = (pc < K.STANDARD) & assets_ok & (size > 0)
        tekun = elig & self.childless_hh & (self.template == 2)
        take = elig & (rng.random(self.H) < np.where(tekun, 0.7, 0.22))
        edge = (
            (pc >= K.STANDARD)
            & (pc < K.EDGE_FACTOR * K.STANDARD)
            & assets_ok
            & (rng.random(self.H) < 0.12)
        )
        start = self.month_start(0) - rng.integers(30, 2500, self.H).astype("timedelta64[D]")
        for h in np.flatnonzero(take | edge):
            kind = 2 if tekun[h] and take[h] else (1 if take[h] else 3)
            self._grant(h, kind, assessed[h], size[h], classed[h], start[h], 0)
            self.prog_review[h] = rng.integers(1, 12)

    # ------------------------------------------------------------------ accounting helpers

    def live_mask(self) -> np.ndarray:
        n = self.n
        return self.alive[:n] & self.present[:n]

    def home_mask(self) -> np.ndarray:
        return self.live_mask() & (self.state[: self.n] != PRISON)

    def basic_living(self, t) -> np.ndarray:
        n = self.n
        home = self.home_mask()
        age = self.ages(t)
        child = home & (age < 14)
        adult = home & ~child
        a = np.bincount(self.hh[:n][adult], minlength=self.H)
        c = np.bincount(self.hh[:n][child], minlength=self.H)
        eq = np.where(a > 0, 1 + K.ADULT_WEIGHT * (a - 1), 0.6) + K.CHILD_WEIGHT * c
        eq[(a + c) == 0] = 0
        return K.LIVING * eq

    def needs(self, t) -> np.ndarray:
        """Basic needs of this world's hardship rule: 950 per member and month, 1.3× for a
        member aged 60+ or disabled (members in prison do not live at home)."""
        n = self.n
        home = self.home_mask()
        age = self.ages(t)
        w = np.where((age >= K.ELDER_AGE) | (self.disab[:n] > 0), K.ELDER_DISABLED_FACTOR, 1.0)
        return np.bincount(self.hh[:n][home], weights=(K.STANDARD * w)[home], minlength=self.H)

    def assessed_income(self, t):
        """What a means test sees: recorded wages and pensions, benefits, an estimate for a
        registered business, and an imputed amount for an able-bodied adult without a job."""
        n = self.n
        home = self.home_mask()
        st = self.state[:n]
        age = self.ages(t)
        inc = np.where(st == FORMAL, self.wage_f[:n], 0.0) + self.pension[:n]
        inc += np.where((st == UNEMP) & (self.ub_left[:n] > 0), K.UNEMPLOYMENT_BENEFIT, 0)
        declared = self.rng.random(n) < 0.5
        inc += np.where(
            (st == INFORMAL) & (self.business[:n] < 0),
            np.where(declared, self.wage_i[:n] * 0.8, 1100),
            0,
        )
        inc += np.where((st == INFORMAL) & (self.business[:n] >= 0), 2500, 0)
        able = (
            (age >= 18)
            & (age < self.retire_age(np.arange(n)))
            & np.isin(st, [UNEMP, HOME])
            & ~self.caregiver[:n]
        )
        able &= ~(self.ur_reg[:n] & self.ur_hard[:n])
        inc += np.where(able, 1100, 0)
        inc = np.where(home, inc, 0)
        hh = self.hh[:n]
        total = np.bincount(hh, weights=inc, minlength=self.H) + self.child_support
        size = np.bincount(hh[home], minlength=self.H)
        classed_p = home & (
            (age >= K.ELDER_AGE)
            | (self.disab[:n] > 0)
            | (self.ill[:n] >= 0)
            | (self.chronic[:n] == H.DIALYSIS)
        )
        classed = np.bincount(hh[classed_p], minlength=self.H)
        return total, size, classed

    def assets_ok(self) -> np.ndarray:
        size = np.maximum(np.bincount(self.hh[: self.n][self.home_mask()], minlength=self.H), 1)
        limit = 24 * K.STANDARD * size
        return (
            (self.savings < limit)
            & (self.n_prop <= 1)
            & ((~self.car) | (self.car_price < 60000))
            & (self.rent_income == 0)
        )

    @staticmethod
    def _amount(kind, assessed, size, classed) -> float:
        if kind == 3:
            return 0.0
        if kind == 2:
            return K.ELDER_DISABLED_FACTOR * K.STANDARD * size + 300
        top = K.STANDARD * size + K.CLASSED_SUPPLEMENT * K.STANDARD * classed
        return max(100.0, round(top - assessed, 0))

    def _grant(self, h, kind, assessed, size, classed, start, t) -> None:
        amount = self._amount(kind, assessed, size, classed)
        self.program[h] = kind
        self.benefit[h] = amount
        self.prog_start[h] = start
        self.prog_review[h] = t + 12
        self.episode_open[h] = len(self.prog_episodes)
        self.prog_episodes.append([h, kind, start, None, amount, size])

    def _stop(self, h, t) -> None:
        i = self.episode_open.pop(h, None)
        if i is not None:
            self.prog_episodes[i][3] = self.dates_in(t, 1)[0]
        self.program[h] = 0
        self.benefit[h] = 0

    def _leave_job(self, idx, t) -> None:
        idx = np.asarray(idx)
        if not len(idx):
            return
        self.employer[idx] = -1
        self.ub_left[idx] = 0
        self.flex[idx] = False

    # ------------------------------------------------------------------ the monthly loop

    def run(self) -> None:
        for t in range(self.T):
            self.t = t
            self.m_med = np.zeros(self.H)
            self.m_cost = np.zeros(self.H)  # one-off costs: funerals, disaster losses
            self.m_oneoff = np.zeros(self.H)  # one-off income: lump sums, relief, help
            self._year_turn(t)
            self._mortality(t)
            self._health(t)
            self._labour(t)
            self._school(t)
            self._retire(t)
            self._prison(t)
            self._family(t)
            self._disasters(t)
            self._business_month(t)
            self._money(t)
            self._programmes(t)
            if self.progress:
                self.progress(t + 1, self.T)

    def _year_turn(self, t) -> None:
        y, m = self.ym_of(t)
        if m != 1 or t == 0:
            return
        n = self.n
        live = self.live_mask()
        f = live & (self.state[:n] == FORMAL)
        self.wage_f[:n][f] *= np.exp(self.rng.normal(0.03, 0.04, f.sum())).astype(np.float32)
        w = live & (self.pension_kind[:n] == 1)
        self.pension[:n][w] *= 1 + K.PENSION_RAISE
        r = live & (self.pension_kind[:n] == 2)
        self.pension[:n][r] += K.RESIDENT_RAISE
        self.wage_i[:n][live] *= np.exp(self.rng.normal(0.02, 0.08, live.sum())).astype(np.float32)

    # ---- deaths

    def _mortality(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        q = np.where(age < 1, 0.003, np.where(age < 30, 0.0004, np.exp(-10.9 + 0.095 * age)))
        q = np.minimum(q, 0.6) / 12 * np.exp(0.3 * self.frail[:n])
        q *= np.where((self.disab[:n] > 0) & (self.disab[:n] <= 2), 2.0, 1.0)
        q *= np.where(
            self.chronic[:n] == H.DIALYSIS, 4.0, np.where(self.chronic[:n] >= 0, 1.3, 1.0)
        )
        q += np.where(self.ill[:n] >= 0, self.ill_death[:n], 0)
        die = np.flatnonzero(live & (rng.random(n) < q))
        if not len(die):
            return
        self._kill(die, t)

    def _kill(self, die, t, cause=None) -> None:
        rng = self.rng
        k = len(die)
        dates = self.dates_in(t, k)
        causes = np.empty(k, dtype=object)
        for j, i in enumerate(die):
            if cause is not None:
                causes[j] = cause
            elif self.ill[i] >= 0:
                causes[j] = H.SERIOUS[self.ill[i]].cause
            elif self.chronic[i] >= 0 and rng.random() < 0.5:
                causes[j] = {0: "脑血管疾病", 1: "其他疾病", 2: "呼吸系统疾病", 3: "心脏病"}.get(
                    int(self.chronic[i]), "其他疾病"
                )
            else:
                causes[j] = H.DEATH_OTHER[rng.integers(len(H.DEATH_OTHER))]
        place = rng.choice(
            ["医疗卫生机构", "家中", "养老服务机构", "来院途中", "其他场所"],
            k,
            p=[0.6, 0.3, 0.05, 0.03, 0.02],
        )
        self.ev.add("death", pid=die, t=t, date=dates, cause=causes, place=place)
        earn = self.last_earn[die]
        hh = self.hh[die]
        # the earner's income is lost to the household
        for i, h, e in zip(die, hh, earn, strict=True):
            if e > 1000 or self.pension[i] > 2000:
                self.shocks.append(
                    (
                        h,
                        t,
                        "death_earner",
                        i,
                        float(e + (self.pension[i] if self.pension_kind[i] == 1 else 0)),
                        0.0,
                    )
                )
        funeral = rng.uniform(15000, 40000, k)
        np.add.at(self.m_cost, hh, funeral)
        lump = np.where(
            (self.pension_kind[die] == 1) | (self.state[die] == FORMAL),
            rng.uniform(8000, 30000, k),
            0,
        )
        np.add.at(self.m_oneoff, hh, lump)
        self.alive[die] = False
        self.state[die] = DEAD
        self.death_t[die] = t
        lag = rng.choice([0, 1, 2, 4, 99], k, p=[0.55, 0.25, 0.08, 0.04, 0.08])
        self.reg_until[die] = np.minimum(t + lag, 9999)
        sp = self.spouse[die]
        self.spouse[sp[sp >= 0]] = -1
        self.spouse[die] = -1
        if self.business[die].max(initial=-1) >= 0:
            b = self.business[die]
            b = b[b >= 0]
            self.biz_open[b] = False
            self.biz_end_t[b] = t

    # ---- health

    def _inpatient(self, pid, t, total, diag, icd, hospital, days, work_injury=None) -> np.ndarray:
        """Record stays and return the self-paid amounts (after insurance and medical aid)."""
        rng = self.rng
        k = len(pid)
        if not k:
            return np.zeros(0)
        it = self.ins_type[pid]
        ok = self.ins_ok[pid]
        rate = np.where(it == 1, rng.normal(0.22, 0.05, k), rng.normal(0.38, 0.07, k)).clip(
            0.08, 0.65
        )
        self_pay = total * rate
        big = self_pay > 15000
        self_pay[big] = 15000 + (self_pay[big] - 15000) * 0.45
        if work_injury is not None:
            self_pay[work_injury] = total[work_injury] * 0.08
        self_pay[~ok] = total[~ok]
        prog = self.program[self.hh[pid]]
        aid = np.array([0, K.MEDICAL_AID[1], K.MEDICAL_AID[2], K.MEDICAL_AID[3]])[prog]
        self_pay = self_pay * (1 - aid)
        self_pay = np.round(self_pay, 2)
        total = np.round(total, 2)
        adm = self.dates_in(t, k)
        days = np.asarray(days)
        disc = adm + days.astype("timedelta64[D]")
        end = self.month_start(t) + np.timedelta64(self.days_in(t) - 1, "D")
        disc = np.minimum(disc, end)
        self.ev.add(
            "inpatient",
            pid=pid,
            t=t,
            admit=adm,
            discharge=disc,
            total=total,
            self_pay=self_pay,
            diag=diag,
            icd=icd,
            hospital=hospital,
            ins=np.where(ok, it, 0),
        )
        return self_pay

    def _outpatient(self, pid, t, total, diag, chronic_reg, kind) -> np.ndarray:
        rng = self.rng
        k = len(pid)
        if not k:
            return np.zeros(0)
        it = self.ins_type[pid]
        ok = self.ins_ok[pid]
        rate = np.where(
            chronic_reg,
            np.where(it == 1, 0.15, 0.35),
            np.where(it == 1, 0.45, 0.65),
        ) * rng.uniform(0.85, 1.15, k)
        self_pay = total * rate
        self_pay[~ok] = total[~ok]
        prog = self.program[self.hh[pid]]
        aid = np.array([0, K.MEDICAL_AID[1], K.MEDICAL_AID[2], K.MEDICAL_AID[3]])[prog]
        self_pay = np.round(self_pay * (1 - aid * 0.6), 2)
        hosp = np.where(
            chronic_reg | (rng.random(k) < 0.4),
            rng.integers(0, 8, k),
            rng.choice(list(H.CLINICS), k),
        )
        self.ev.add(
            "outpatient",
            pid=pid,
            t=t,
            date=self.dates_in(t, k),
            total=np.round(total, 2),
            self_pay=self_pay,
            diag=diag,
            kind=kind,
            hospital=hosp,
            ins=np.where(ok, it, 0),
        )
        return self_pay

    def _charge(self, pid, amount, hidden=True) -> None:
        if not len(pid):
            return
        extra = self.rng.uniform(*K.HIDDEN_MEDICAL, len(pid)) if hidden else 0
        np.add.at(self.m_med, self.hh[pid], amount * (1 + extra))

    def _health(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        frail = np.exp(0.5 * self.frail[:n])
        # new chronic conditions
        h = np.select([age < 40, age < 60, age < 75], [0.0001, 0.0006, 0.0015], 0.0022) * frail
        new = np.flatnonzero(live & (self.chronic[:n] < 0) & (rng.random(n) < h))
        self._give_chronic(new, age[new], t)
        # late registrations for chronic care
        late = np.flatnonzero(
            live & (self.chronic[:n] >= 0) & ~self.chronic_reg[:n] & (rng.random(n) < 0.012)
        )
        self.chronic_reg[late] = True
        self.chronic_reg_ym[late] = self.ym0 + t
        # chronic outpatient care
        due = np.flatnonzero(live & (self.chronic[:n] >= 0) & (self.next_visit[:n] <= t))
        if len(due):
            gap = rng.integers(1, 3, len(due))
            months = np.maximum(t - self.next_visit[due] + 1, 1)
            kinds = self.chronic[due]
            dial = kinds == H.DIALYSIS
            gap[dial] = 1
            total = self.chronic_cost[due] * months * rng.uniform(0.8, 1.2, len(due))
            diag = np.array([c.name for c in H.CHRONIC], dtype=object)[kinds]
            reg = self.chronic_reg[due]
            sp = self._outpatient(due, t, total, diag, reg, np.where(reg, "门诊慢特病", "普通门诊"))
            self._charge(due, sp)
            self.next_visit[due] = t + gap
        # ordinary visits
        p = np.select([age < 14, age < 45, age < 65], [0.035, 0.02, 0.04], 0.07)
        vis = np.flatnonzero(live & (rng.random(n) < p))
        total = np.exp(rng.normal(np.log(220), 0.8, len(vis)))
        diag = rng.choice(
            [
                "上呼吸道感染",
                "急性胃肠炎",
                "腰椎间盘突出",
                "高血压",
                "皮炎",
                "支气管炎",
                "牙周炎",
                "头晕",
            ],
            len(vis),
        )
        kind = np.where(rng.random(len(vis)) < 0.1, "急诊", "普通门诊")
        self._charge(vis, self._outpatient(vis, t, total, diag, np.zeros(len(vis), bool), kind))
        # ordinary hospital stays (gallstones, cataracts, pneumonia …): a cost, not a crisis
        p = np.select([age < 14, age < 45, age < 65, age < 75], [0.002, 0.002, 0.005, 0.009], 0.014)
        stay = np.flatnonzero(live & (self.ill[:n] < 0) & (rng.random(n) < p))
        k = len(stay)
        which = rng.integers(0, len(H.ORDINARY), k)
        total = np.array([o[2] for o in H.ORDINARY])[which] * np.exp(rng.normal(0, 0.4, k))
        diag = np.array([o[0] for o in H.ORDINARY], dtype=object)[which]
        icd = np.array([o[1] for o in H.ORDINARY], dtype=object)[which]
        sp = self._inpatient(
            stay, t, total, diag, icd, rng.integers(0, 8, k), rng.integers(2, 12, k)
        )
        self._charge(stay, sp)
        # serious illness under treatment: later months
        on = np.flatnonzero(live & (self.ill[:n] >= 0) & (self.ill_t[:n] < t))
        if len(on):
            cancer = np.isin(self.ill[on], [0, 1, 2, 3, 4, 8])
            stay = cancer & (rng.random(len(on)) < 0.55)
            cost = self.ill_cost[on] * rng.uniform(0.6, 1.4, len(on))
            s_idx = on[stay]
            diag = np.array([s.name for s in H.SERIOUS], dtype=object)[self.ill[s_idx]]
            icd = np.array([s.icd for s in H.SERIOUS], dtype=object)[self.ill[s_idx]]
            sp = self._inpatient(
                s_idx,
                t,
                cost[stay],
                diag,
                icd,
                self.ill_hospital[s_idx],
                rng.integers(3, 12, len(s_idx)),
            )
            self._charge(s_idx, sp)
            o_idx = on[~stay]
            diag = np.array([s.name for s in H.SERIOUS], dtype=object)[self.ill[o_idx]]
            reg = self.ill_reg[o_idx]
            sp = self._outpatient(
                o_idx, t, cost[~stay], diag, reg, np.where(reg, "门诊慢特病", "普通门诊")
            )
            self._charge(o_idx, sp)
            # cancers get the 门诊特殊病 registration after a while
            newreg = on[cancer & ~self.ill_reg[on] & (rng.random(len(on)) < 0.25)]
            self.ill_reg[newreg] = True
            self.ill_reg_ym[newreg] = self.ym0 + t
        # accident recovery months: rehabilitation outpatient
        acc = np.flatnonzero(live & (self.accident[:n] >= 0) & (self.ill_t[:n] < t))
        if len(acc):
            total = rng.uniform(500, 3000, len(acc))
            diag = np.array([a[0] for a in H.ACCIDENTS], dtype=object)[self.accident[acc]]
            self._charge(
                acc, self._outpatient(acc, t, total, diag, np.zeros(len(acc), bool), "普通门诊")
            )
        # end of treatment
        treating = live & ((self.ill[:n] >= 0) | (self.accident[:n] >= 0))
        self.ill_left[:n][treating] -= 1
        self.sick_months[:n][treating & (self.state[:n] == SICK)] += 1
        done = np.flatnonzero(treating & (self.ill_left[:n] <= 0))
        self._recover(done, t)
        # onsets: serious illness
        base = K.SERIOUS_BASE * np.power(2.0, (np.maximum(age, 20) - 30) / 10)
        free = live & (self.ill[:n] < 0) & (self.accident[:n] < 0)
        hit = np.flatnonzero(free & (rng.random(n) < base * frail))
        self._fall_ill(hit, age[hit], t)
        # onsets: accidents
        ra = np.select([age < 18, age < 60], [0.0002, K.ACCIDENT_RATE], 0.0008)
        acc_hit = np.flatnonzero(free & (rng.random(n) < ra))
        acc_hit = acc_hit[self.ill[acc_hit] < 0]
        self._accident(acc_hit, age[acc_hit], t)
        # care costs of disabled members
        dis = live & (self.disab[:n] > 0)
        care = np.where(self.disab[:n] <= 2, rng.uniform(600, 2500, n), rng.uniform(100, 300, n))
        carers = np.bincount(self.hh[:n][live & self.caregiver[:n]], minlength=self.H) > 0
        care = np.where(carers[self.hh[:n]] & (self.disab[:n] <= 2), care * 0.3, care)
        self.m_care = np.bincount(self.hh[:n][dis], weights=care[dis], minlength=self.H)

    def _fall_ill(self, idx, age, t) -> None:
        rng = self.rng
        if not len(idx):
            return
        male = self.male[idx]
        young = age < 45
        kinds = np.empty(len(idx), dtype=np.int8)
        sy = np.array([s.share_young for s in H.SERIOUS])
        so = np.array([s.share_old for s in H.SERIOUS])
        fem = np.array([s.female_only for s in H.SERIOUS])
        for j in range(len(idx)):
            p = (sy if young[j] else so) * ~(fem & male[j])
            kinds[j] = rng.choice(len(H.SERIOUS), p=p / p.sum())
        S = H.SERIOUS
        months = np.array([rng.integers(S[k].months[0], S[k].months[1] + 1) for k in kinds])
        first = np.array([S[k].first for k in kinds]) * np.exp(rng.normal(0, 0.3, len(idx)))
        self.ill[idx] = kinds
        self.ill_left[idx] = months
        self.ill_t[idx] = t
        self.ill_cost[idx] = np.array([S[k].monthly for k in kinds]) * np.exp(
            rng.normal(0, 0.3, len(idx))
        )
        self.ill_death[idx] = np.array([S[k].death for k in kinds])
        self.ill_hospital[idx] = rng.choice(
            8, len(idx), p=[0.22, 0.22, 0.12, 0.12, 0.12, 0.05, 0.05, 0.10]
        )
        self.ill_reg[idx] = False
        diag = np.array([S[k].name for k in kinds], dtype=object)
        icd = np.array([S[k].icd for k in kinds], dtype=object)
        sp = self._inpatient(
            idx, t, first, diag, icd, self.ill_hospital[idx], rng.integers(7, 30, len(idx))
        )
        self._charge(idx, sp)
        rep = rng.random(len(idx)) < 0.9
        self.ev.add(
            "diagnosis",
            pid=idx[rep],
            t=t,
            date=self.dates_in(t, rep.sum()),
            disease=diag[rep],
            icd=icd[rep],
            hospital=self.ill_hospital[idx][rep],
        )
        for i, c in zip(idx, sp, strict=True):
            self.shocks.append((self.hh[i], t, "illness", i, float(self.last_earn[i]), float(c)))
        self._sicken(idx, t)
        self._relatives_help(self.hh[idx], sp)

    def _accident(self, idx, age, t) -> None:
        rng = self.rng
        if not len(idx):
            return
        k = len(idx)
        kind = rng.integers(0, len(H.ACCIDENTS), k)
        total = rng.uniform(10000, 80000, k)
        at_work = (self.state[idx] == FORMAL) & (rng.random(k) < 0.35)
        diag = np.array([a[0] for a in H.ACCIDENTS], dtype=object)[kind]
        icd = np.array([a[1] for a in H.ACCIDENTS], dtype=object)[kind]
        hosp = rng.choice(8, k)
        sp = self._inpatient(
            idx, t, total, diag, icd, hosp, rng.integers(5, 25, k), work_injury=at_work
        )
        self._charge(idx, sp)
        fatal = rng.random(k) < 0.015
        self._kill(idx[fatal], t, cause="损伤和中毒")
        idx, kind, sp, at_work = idx[~fatal], kind[~fatal], sp[~fatal], at_work[~fatal]
        self.accident[idx] = kind
        self.ill_left[idx] = rng.integers(2, 9, len(idx))
        self.ill_t[idx] = t
        for i, c in zip(idx, sp, strict=True):
            self.shocks.append((self.hh[i], t, "accident", i, float(self.last_earn[i]), float(c)))
        self._sicken(idx, t, keep=at_work)
        self._relatives_help(self.hh[idx], sp)

    def _sicken(self, idx, t, keep=None) -> None:
        rng = self.rng
        working = np.isin(self.state[idx], [FORMAL, INFORMAL, UNEMP, HOME])
        age = self.ages(t, idx)
        working &= age >= 16
        w = idx[working]
        self.prev_state[w] = self.state[w]
        kept = (self.state[w] == FORMAL) & (rng.random(len(w)) < 0.6)
        if keep is not None:
            kept |= keep[working] & (self.state[w] == FORMAL)
        self.job_kept[w] = kept
        self.employer[w[~kept]] = -1
        self.state[w] = SICK
        self.sick_months[w] = 0

    def _recover(self, idx, t) -> None:
        rng = self.rng
        if not len(idx):
            return
        ill = self.ill[idx]
        acc = self.accident[idx] >= 0
        p_dis = np.where(acc, 0.12, np.array([s.disability for s in H.SERIOUS] + [0])[ill])
        disabled = rng.random(len(idx)) < p_dis
        renal = ill == H.RENAL
        self.ill[idx] = -1
        self.accident[idx] = -1
        self.ill_death[idx] = 0
        # kidney failure continues as dialysis
        r = idx[renal & (self.chronic[idx] != H.DIALYSIS)]
        self.chronic[r] = H.DIALYSIS
        self.chronic_cost[r] = H.CHRONIC[H.DIALYSIS].monthly * np.exp(rng.normal(0, 0.2, len(r)))
        self.chronic_reg[r] = True
        self.chronic_reg_ym[r] = self.ym0 + t
        self.chronic_since[r] = t
        self.next_visit[r] = t + 1
        sick = idx[self.state[idx] == SICK]
        age = self.ages(t, sick)
        back = np.where(
            self.job_kept[sick],
            FORMAL,
            np.where(
                age >= self.retire_age(sick),
                RETIRED,
                np.where((age >= 50) & (rng.random(len(sick)) < 0.3), HOME, UNEMP),
            ),
        )
        self.state[sick] = back
        self.sep_t[sick[back == UNEMP]] = t
        self.job_kept[sick] = False
        d = idx[disabled]
        grade = rng.choice([2, 3, 4], len(d), p=[0.35, 0.45, 0.2])
        self._give_disability(d, grade, t, dtype=np.full(len(d), 3))
        dial = idx[self.chronic[idx] == H.DIALYSIS]
        dial = dial[np.isin(self.state[dial], [FORMAL, INFORMAL, UNEMP])]
        dial = dial[rng.random(len(dial)) < 0.7]
        self._leave_job(dial, t)
        self.state[dial] = DISABLED

    def _relatives_help(self, hh, cost) -> None:
        rng = self.rng
        k = len(hh)
        give = rng.random(k) < 0.35
        amount = np.where(give, np.minimum(np.exp(rng.normal(np.log(6000), 0.8, k)), 50000), 0)
        np.add.at(self.m_oneoff, hh, amount)

    # ---- work

    def _labour(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        st = self.state[:n]
        age = self.ages(t)
        ra = self.retire_age(np.arange(n))
        wa = live & (age >= 16) & (age < ra)
        edu = self.edu[:n]
        down = self.downturn(t)[self.street_of_hh()]
        sep_mult = np.array(K.SEP_EDU)[edu] * np.where(age >= 50, 1.4, np.where(age < 25, 1.3, 1.0))
        sep_mult *= np.where(self.disab[:n] >= 3, 1.8, 1.0)
        sep_mult *= 1 + (K.DOWNTURN_SEP - 1) * down
        find_mult = np.array(K.FIND_EDU)[edu] * np.where(
            age >= 50, 0.35, np.where(age >= 40, 0.7, 1.0)
        )
        find_mult *= np.where(self.disab[:n] >= 3, 0.5, 1.0)
        find_mult *= 1 - (1 - K.DOWNTURN_FIND) * down
        u = rng.random(n)
        new = st.copy()
        f = wa & (st == FORMAL)
        p_sep = K.SEP_FORMAL * sep_mult
        lose_f = f & (u < p_sep)
        to_inf = f & ~lose_f & (u < p_sep + K.FORMAL_TO_INFORMAL)
        new[lose_f] = UNEMP
        new[to_inf] = INFORMAL
        i_ = wa & (st == INFORMAL)
        p_sep_i = K.SEP_INFORMAL * sep_mult
        lose_i = i_ & (u < p_sep_i) & (self.business[:n] < 0)
        to_f = (
            i_
            & ~lose_i
            & (u < p_sep_i + K.INFORMAL_TO_FORMAL * np.array([0.4, 0.7, 1, 1.5, 2])[edu])
            & (self.business[:n] < 0)
        )
        new[lose_i] = UNEMP
        new[to_f] = FORMAL
        un = wa & (st == UNEMP)
        pf = K.FIND_FORMAL * find_mult
        pi = K.FIND_INFORMAL * np.where(age >= 50, 0.6, 1.0) * (1 - 0.4 * down)
        ph = K.UNEMP_TO_INACTIVE * np.where(~self.male[:n], 2, 1) * np.where(age >= 50, 2, 1)
        get_f = un & (u < pf)
        get_i = un & ~get_f & (u < pf + pi)
        give_up = un & ~get_f & ~get_i & (u < pf + pi + ph)
        new[get_f] = FORMAL
        new[get_i] = INFORMAL
        new[give_up] = HOME
        hm = wa & (st == HOME) & ~self.caregiver[:n] & (age < 50)
        back = hm & (u < K.INACTIVE_TO_WORK)
        new[back] = np.where(rng.random(n) < 0.5, UNEMP, INFORMAL)[back]
        # older informal workers stop
        old_inf = live & (st == INFORMAL) & (age >= ra)
        stop = old_inf & (u < 0.01 + 0.004 * np.maximum(age - 60, 0))
        new[stop] = RETIRED
        # bookkeeping
        sep = np.flatnonzero(lose_f | lose_i)
        reason = np.where(
            lose_f[sep],
            rng.choice([0, 1, 2, 3], len(sep), p=[0.45, 0.25, 0.15, 0.15]),
            rng.choice([0, 3, 5], len(sep), p=[0.3, 0.3, 0.4]),
        )
        reason = np.where((down[sep] > 0) & lose_f[sep] & (rng.random(len(sep)) < 0.5), 2, reason)
        old_emp = self.employer[sep].copy()
        self._leave_job(np.flatnonzero(lose_f | to_inf | stop), t)
        self.state[:n] = new
        self.sep_t[sep] = t
        for i, r in zip(sep, reason, strict=True):
            if r != 3:
                self.shocks.append((self.hh[i], t, "job_loss", i, float(self.last_earn[i]), 0.0))
        self._register_unemployed(sep, reason, old_emp, t, formal=lose_f[sep])
        hired = np.flatnonzero(get_f | to_f)
        self.wage_f[hired] *= np.exp(rng.normal(-0.04, 0.12, len(hired))).astype(np.float32)
        self.wage_f[hired] = np.maximum(self.wage_f[hired], K.MINIMUM_WAGE)
        self.hire(hired)
        found = np.flatnonzero(get_f | get_i)
        self._unregister(found, formal=get_f[found], t=t)
        # flexible contributions start for some new informal workers
        ni = np.flatnonzero((get_i | to_inf) & (age < ra) & (age >= 25))
        self.flex[ni] = rng.random(len(ni)) < 0.25
        self.flex[np.flatnonzero(get_f | to_f)] = False
        inf_wa = np.flatnonzero(to_inf)
        self.ins_type[inf_wa] = 2

    def street_of_hh(self) -> np.ndarray:
        return self.street[self.hh[: self.n]]

    def downturn(self, t) -> np.ndarray:
        """Strength of the downturn (0..1) per street in month t."""
        out = np.zeros(len(geography.STREETS))
        s = [st[0] for st in geography.STREETS].index(geography.DOWNTURN_STREET)
        if K.DOWNTURN_FROM <= t < K.DOWNTURN_TO:
            out[s] = 1.0
        elif t >= K.DOWNTURN_TO:
            out[s] = max(0.4, 1 - 0.1 * (t - K.DOWNTURN_TO + 1))
        return out

    def _register_unemployed(self, idx, reason, old_emp, t, formal) -> None:
        rng = self.rng
        k = len(idx)
        if not k:
            return
        p = np.where(formal, 0.55, 0.12) * np.where(reason == 3, 0.5, 1.0)
        reg = rng.random(k) < p
        r = idx[reg]
        self.ur_reg[r] = True
        self.ur_date[r] = self.dates_in(t, len(r)) + rng.integers(0, 20, len(r)).astype(
            "timedelta64[D]"
        )
        self.ur_reason[r] = reason[reg]
        self.ur_employer[r] = old_emp[reg]
        age = self.ages(t, r)
        self.ur_hard[r] = (~self.male[r] & (age >= 40)) | (age >= 50) | (self.disab[r] > 0)
        ben = reg & formal & (reason != 3) & (self.career[idx] >= 1)
        b = idx[ben]
        self.ub_left[b] = np.where(self.career[b] < 5, 12, np.where(self.career[b] < 10, 18, 24))

    def _unregister(self, idx, formal, t) -> None:
        rng = self.rng
        reg = self.ur_reg[idx]
        cancel = reg & (rng.random(len(idx)) < np.where(formal, 0.95, 0.35))
        self.ur_reg[idx[cancel]] = False
        self.ub_left[idx] = 0

    # ---- school, retirement, prison

    def _school(self, t) -> None:
        y, m = self.ym_of(t)
        n = self.n
        live = self.live_mask()
        rng = self.rng
        if m == 7:  # leaving school after exams
            sa = self.school_age(t)
            st = self.state[:n]
            out = (
                live
                & (st == SCHOOL)
                & (
                    ((self.stage[:n] == 6) & (sa >= 21))
                    | ((self.stage[:n] == 5) & (sa >= 20))
                    | (np.isin(self.stage[:n], [3, 4]) & (sa >= 17))
                )
            )
            going_on = out & np.isin(self.stage[:n], [3, 4])
            parent_edu = self._parent_edu()
            p_col = np.array([0.2, 0.35, 0.55, 0.75, 0.88])[parent_edu] * np.where(
                self.stage[:n] == 4, 0.5, 1.0
            )
            col = going_on & (rng.random(n) < p_col)
            self.track[:n][col] = np.where(rng.random(n) < 0.65, 6, 5)[col]
            leave = out & ~col
            idx = np.flatnonzero(leave)
            self.state[idx] = UNEMP
            self.stage[idx] = -1
            self.school_cost[idx] = 0
            self.edu[idx] = np.where(self.track[idx] == 6, 4, np.where(self.track[idx] == 5, 3, 2))
            self.track[idx] = -1
            self.sep_t[idx] = t
            reg = idx[rng.random(len(idx)) < 0.2]
            self.ur_reg[reg] = True
            self.ur_date[reg] = self.dates_in(t, len(reg))
            self.ur_reason[reg] = 4
            self.wage_f[idx] = self.wage_draw(idx, np.full(len(idx), 22.0))
            self.wage_i[idx] = self.informal_draw(idx, np.full(len(idx), 22.0))
        if m == 9:
            sa = self.school_age(t)
            st = self.state[:n]
            start = live & (st == HOME) & (sa == 3)
            self.state[:n][start] = SCHOOL
            teen = live & (self.state[:n] == SCHOOL) & (sa == 15) & (self.track[:n] < 0)
            self.track[:n][teen] = np.where(rng.random(n) < 0.72, 3, 4)[teen]
            self._assign_stages(t)

    def _retire(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        prev = self.ages(t - 1) if t else age - 1 / 12
        ra = self.retire_age(np.arange(n))
        reach = live & (age >= ra) & (prev < ra) & (self.pension_kind[:n] == 0)
        worker = reach & (
            (self.state[:n] == FORMAL)
            | (self.career[:n] >= 15)
            | (self.flex[:n] & (self.career[:n] >= 8))
        )
        idx = np.flatnonzero(worker)
        base = np.maximum(self.wage_f[idx], 3500)
        amt = base * np.clip(0.25 + 0.012 * self.career[idx], 0.3, 0.75)
        self.pension[idx] = np.maximum(amt, K.WORKER_PENSION_MIN)
        self.pension_kind[idx] = 1
        self.pension_ym[idx] = self.ym0 + t
        self.ins_type[idx] = 1
        go = idx[(self.state[idx] == FORMAL) | (rng.random(len(idx)) < 0.5)]
        self._leave_job(go, t)
        self.state[go] = np.where(self.state[go] == SICK, SICK, RETIRED)
        # resident pension at 60 for everyone else
        res = live & (age >= K.ELDER_AGE) & (prev < K.ELDER_AGE) & (self.pension_kind[:n] == 0)
        r = np.flatnonzero(res & (rng.random(n) < 0.96))
        self.pension_kind[r] = 2
        self.pension[r] = K.RESIDENT_PENSION + rng.normal(0, 60, len(r)).clip(-100, 200)
        self.pension_ym[r] = self.ym0 + t
        # people past retirement age without a job simply retire
        idle = np.flatnonzero(live & (age >= ra) & np.isin(self.state[:n], [UNEMP, HOME]))
        self.state[idle] = RETIRED
        self.ur_reg[idle] = False
        self.ub_left[idle] = 0
        self.flex[np.flatnonzero(live & (age >= ra))] = False

    def _prison(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        st = self.state[:n]
        pr = np.flatnonzero(live & (st == PRISON))
        self.prison_left[pr] -= 1
        out = pr[self.prison_left[pr] <= 0]
        self.state[out] = UNEMP
        self.sep_t[out] = t
        age = self.ages(t)
        h = (
            np.where(self.male[:n], 0.00005, 0.000005)
            * np.where(self.edu[:n] <= 1, 3, 1)
            * np.where(st == UNEMP, 2, 1)
        )
        go = np.flatnonzero(
            live
            & (age >= 18)
            & (age < 56)
            & np.isin(st, [FORMAL, INFORMAL, UNEMP, HOME])
            & (rng.random(n) < h)
        )
        for i in go:
            self.shocks.append((self.hh[i], t, "prison", i, float(self.last_earn[i]), 0.0))
        self._leave_job(go, t)
        self.state[go] = PRISON
        self.prison_left[go] = rng.integers(8, 61, len(go))
        self.prison_t[go] = t
        self.flex[go] = False
        b = self.business[go]
        self.biz_open[b[b >= 0]] = False
        self.biz_end_t[b[b >= 0]] = t
        self.business[go] = -1

    # ---- family events

    def _family(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        st = self.state[:n]
        # marriages of single adults 22-38
        single = live & (self.spouse[:n] < 0) & (age >= 22) & (age < 39) & (st != PRISON)
        wed = np.flatnonzero(single & (rng.random(n) < 0.005))
        move_out, move_in = [], []
        for i in wed:
            h = self.hh[i]
            is_head = self.head[h] == i
            if not is_head and rng.random() < 0.55:
                move_out.append(i)
            else:
                move_in.append(i)
        move_out = np.array(move_out, dtype=np.int64)
        move_in = np.array(move_in, dtype=np.int64)
        # spouses from outside for those who move out (records only)
        dates = self.dates_in(t, len(wed))
        date_of = dict(zip(wed.tolist(), dates, strict=True))
        if len(move_out):
            self._marriage_records(
                move_out, None, np.array([date_of[i] for i in move_out]), "结婚", t
            )
            self._move_out(move_out, t)
        if len(move_in):
            hh = self.hh[move_in]
            male = ~self.male[move_in]
            sp_age = age[move_in] + np.where(male, 2, -2) + rng.normal(0, 2.5, len(move_in))
            birth = self.month_start(t) - np.round(sp_age * 365.25).astype("timedelta64[D]")
            newp = self.new_people(hh, male, self.gen[move_in], True, birth, t)
            self.spouse[newp] = move_in
            self.spouse[move_in] = newp
            na = np.full(len(newp), 24.0)
            self.wage_f[newp] = self.wage_draw(newp, na)
            self.wage_i[newp] = self.informal_draw(newp, na)
            self.state[newp] = np.where(
                rng.random(len(newp)) < 0.6,
                FORMAL,
                np.where(rng.random(len(newp)) < 0.5, INFORMAL, UNEMP),
            )
            self.hire(newp[self.state[newp] == FORMAL])
            self.career[newp] = rng.uniform(0, 6, len(newp))
            self._marriage_records(
                move_in, newp, np.array([date_of[i] for i in move_in]), "结婚", t
            )
        # divorces
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        sp = self.spouse[:n]
        couple = live & (sp >= 0) & (np.arange(n) < np.maximum(sp, 0)) & (age >= 25) & (age < 60)
        couple &= self.present[np.maximum(sp, 0)] & self.alive[np.maximum(sp, 0)]
        div = np.flatnonzero(couple & (rng.random(n) < 0.0009))
        for a in div:
            b = self.spouse[a]
            h = self.hh[a]
            # the one who leaves: not the head (mostly), the man more often when children stay
            leave = b if self.head[h] == a else a
            if self.head[h] not in (a, b):
                leave = b if self.male[b] else a
            d = self.dates_in(t, 1)
            self._marriage_records(np.array([a]), np.array([b]), d, "离婚", t)
            earn = float(self.last_earn[leave])
            self.shocks.append((h, t, "divorce", leave, earn, 0.0))
            kids = self.members(h)
            kids = kids[(self.gen[kids] > self.gen[a]) & (self.ages(t, kids) < 18)]
            if len(kids) and rng.random() < 0.5:
                self.child_support[h] += rng.uniform(500, 1500)
            self.spouse[a] = -1
            self.spouse[b] = -1
            self._move_out(np.array([leave]), t)
        # births
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        sp = self.spouse[:n]
        mother = live & ~self.male[:n] & (sp >= 0) & (age >= 22) & (age < 43)
        mother &= self.present[np.maximum(sp, 0)] & (self.state[:n] != PRISON)
        kids = np.bincount(self.hh[:n][live & (age < 18)], minlength=self.H)
        p = np.where(
            kids[self.hh[:n]] == 0, 0.006, np.where(kids[self.hh[:n]] == 1, 0.0025, 0.0003)
        )
        p *= np.where(age >= 35, 0.5, 1.0)
        moms = np.flatnonzero(mother & (rng.random(n) < p))
        if len(moms):
            births = self.dates_in(t, len(moms))
            male = rng.random(len(moms)) < 0.52
            baby = self.new_people(self.hh[moms], male, self.gen[moms] + 1, False, births, t)
            fam = [self.sur[self.spouse[m]] if rng.random() < 0.93 else self.sur[m] for m in moms]
            given = [nm[len(s0) :] for s0, nm in zip(self.sur[baby], self.name[baby], strict=True)]
            self.sur[baby] = fam
            self.name[baby] = [a + b for a, b in zip(fam, given, strict=True)]
            self.state[baby] = HOME
            total = rng.uniform(5000, 14000, len(moms))
            sp_ = self._inpatient(
                moms,
                t,
                total,
                np.full(len(moms), "单胎顺产", dtype=object),
                np.full(len(moms), "O80.0", dtype=object),
                np.full(len(moms), 5),
                rng.integers(2, 6, len(moms)),
            )
            self._charge(moms, sp_, hidden=False)
            np.add.at(self.m_cost, self.hh[moms], rng.uniform(3000, 9000, len(moms)))
            self.ins_type[baby] = 2
            self.ins_ok[baby] = True
            self.ins_date[baby] = births + np.timedelta64(30, "D")
        # heads who died or left: the spouse, else the oldest adult, takes over
        self._fix_heads(t)

    def _marriage_records(self, a, b, dates, kind, t) -> None:
        """One row per party living here; the other party's name and ID as 对方."""
        self.ev.add(
            "marriage",
            pid=a,
            other=(b if b is not None else np.full(len(a), -1)),
            t=t,
            date=dates,
            kind=kind,
        )
        if b is not None:
            self.ev.add("marriage", pid=b, other=a, t=t, date=dates, kind=kind, mirror=True)

    def _move_out(self, idx, t) -> None:
        self.present[idx] = False
        self.left_t[idx] = t
        self.state[idx] = np.where(self.state[idx] == DEAD, DEAD, self.state[idx])
        self._leave_job(idx, t)
        b = self.business[idx]
        self.biz_open[b[b >= 0]] = False
        self.biz_end_t[b[b >= 0]] = t

    def _fix_heads(self, t) -> None:
        n = self.n
        h_ok = self.alive[self.head] & self.present[self.head]
        bad = np.flatnonzero(~h_ok & ~self.dissolved)
        age = self.ages(t)
        for h in bad:
            m = self.members(h)
            if not len(m):
                self.dissolved[h] = True
                self.program[h] = 0
                continue
            old = self.head[h]
            sp = self.spouse[old] if self.alive[old] else -1
            cands = m[m == sp] if sp >= 0 else m[:0]
            if not len(cands):
                adults = m[age[m] >= 18]
                cands = adults[np.argsort(-age[adults])] if len(adults) else m[np.argsort(-age[m])]
            self.head[h] = cands[0]
        del n

    # ---- disasters and businesses

    def _disasters(self, t) -> None:
        rng = self.rng
        Hn = self.H
        alive_hh = ~self.dissolved
        hit = np.zeros(Hn, dtype=bool)
        kind = np.full(Hn, "", dtype=object)
        if t == self.flood_t:
            low = np.array([c.low_lying for c in self.comms])[self.comm]
            f = alive_hh & low & (rng.random(Hn) < 0.22)
            hit |= f
            kind[f] = "洪涝"
        fire = alive_hh & (rng.random(Hn) < 0.00005)
        hit |= fire
        kind[fire] = "火灾"
        storm = alive_hh & (rng.random(Hn) < 0.00002)
        hit |= storm
        kind[storm] = "风雹"
        idx = np.flatnonzero(hit)
        if not len(idx):
            return
        dmg = rng.choice(["无", "一般损坏", "严重损坏", "倒塌"], len(idx), p=[0.25, 0.5, 0.2, 0.05])
        dmg[kind[idx] == "火灾"] = rng.choice(["一般损坏", "严重损坏"], (kind[idx] == "火灾").sum())
        loss = np.select(
            [dmg == "无", dmg == "一般损坏", dmg == "严重损坏"],
            [
                rng.uniform(500, 3000, len(idx)),
                rng.uniform(3000, 15000, len(idx)),
                rng.uniform(20000, 60000, len(idx)),
            ],
            rng.uniform(80000, 200000, len(idx)),
        )
        registered = rng.random(len(idx)) < 0.85
        relief = np.where(
            registered & (dmg != "无"), rng.choice([500, 1000, 2000, 3000, 5000], len(idx)), 0
        )
        np.add.at(self.m_cost, idx, loss)
        np.add.at(self.m_oneoff, idx, relief)
        self.disaster_loss[idx] += loss
        for h, ls in zip(idx, loss, strict=True):
            if ls >= 3000:
                self.shocks.append((h, t, "disaster", self.head[h], 0.0, float(ls)))
        heads = self.head[idx]
        sizes = np.array([len(self.members(h)) for h in idx])
        self.ev.add(
            "disaster",
            hh=idx[registered],
            pid=heads[registered],
            t=t,
            date=self.dates_in(t, registered.sum()),
            kind=kind[idx][registered],
            damage=dmg[registered],
            loss=np.round(loss[registered], 0),
            relief=relief[registered],
            size=sizes[registered],
        )
        # informal earnings lost in a flood month
        self.flood_hit = idx

    def _business_month(self, t) -> None:
        rng = self.rng
        B = self.B
        open_ = self.biz_open[:B]
        owner = self.biz_owner[:B]
        down = self.downturn(t)[self.street[self.hh[owner]]]
        close_p = 0.004 * (1 + (K.DOWNTURN_CLOSE - 1) * down)
        close = np.flatnonzero(open_ & ~self.biz_company[:B] & (rng.random(B) < close_p))
        self.biz_open[close] = False
        self.biz_end_t[close] = t
        o = owner[close]
        o = o[self.alive[o] & self.present[o]]
        self.business[o] = -1
        self.state[o] = np.where(self.state[o] == INFORMAL, UNEMP, self.state[o])
        self.sep_t[o] = t
        for i in o:
            self.shocks.append((self.hh[i], t, "job_loss", i, float(self.last_earn[i]), 0.0))
        # new small businesses among informal workers
        n = self.n
        live = self.live_mask()
        age = self.ages(t)
        cand = np.flatnonzero(
            live
            & (self.state[:n] == INFORMAL)
            & (self.business[:n] < 0)
            & (age >= 22)
            & (age < 60)
            & (rng.random(n) < 0.0015)
        )
        if self.B + len(cand) < len(self.biz_owner):
            self._open_business(cand, t)

    # ---- money

    def _money(self, t) -> None:
        rng = self.rng
        n = self.n
        Hn = self.H
        live = self.live_mask()
        st = self.state[:n]
        age = self.ages(t)
        y, m = self.ym_of(t)
        down = self.downturn(t)[self.street_of_hh()]
        earn = np.zeros(n)
        f = live & (st == FORMAL)
        earn[f] = self.wage_f[:n][f]
        sick_kept = live & (st == SICK) & self.job_kept[:n]
        earn[sick_kept] = self.wage_f[:n][sick_kept] * np.where(
            self.sick_months[:n][sick_kept] < 6, 0.6, 0.3
        )
        inf = live & (st == INFORMAL) & (self.business[:n] < 0)
        vol = np.maximum(0, 1 + K.INFORMAL_VOLATILITY * rng.standard_normal(n))
        earn[inf] = (
            self.wage_i[:n]
            * vol
            * (1 - (1 - K.DOWNTURN_EARN) * down)
            * np.where(age >= 60, 0.7, 1.0)
        )[inf]
        bz = live & (st == INFORMAL) & (self.business[:n] >= 0)
        b = self.business[:n][bz]
        bdown = down[bz]
        profit = (
            self.biz_profit[b]
            * np.maximum(0, 1 + 0.3 * rng.standard_normal(len(b)))
            * (1 - 0.4 * bdown)
        )
        earn[bz] = profit
        if t == self.flood_t and hasattr(self, "flood_hit"):
            hitp = np.isin(self.hh[:n], self.flood_hit) & (inf | bz)
            earn[hitp] *= 0.5
        # company owners draw dividends
        comp = np.flatnonzero(self.biz_company[: self.B] & self.biz_open[: self.B])
        div = np.zeros(n)
        owners = self.biz_owner[comp]
        div[owners] = self.biz_profit[comp] * 0.5
        earn += np.where(live, div, 0)
        ub = live & (st == UNEMP) & (self.ub_left[:n] > 0)
        benefit = np.where(ub, K.UNEMPLOYMENT_BENEFIT, 0.0)
        self.ub_left[:n][ub] -= 1
        pension = np.where(live & (self.pension_kind[:n] > 0), self.pension[:n], 0.0)
        # formal contributions cost the worker 10.5 % (pension, medical, unemployment)
        earn[f] *= 0.895
        self.last_earn[:n] = np.where(live, earn, self.last_earn[:n])
        self.earn[:n] = np.where(live, earn, 0)
        hh = self.hh[:n]
        p_inc = np.where(live, earn + benefit + pension, 0)
        income = np.bincount(hh, weights=p_inc, minlength=Hn)
        income += self.transfer * ~self.dissolved
        income += self.child_support
        income += np.where(self.tenure == 0, self.rent_income, 0)
        income += self.benefit
        income += self.m_oneoff
        self.h_earn[:, t] = np.bincount(hh, weights=np.where(live, earn, 0), minlength=Hn)
        self.h_pension[:, t] = np.bincount(hh, weights=pension, minlength=Hn)
        # spending
        living = self.basic_living(t)
        school = np.bincount(hh[live], weights=self.school_cost[:n][live], minlength=Hn)
        if m in (7, 8):
            school *= 0.4
        flex_cost = (
            np.bincount(hh[live & self.flex[:n]], minlength=Hn)
            * K.CONTRIBUTION_FLOOR.get(y, 4200)
            * 0.2
        )
        premium = np.zeros(Hn)
        if m == 12:
            prem = K.RESIDENT_PREMIUM.get(y + 1, 420)
            resid = live & (self.ins_type[:n] == 2)
            cnt = np.bincount(hh[resid], minlength=Hn)
            subsidised = self.program > 0
            broke = (self.savings < living) & ~subsidised
            skip = broke & (rng.random(Hn) < 0.5)
            self.prem_skip = skip
            premium = np.where(skip | subsidised, 0, cnt * prem)
            lapse = resid & skip[hh]
            self.ins_ok[:n][resid] = ~lapse[resid]
            # the unemployed who lost employee insurance join the resident scheme, or not
            emp_lost = (
                live
                & (self.ins_type[:n] == 1)
                & ~np.isin(st, [FORMAL, SICK])
                & (self.pension_kind[:n] != 1)
            )
            join = emp_lost & ~skip[hh] & (rng.random(n) < 0.7)
            self.ins_type[:n][join] = 2
            self.ins_ok[:n][join] = True
            self.ins_ok[:n][emp_lost & ~join] = False
        # employee insurance lapses the month a job ends (unless retired on a worker pension)
        lapsed = (
            live
            & (self.ins_type[:n] == 1)
            & ~np.isin(st, [FORMAL, SICK])
            & (self.pension_kind[:n] != 1)
            & (self.sep_t[:n] == t)
        )
        self.ins_ok[:n][lapsed] = False
        if self.mort_left.any():
            self.mort_left[self.mort_left > 0] -= 1
        mortgage = np.where(self.mort_left > 0, self.mortgage, 0)
        rent = np.where(self.tenure > 0, self.rent, 0)
        essential = living + rent + school + self.m_care + self.m_med + self.m_cost + premium
        committed = essential + mortgage + flex_cost
        spare = income - committed
        discretionary = np.where(spare > 0, self.alpha * spare, 0)
        discretionary += 0.004 * np.maximum(self.savings - 12 * living, 0)
        spend = committed + discretionary
        sav = self.savings + income - spend
        # without savings a household cuts its living and stops optional spending
        short = sav < 0
        cut = np.where(short, np.minimum(-sav, living * (1 - K.CUT_LIVING) + discretionary), 0)
        sav = sav + cut
        floor = -K.DEBT_LIMIT_MONTHS * living
        sav = np.maximum(sav, floor)
        sav[self.dissolved] = 0
        self.savings = sav
        need = self.needs(t)
        self.h_income[:, t] = income
        self.h_need[:, t] = need
        self.h_med[:, t] = self.m_med
        self.h_school[:, t] = school
        self.h_care[:, t] = self.m_care
        self.h_savings[:, t] = sav
        self.m_living = living
        # flexible contributions lapse when money runs out, and come back with it
        broke_hh = sav < 2 * living
        fl = np.flatnonzero(live & self.flex[:n] & broke_hh[hh] & (rng.random(n) < 0.3))
        self.flex[fl] = False
        ok_hh = sav > 6 * living
        back = np.flatnonzero(
            live
            & (st == INFORMAL)
            & ~self.flex[:n]
            & ok_hh[hh]
            & (age < self.retire_age(np.arange(n)))
            & (age >= 25)
            & (rng.random(n) < 0.004)
        )
        self.flex[back] = True
        # a year of formal or flexible contributions counts towards a worker pension
        self.career[:n][f | (live & self.flex[:n])] += 1 / 12
        # families stop or start helping parents
        stop = (self.transfer > 0) & (rng.random(Hn) < 0.004)
        self.transfer[stop] = 0
        elderly = np.isin(self.template, [2, 3, 9]) & ~self.childless_hh
        start = elderly & (self.transfer == 0) & (sav < 3 * living) & (rng.random(Hn) < 0.01)
        self.transfer[start] = np.minimum(np.exp(rng.normal(np.log(600), 0.6, start.sum())), 3000)
        self.child_support[(self.child_support > 0) & (rng.random(Hn) < 0.01)] = 0
        # record monthly person-level history for the department feeds
        self._record(t, f, sick_kept)

    def _record(self, t, formal, sick_kept) -> None:
        n = self.n
        if not hasattr(self, "p_state"):
            self.p_state = np.full((self.cap, self.T), DEAD, dtype=np.int8)
            self.p_wage = np.zeros((self.cap, self.T), dtype=np.float32)
            self.p_emp = np.full((self.cap, self.T), -1, dtype=np.int32)
            self.p_flex = np.zeros((self.cap, self.T), dtype=bool)
            self.p_hpf = np.zeros((self.cap, self.T), dtype=bool)
        live = self.live_mask()
        self.p_state[:n, t] = np.where(live, self.state[:n], np.where(self.alive[:n], 10, DEAD))
        paid = formal | sick_kept
        self.p_wage[:n, t] = np.where(
            paid, np.where(formal, self.wage_f[:n], self.earn[:n] / 0.895), 0
        )
        self.p_emp[:n, t] = np.where(paid, self.employer[:n], -1)
        self.p_flex[:n, t] = live & self.flex[:n]
        self.p_hpf[:n, t] = paid & self.hpf[:n]

    # ---- programmes

    def _programmes(self, t) -> None:
        rng = self.rng
        Hn = self.H
        n = self.n
        living = self.m_living
        assessed, size, classed = self.assessed_income(t)
        pc = assessed / np.maximum(size, 1)
        ok_assets = self.assets_ok()
        # decisions on pending applications (made two months after applying)
        dec = np.flatnonzero((self.pending >= 0) & (self.pending + 2 <= t))
        for h in dec:
            self.pending[h] = -1
            if self.dissolved[h] or size[h] == 0:
                continue
            if pc[h] < K.STANDARD and ok_assets[h] and rng.random() < 0.9:
                members = self.members(h)
                ages = self.ages(t, members)
                no_work = bool(
                    np.all(
                        (ages >= K.ELDER_AGE) | np.isin(self.disab[members], (1, 2)) | (ages < 16)
                    )
                )
                kind = (
                    2
                    if (
                        self.childless_hh[h]
                        and no_work
                        and self.pension[members].max(initial=0) < K.STANDARD
                    )
                    else 1
                )
                self._grant(h, kind, assessed[h], size[h], classed[h], self.dates_in(t, 1)[0], t)
            elif pc[h] < K.EDGE_FACTOR * K.STANDARD and ok_assets[h] and rng.random() < 0.7:
                self._grant(h, 3, assessed[h], size[h], classed[h], self.dates_in(t, 1)[0], t)
        # reviews
        rev = np.flatnonzero((self.program > 0) & (self.prog_review <= t))
        for h in rev:
            if self.dissolved[h] or size[h] == 0:
                self._stop(h, t)
                continue
            kind = self.program[h]
            limit = K.EDGE_FACTOR * K.STANDARD if kind == 3 else K.STANDARD * 1.1
            if pc[h] > limit or not ok_assets[h]:
                if kind in (1, 2) and pc[h] < K.EDGE_FACTOR * K.STANDARD and ok_assets[h]:
                    self._stop(h, t)
                    self._grant(h, 3, assessed[h], size[h], classed[h], self.dates_in(t, 1)[0], t)
                else:
                    self._stop(h, t)
            else:
                amount = self._amount(kind, assessed[h], size[h], classed[h])
                self.benefit[h] = amount
                self.prog_review[h] = t + 12
                ep = self.prog_episodes[self.episode_open[h]]
                ep[4], ep[5] = amount, size[h]
        for h in np.flatnonzero((self.program > 0) & self.dissolved):
            self._stop(h, t)
        # applications: households whose money has run short, if they think of it
        short = (self.savings < 6 * living) & ok_assets & ~self.dissolved & (size > 0)
        elig = short & (
            (pc < K.STANDARD) | ((pc < K.EDGE_FACTOR * K.STANDARD) & (self.savings < 2 * living))
        )
        age = self.ages(t)
        live = self.live_mask()
        hh = self.hh[:n]
        known = (
            np.bincount(
                hh[
                    live
                    & (
                        (self.disab[:n] > 0) & self.disab_cert[:n]
                        | (age >= 70)
                        | self.chronic_reg[:n]
                    )
                ],
                minlength=Hn,
            )
            > 0
        )
        able = (
            np.bincount(
                hh[
                    live
                    & (age >= 18)
                    & (age < 50)
                    & (self.disab[:n] == 0)
                    & (self.state[:n] != SICK)
                ],
                minlength=Hn,
            )
            > 0
        )
        p = (
            K.APPLY_BASE
            * np.where(known, 2.5, 1.0)
            * np.where(self.savings < living, 1.5, 1.0)
            * np.where(able, 0.5, 1.0)
        )
        apply = elig & (self.program == 0) & (self.pending < 0) & (rng.random(Hn) < p)
        self.pending[apply] = t
        # temporary aid after a shock this month
        recent = [s for s in self.shocks if s[1] == t]
        if recent:
            hs = np.unique(np.array([s[0] for s in recent]))
            poor = hs[(self.savings[hs] < 6 * living[hs]) & ~self.dissolved[hs]]
            p_apply = np.where(self.program[poor] > 0, 0.5, K.TEMP_AID_APPLY)
            got = poor[rng.random(len(poor)) < p_apply]
            amount = np.round(rng.uniform(1000, 6 * K.STANDARD, len(got)), -2)
            d = self.dates_in(t, len(got)) + rng.integers(10, 40, len(got)).astype("timedelta64[D]")
            for h, a, dd in zip(got, amount, d, strict=True):
                self.temp_aid.append((h, dd, a))
            self.savings[got] += amount
            self.h_income[got, t] += amount
        # student aid each term
        y, m = self.ym_of(t)
        if m in (3, 9):
            self._student_aid(t)

    def _student_aid(self, t) -> None:
        rng = self.rng
        n = self.n
        live = self.live_mask()
        stu = np.flatnonzero(live & (self.state[:n] == SCHOOL) & (self.stage[:n] >= 0))
        if not len(stu):
            return
        h = self.hh[stu]
        lo = max(0, t - 5)
        inc6 = self.h_income[:, lo : t + 1].sum(1) / (t + 1 - lo)
        size = np.maximum(np.bincount(self.hh[:n][self.home_mask()], minlength=self.H), 1)
        pc = (inc6 / size)[h]
        prog = self.program[h]
        p = np.select(
            [
                np.isin(prog, [1, 2]),
                prog == 3,
                pc < K.STANDARD,
                pc < 1.5 * K.STANDARD,
                pc < 2.5 * K.STANDARD,
            ],
            [0.85, 0.6, 0.35, 0.12, 0.03],
            0.012,
        )
        got = rng.random(len(stu)) < p
        s = stu[got]
        stage = self.stage[s]
        pcs = pc[got]
        diff = np.where(
            np.isin(prog[got], [1, 2]) | (pcs < 0.7 * K.STANDARD),
            "特别困难",
            np.where(pcs < 1.2 * K.STANDARD, "比较困难", "一般困难"),
        )
        types = np.array(
            [
                "学前教育资助",
                "家庭经济困难学生生活补助",
                "家庭经济困难学生生活补助",
                "国家助学金",
                "免学费",
                "国家助学金",
                "国家助学金",
            ],
            dtype=object,
        )[stage]
        amount = np.array([500, 500, 625, 1000, 1000, 1650, 1650])[stage].astype(float)
        amount *= np.where(diff == "特别困难", 1.2, np.where(diff == "一般困难", 0.8, 1.0))
        amount = np.round(amount, 0)
        dates = self.dates_in(t, len(s))
        self.ev.add(
            "aid", pid=s, t=t, date=dates, stage=stage, type=types, amount=amount, difficulty=diff
        )
        # loans for college students in September
        y, m = self.ym_of(t)
        if m == 9:
            col = s[(stage >= 5) & (rng.random(len(s)) < 0.4)]
            self.ev.add(
                "aid",
                pid=col,
                t=t,
                date=self.dates_in(t, len(col)),
                stage=self.stage[col],
                type="国家助学贷款",
                amount=np.round(rng.choice([8000, 10000, 12000], len(col)), 0),
                difficulty="比较困难",
            )
        paid = np.where(types != "免学费", amount, 0)
        np.add.at(self.savings, self.hh[s], paid)
        np.add.at(self.h_income[:, t], self.hh[s], paid)


# ---------------------------------------------------------------------- household templates


def _sex(u) -> bool:
    return bool(u < 0.5)


def _t_single_young(u):
    return [(20 + 20 * u[0], bool(u[1] < 0.55), 0, False, -1)]


def _t_single_mid(u):
    return [(40 + 20 * u[0], bool(u[1] < 0.55), 0, False, -1)]


def _t_single_old(u):
    return [(60 + min(37.0, -10 * math.log(1 - u[0])), bool(u[1] < 0.35), 0, False, -1)]


def _couple(age, u2, hmale=True):
    sp = max(18.0, age - 2 + 6 * (u2 - 0.5)) if hmale else age + 2 + 6 * (u2 - 0.5)
    return [(age, hmale, 0, False, 1), (sp, not hmale, 0, True, 0)]


def _t_old_couple(u):
    a = 60 + min(33.0, -8 * math.log(1 - u[0]))
    m = _couple(a, u[2])
    m[1] = (max(56.0, m[1][0]), m[1][1], 0, True, 0)
    return m


def _t_couple_nokids(u):
    return _couple(22 + 38 * u[0], u[2], hmale=bool(u[1] < 0.85))


def _kids(mother_age, n, u, first_u, max_age=21.9):
    out = []
    span = min(max_age, mother_age - 21)
    for j in range(n):
        if span <= 0:
            break
        out.append((u[first_u + j] * span, bool(u[first_u + 4 + j] < 0.52), 1, False, -1))
    return out


def _t_couple_kids(u):
    a = 26 + 29 * u[0]
    hm = bool(u[1] < 0.88)
    m = _couple(a, u[2], hmale=hm)
    mother = m[1][0] if hm else a
    k = 1 if u[3] < 0.55 else (2 if u[3] < 0.95 else 3)
    return m + _kids(mother, k, u, 4)


def _t_single_parent(u):
    a = 28 + 27 * u[0]
    p = [(a, bool(u[1] < 0.25), 0, False, -1)]
    k = 1 if u[3] < 0.7 else 2
    return p + _kids(a, k, u, 4)


def _t_three_gen(u):
    a = 28 + 22 * u[0]
    hm = bool(u[1] < 0.88)
    m = _couple(a, u[2], hmale=hm)
    mother = m[1][0] if hm else a
    m += _kids(mother, 1 if u[3] < 0.6 else 2, u, 4, max_age=17.9)
    inlaw = bool(u[12] < 0.3)
    gp = a + 24 + 10 * u[13]
    if u[14] < 0.45:
        m.append((gp, bool(u[15] < 0.35), -1, inlaw, -1))
    else:
        base = len(m)
        m.append((gp, True, -1, inlaw, base + 1))
        m.append((gp - 2 - 3 * u[15], False, -1, inlaw, base))
    return m


def _t_couple_adultchild(u):
    a = 48 + 22 * u[0]
    m = _couple(a, u[2])
    k = 1 if u[3] < 0.7 else 2
    for j in range(k):
        m.append((max(20.0, min(38.0, a - 24 - 8 * u[4 + j])), bool(u[8 + j] < 0.55), 1, False, -1))
    return m


def _t_old_parent_child(u):
    a = 35 + 30 * u[0]
    m = [(a, bool(u[1] < 0.55), 0, False, -1)]
    if u[2] < 0.3:
        m = _couple(a, u[3], hmale=m[0][1])
    gp = max(62.0, a + 24 + 10 * u[13])
    if u[14] < 0.65:
        m.append((min(gp, 99.0), bool(u[15] < 0.3), -1, False, -1))
    else:
        base = len(m)
        m.append((min(gp, 99.0), True, -1, False, base + 1))
        m.append((min(gp - 2, 97.0), False, -1, False, base))
    return m


def _t_skipped_gen(u):
    a = 55 + 25 * u[0]
    m = [(a, bool(u[1] < 0.45), 0, False, -1)]
    if u[2] < 0.6:
        m = _couple(a, u[3], hmale=m[0][1])
    m.append((3 + 14 * u[4], bool(u[5] < 0.52), 2, False, -1))
    return m


def _t_siblings(u):
    a = 30 + 40 * u[0]
    return [
        (a, bool(u[1] < 0.5), 0, False, -1),
        (max(20.0, a + 12 * (u[2] - 0.5)), bool(u[3] < 0.5), 0, False, -1),
    ]


_TEMPLATE_BUILDERS = {
    "single_young": _t_single_young,
    "single_mid": _t_single_mid,
    "single_old": _t_single_old,
    "old_couple": _t_old_couple,
    "couple_nokids": _t_couple_nokids,
    "couple_kids": _t_couple_kids,
    "single_parent": _t_single_parent,
    "three_gen": _t_three_gen,
    "couple_adultchild": _t_couple_adultchild,
    "old_parent_child": _t_old_parent_child,
    "skipped_gen": _t_skipped_gen,
    "siblings": _t_siblings,
}


def _draw_edu(years, rng) -> np.ndarray:
    years = np.asarray(years)
    out = np.zeros(len(years), dtype=np.int8)
    u = rng.random(len(years))
    for j, (before, p) in enumerate(K.EDU_BY_COHORT):
        lo = K.EDU_BY_COHORT[j - 1][0] if j else -1
        sel = (years >= lo) & (years < before)
        out[sel] = np.searchsorted(np.cumsum(p), u[sel], side="right").clip(0, 4)
    return out
