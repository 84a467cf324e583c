"""医保 feeds."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import (
    Row,
    add_years,
    age_of,
    community_clinic,
    days_ago,
    is_alive,
    rand_days,
)
from doudi.synth.population import FLEXIBLE, RETIRED, Household, Person
from doudi.synth.world import (
    COMMON_ADMISSIONS,
    HOSPITALS,
    OUTPATIENT_DIAGNOSES,
    WINDOW_MONTHS,
    World,
    pick,
)

_SUBSIDY = {"特困": "特困人员全额资助", "低保": "低保对象定额资助", "低保边缘": "低保边缘定额资助"}


def yibao_enrolment(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e9)
    for hh in w.pop.households:
        category = w.category_of(hh.hukou_no)
        monitored = hh.hukou_no in w.monitoring and not w.monitoring[hh.hukou_no].cleared
        for p in hh.members:
            if rng.random() >= (0.93 if hh.hardship else 0.975):
                continue  # not enrolled here (enrolled elsewhere, or uninsured)
            work = w.work.get(p.person_id)
            employee = (
                (work is not None and work.employer is not None)
                or (p.employment == RETIRED and rng.random() < 0.9)
                or (p.employment == FLEXIBLE and rng.random() < 0.3)
            )
            if p.person_id in w.death:
                status = "终止参保"
            elif employee and work is not None and work.end < WINDOW_MONTHS and rng.random() < 0.7:
                status = "暂停参保"
            else:
                status = "正常参保"
            earliest = max(p.birth_date, dt.date(2008, 1, 1))
            span = (w.as_of - earliest).days
            enrolled = earliest + dt.timedelta(days=int(rng.random() * max(1, span)))
            subsidy = _SUBSIDY.get(category or "", "无")
            if subsidy == "无" and monitored:
                subsidy = "防返贫监测对象定额资助"
            seq += 1 + int(rng.random() * 7)
            yield (
                p.person_id,
                [
                    f"42000{seq:015d}",
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    p.phone or None,
                    "职工基本医疗保险" if employee else "城乡居民基本医疗保险",
                    status,
                    enrolled,
                    work.employer.name if employee and work is not None and work.employer else None,
                    subsidy,
                ],
                None,
            )


_ACUTE_ADMISSIONS = ((1, 20), (2, 25), (3, 22), (4, 16), (5, 11), (6, 6))


def _admissions(w: World, rng: random.Random, p: Person, hh: Household):
    """(admission, discharge, diagnosis, icd, total_fen, fund_share) within the last year."""
    out = []
    age = age_of(w, p)
    rate = 0.025 if age < 18 else 0.04 if age < 60 else 0.1 if age < 75 else 0.18
    common = rng.random() < rate
    accident = hh.hardship and hh.sudden_event == "交通事故" and p is hh.head
    if not common and not accident and p.serious_illness is None:
        return out
    end_limit = min(w.as_of - dt.timedelta(days=2), w.death.get(p.person_id, w.as_of))
    window_start = w.as_of - dt.timedelta(days=364)

    def admit(los_lo, los_hi, not_before=window_start):
        los = rand_days(rng, los_lo, los_hi)
        lo = max(window_start, not_before)
        hi = end_limit - dt.timedelta(days=los)
        if hi <= lo:
            start = lo
            los = max(1, (end_limit - lo).days)
        else:
            start = lo + dt.timedelta(days=int(rng.random() * (hi - lo).days))
        return start, start + dt.timedelta(days=los)

    employee = p.person_id in w.work or p.employment == RETIRED
    if p.person_id in w.acute:
        dx, icd = w.illness_dx[p.person_id]
        n = pick(rng, _ACUTE_ADMISSIONS)
        since = w.diagnosed.get(p.person_id, window_start)
        for _ in range(n):
            a, d = admit(7, 30, since)
            total = int(min(400_000, max(8_000, rng.lognormvariate(math.log(38_000), 0.6))) * 100)
            out.append((a, d, dx, icd, total, rng.uniform(0.5, 0.72)))
    elif p.serious_illness is not None and rng.random() < 0.45:
        dx, icd = w.illness_dx[p.person_id]
        for _ in range(1 + (rng.random() < 0.3)):
            a, d = admit(5, 20)
            total = int(min(200_000, max(5_000, rng.lognormvariate(math.log(22_000), 0.6))) * 100)
            out.append((a, d, dx, icd, total, rng.uniform(0.62, 0.85 if employee else 0.72)))
    if accident and hh.sudden_event_date:
        a = hh.sudden_event_date
        d = min(a + dt.timedelta(days=rand_days(rng, 10, 40)), w.as_of - dt.timedelta(days=1))
        dx, icd = ("颅脑损伤", "S06.9") if rng.random() < 0.4 else ("多发性骨折", "T02.9")
        total = int(rng.uniform(30_000, 160_000) * 100)
        out.append((a, d, dx, icd, total, 0.0 if rng.random() < 0.7 else rng.uniform(0.3, 0.5)))
    if common:
        for _ in range(1 + (rng.random() < 0.15)):
            name, icd, _w = COMMON_ADMISSIONS[int(rng.random() * len(COMMON_ADMISSIONS))]
            a, d = admit(3, 12)
            total = int(min(80_000, max(1_500, rng.lognormvariate(math.log(9_000), 0.6))) * 100)
            out.append((a, d, name, icd, total, rng.uniform(0.62, 0.85 if employee else 0.72)))
    return out


def yibao_inpatient(w: World, rng: random.Random) -> Iterator[Row]:
    rows = []
    for hh in w.pop.households:
        for p in hh.members:
            for a, d, dx, icd, total, share in _admissions(w, rng, p, hh):
                settled = min(
                    d + dt.timedelta(days=int(rng.random() * 3)), w.as_of - dt.timedelta(days=1)
                )
                fund = int(total * share)
                hospital = pick(rng, HOSPITALS)
                rows.append((settled, p, [hospital, a, d, dx, icd, total, fund, total - fund]))
    rows.sort(key=lambda r: (r[0], r[1].person_id))
    seq = int(rng.random() * 1e6)
    for settled, p, (hospital, a, d, dx, icd, total, fund, own) in rows:
        seq += 1 + int(rng.random() * 50)
        yield (
            p.person_id,
            [
                f"{settled:%Y%m%d}{seq:010d}",
                p.id_number,
                p.name,
                p.sex_zh,
                p.birth_date,
                hospital,
                a,
                d,
                dx,
                icd,
                total,
                fund,
                own,
                settled,
            ],
            f"{settled.year}年",
        )


def inpatient_sheets(w: World) -> tuple[str, ...]:
    first = w.as_of - dt.timedelta(days=364)
    return tuple(f"{y}年" for y in range(first.year, w.as_of.year + 1))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    k, p = 0, math.exp(-lam)
    s, u = p, rng.random()
    while u > s and k < 30:
        k += 1
        p *= lam / k
        s += p
    return k


def yibao_outpatient(w: World, rng: random.Random) -> Iterator[Row]:
    days = 92
    rows = []
    diag_cum = [d for d, _ in OUTPATIENT_DIAGNOSES], []
    total_w = 0.0
    for _, weight in OUTPATIENT_DIAGNOSES:
        total_w += weight
        diag_cum[1].append(total_w)
    from bisect import bisect

    for hh in w.pop.households:
        clinic = community_clinic(hh)
        for p in hh.members:
            if not is_alive(w, p):
                continue
            age = age_of(w, p)
            lam = (
                1.2
                if age < 6
                else 0.5
                if age < 45
                else 0.9
                if age < 60
                else 1.8
                if age < 75
                else 2.5
            )
            regs = w.chronic.get(p.person_id)
            if regs:
                lam += 2.0
            if p.serious_illness is not None:
                lam += 1.5 if p.person_id in w.acute else 0.8
            for _ in range(_poisson(rng, lam * 0.6)):
                day = w.as_of - dt.timedelta(days=1 + int(rng.random() * days))
                r = rng.random()
                if regs and r < 0.6:
                    med_type, dx = "门诊慢特病", regs[0][1]
                elif r > 0.95:
                    med_type = "急诊"
                    dx = diag_cum[0][bisect(diag_cum[1], rng.random() * total_w)]
                else:
                    med_type = "普通门诊"
                    dx = diag_cum[0][bisect(diag_cum[1], rng.random() * total_w)]
                if med_type == "门诊慢特病" and regs[0][0] != "慢性病":
                    total = int(rng.uniform(800, 9_000) * 100)
                else:
                    total = int(min(3_000, max(20, rng.lognormvariate(math.log(180), 0.8))) * 100)
                share = 0.0 if rng.random() < 0.25 else rng.uniform(0.4, 0.8)
                fund = int(total * share)
                where = clinic if rng.random() < 0.55 else pick(rng, HOSPITALS)
                rows.append((day, p, where, med_type, dx, total, fund))
    rows.sort(key=lambda r: (r[0], r[1].person_id))
    seq = int(rng.random() * 1e6)
    for day, p, where, med_type, dx, total, fund in rows:
        seq += 1 + int(rng.random() * 20)
        yield (
            p.person_id,
            [
                f"{day:%Y%m%d}{seq:010d}",
                p.id_number,
                p.name,
                p.birth_date,
                day,
                where,
                med_type,
                dx,
                total,
                fund,
                total - fund,
            ],
            None,
        )


def yibao_chronic(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for hh in w.pop.households:
        for p in hh.members:
            for category, disease in w.chronic.get(p.person_id, ()):
                diagnosed = w.diagnosed.get(p.person_id)
                if category == "慢性病":
                    approved = days_ago(w, rng, 10, 700)
                    valid = add_years(approved, 2) - dt.timedelta(days=1)
                else:
                    approved = days_ago(w, rng, 10, 360)
                    if diagnosed is not None and diagnosed + dt.timedelta(days=10) > approved:
                        approved = min(
                            diagnosed + dt.timedelta(days=10 + int(rng.random() * 30)),
                            w.as_of - dt.timedelta(days=1),
                        )
                    valid = add_years(approved, 1) - dt.timedelta(days=1)
                seq += 1 + int(rng.random() * 9)
                yield (
                    p.person_id,
                    [
                        f"MTB{approved.year}{seq:08d}",
                        p.id_number,
                        p.name,
                        p.sex_zh,
                        p.birth_date,
                        category,
                        disease,
                        approved,
                        valid,
                        pick(rng, HOSPITALS) if category != "慢性病" else community_clinic(hh),
                    ],
                    None,
                )
