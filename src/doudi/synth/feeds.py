"""Every department feed of the catalogue, derived from the same people (see ``world.py``).

Each builder yields ``(person_id, values, sheet)``: the canonical values of one record in the
catalogue's field order (``datetime.date`` for dates, the first day of the month for months,
integer fen for money, ``bool`` for booleans, ``None`` for an empty cell) and, for an XLSX
feed split over sheets, the sheet's name. Each feed draws from its own
``random.Random(f"{seed}:{feed_id}")``, so feeds do not disturb one another. ``FEEDS`` pairs
each builder with its department's native :class:`~doudi.synth.formats.Layout`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from doudi.engine import idnumber
from doudi.synth import communities as communities_mod
from doudi.synth.formats import Layout
from doudi.synth.population import (
    DISABILITY,
    EARNER_DIED,
    EMPLOYED,
    FLEXIBLE,
    ILLNESS,
    NO_PENSION,
    RETIRED,
    SCHOOLING,
    SINGLE_PARENT,
    SUDDEN_EVENT,
    UNEMPLOYED,
    UNEMPLOYMENT,
    Household,
    Person,
    age_on,
)
from doudi.synth.world import (
    ACCIDENT_DEATH_CAUSES,
    COMMON_ADMISSIONS,
    DEATH_CAUSES,
    HOSPITALS,
    OUTPATIENT_DIAGNOSES,
    WINDOW_MONTHS,
    World,
    pick,
)

Row = tuple[str, list, str | None]
YEAR = 365.2425


def _days(rng: random.Random, lo: float, hi: float) -> int:
    return int(lo + rng.random() * (hi - lo))


def _ago(w: World, rng: random.Random, lo_days: float, hi_days: float) -> dt.date:
    return w.as_of - dt.timedelta(days=_days(rng, lo_days, hi_days))


def _age(w: World, p: Person) -> int:
    return age_on(p.birth_date, w.as_of)


def _alive(w: World, p: Person) -> bool:
    return p.person_id not in w.death


def _street(hh: Household) -> str:
    return hh.street.name


def _community_clinic(hh: Household) -> str:
    return f"武昌区{hh.street.name[:-2]}街社区卫生服务中心"


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# ---- 公安 ----------------------------------------------------------------------------------------
_CARS = (
    (
        "小型轿车",
        (
            "大众朗逸",
            "丰田卡罗拉",
            "本田思域",
            "日产轩逸",
            "比亚迪秦PLUS",
            "吉利帝豪",
            "别克英朗",
            "东风风神奕炫",
            "特斯拉Model 3",
            "宝马3系",
            "奔驰C级",
            "奥迪A4L",
        ),
        70,
    ),
    (
        "小型越野客车",
        ("哈弗H6", "长安CS75", "本田CR-V", "丰田RAV4荣放", "比亚迪宋PLUS", "大众途观L"),
        16,
    ),
    ("小型普通客车", ("五菱宏光", "别克GL8", "长安欧尚"), 7),
    ("轻型普通货车", ("江铃顺达", "福田奥铃", "东风多利卡"), 3),
    ("普通二轮摩托车", ("豪爵铃木", "五羊本田", "新大洲本田"), 3),
    ("中型普通客车", ("宇通ZK6609",), 0.5),
    ("重型普通货车", ("东风天龙",), 0.5),
)
_PLATE = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def gongan_vehicle(w: World, rng: random.Random) -> Iterator[Row]:
    seq = 4_200_000_000 + int(rng.random() * 1e8)
    for hh in w.pop.households:
        adults = [p for p in hh.members if 18 <= _age(w, p) < 80 and _alive(w, p)]
        if not adults:
            continue
        top = max(adults, key=lambda p: p.monthly_wage_fen + p.monthly_pension_fen)
        wage = top.monthly_wage_fen
        if hh.hardship:
            chance = 0.06
        elif wage >= 1_000_000:
            chance = 0.75
        elif wage >= 600_000:
            chance = 0.55
        elif wage >= 300_000:
            chance = 0.35
        elif top.monthly_pension_fen:
            chance = 0.2
        else:
            chance = 0.08
        if rng.random() >= chance:
            continue
        count = 2 if not hh.hardship and wage >= 800_000 and rng.random() < 0.15 else 1
        for k in range(count):
            owner = top if k == 0 else adults[int(rng.random() * len(adults))]
            if hh.hardship:
                vtype, brands = (
                    ("普通二轮摩托车", _CARS[4][1])
                    if rng.random() < 0.5
                    else ("小型轿车", ("五菱宏光MINIEV", "奇瑞QQ", "比亚迪F3"))
                )
            else:
                vtype, brands = pick(rng, _CARS)
            brand = brands[int(rng.random() * len(brands))]
            if vtype == "普通二轮摩托车":
                price = int(rng.uniform(4_000, 15_000))
            elif hh.hardship:
                price = int(rng.uniform(20_000, 60_000))
            elif vtype in ("轻型普通货车", "中型普通客车", "重型普通货车"):
                price = int(rng.uniform(80_000, 400_000))
            else:
                base = max(60_000, (wage or top.monthly_pension_fen) / 100 * 22)
                price = int(min(900_000, max(40_000, rng.lognormvariate(math.log(base), 0.35))))
            price = price // 100 * 100 * 100
            registered = _ago(w, rng, 60, 14 * YEAR)
            new_energy = brand.startswith(("比亚迪", "特斯拉", "五菱宏光MINI"))
            if new_energy:
                plate = (
                    "鄂A"
                    + "DF"[int(rng.random() * 2)]
                    + "".join(str(int(rng.random() * 10)) for _ in range(5))
                )
            else:
                plate = "鄂A" + "".join(_PLATE[int(rng.random() * len(_PLATE))] for _ in range(5))
            r = rng.random()
            status = (
                "正常"
                if r < 0.88
                else "抵押"
                if r < 0.94
                else "逾期未检验"
                if r < 0.98
                else "查封"
                if r < 0.99
                else "注销"
            )
            seq += 1 + int(rng.random() * 40)
            yield (
                owner.person_id,
                [
                    f"{seq:012d}",
                    plate,
                    owner.id_number,
                    owner.name,
                    owner.phone or None,
                    hh.address,
                    vtype,
                    brand,
                    registered,
                    price,
                    status,
                ],
                None,
            )


# ---- 民政 ----------------------------------------------------------------------------------------
_CATEGORY_CODE = {"低保": "1", "特困": "2", "临时救助": "3", "低保边缘": "4"}


def minzheng_recipients(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for hh in w.pop.households:
        for a in w.assistance.get(hh.hukou_no, ()):
            for p in a.members:
                seq += 1 + int(rng.random() * 3)
                yield (
                    p.person_id,
                    [
                        f"420106{_CATEGORY_CODE[a.category]}{seq:08d}",
                        hh.hukou_no,
                        p.id_number,
                        p.name,
                        p.relation,
                        p.phone or None,
                        hh.address,
                        a.category,
                        a.status,
                        a.start,
                        a.end,
                        a.monthly_fen,
                        len(a.members),
                    ],
                    None,
                )


_MARRIAGE_OFFICES = (
    ("武汉市武昌区民政局婚姻登记处", 80),
    ("武汉市洪山区民政局婚姻登记处", 10),
    ("武汉市江岸区民政局婚姻登记处", 5),
    ("武汉市江汉区民政局婚姻登记处", 5),
)
_PAIRS = {("户主", "配偶"), ("配偶", "户主"), ("子", "儿媳"), ("女", "女婿")}


def minzheng_marriage(w: World, rng: random.Random) -> Iterator[Row]:
    window = 730
    start = w.as_of - dt.timedelta(days=window)
    known = {p.id_number for p in w.pop.persons()}
    events: list[tuple[dt.date, str, list, str]] = []
    for hh in w.pop.households:
        members = hh.members
        for a in members:
            for b in members:
                if (a.relation, b.relation) not in _PAIRS or a.sex != "M" or b.sex != "F":
                    continue
                if not (_alive(w, a) and _alive(w, b)):
                    continue
                younger = min(_age(w, a), _age(w, b))
                kids = [
                    p
                    for p in members
                    if p.relation in ("子", "女", "孙子", "孙女")
                    and p.birth_date < start
                    and p.relation != a.relation
                    and p.relation != b.relation
                ]
                if younger > 35 or kids or rng.random() >= 0.2:
                    continue
                earliest = max(
                    start,
                    _add_years(a.birth_date, 22),
                    _add_years(b.birth_date, 20),
                )
                if earliest >= w.as_of:
                    continue
                day = earliest + dt.timedelta(days=int(rng.random() * (w.as_of - earliest).days))
                office = pick(rng, _MARRIAGE_OFFICES)
                cert = f"J420106-{day.year}-{int(rng.random() * 9000) + 1000:06d}"
                for p, q in ((a, b), (b, a)):
                    events.append((day, p.person_id, [p, q, "结婚", cert, office], hh.hukou_no))
        for p in members:
            if p.marital != "divorced" or not _alive(w, p) or not 22 <= _age(w, p) < 66:
                continue
            rate = 0.3 if hh.hardship and hh.structure == SINGLE_PARENT else 0.06
            if rng.random() >= rate:
                continue
            day = _ago(w, rng, 1, window)
            sex = "F" if p.sex == "M" else "M"
            birth = p.birth_date + dt.timedelta(days=_days(rng, -5 * YEAR, 5 * YEAR))
            area = "420106" if rng.random() < 0.5 else "4201" + f"{int(rng.random() * 16) + 2:02d}"
            while True:
                seq = int(rng.random() * 500) * 2 + (1 if sex == "M" else 0)
                other = idnumber.make(area, birth, seq)
                if other not in known:
                    break
            spouse = (w.names.surname() + w.names.given(sex, birth.year), other)
            office = "武汉市武昌区民政局婚姻登记处"
            cert = f"L420106-{day.year}-{int(rng.random() * 9000) + 1000:06d}"
            events.append((day, p.person_id, [p, spouse, "离婚", cert, office], hh.hukou_no))
    events.sort(key=lambda e: (e[0], e[3], e[1]))
    seq = int(rng.random() * 1e5)
    for day, pid, (p, q, kind, cert, office), _ in events:
        seq += 1
        spouse_name, spouse_id = (q.name, q.id_number) if isinstance(q, Person) else q
        yield (
            pid,
            [
                f"HY{day.year}{seq:07d}",
                cert,
                kind,
                day,
                p.id_number,
                p.name,
                p.sex_zh,
                p.birth_date,
                spouse_name,
                spouse_id,
                office,
            ],
            None,
        )


_FUNERAL_HOMES = (("武汉市武昌殡仪馆", 80), ("武汉市汉口殡仪馆", 12), ("武汉市青山殡仪馆", 8))


def _deaths(w: World) -> list[tuple[dt.date, Person, Household]]:
    out = []
    for hh in w.pop.households:
        for p in hh.members:
            day = w.death.get(p.person_id)
            if day is not None:
                out.append((day, p, hh))
    out.sort(key=lambda e: (e[0], e[1].person_id))
    return out


def minzheng_death(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e5)
    for day, p, hh in _deaths(w):
        if not w.death_reported[p.person_id][0]:
            continue
        seq += 1 + int(rng.random() * 4)
        cremated = min(
            day + dt.timedelta(days=1 + int(rng.random() * 5)), w.as_of - dt.timedelta(days=1)
        )
        relatives = [q for q in hh.members if q is not p and q.phone]
        contact = relatives[0].phone if relatives else None
        yield (
            p.person_id,
            [
                f"HH{cremated.year}{seq:06d}",
                p.id_number,
                p.name,
                p.sex_zh,
                p.birth_date,
                day,
                max(cremated, day),
                pick(rng, _FUNERAL_HOMES),
                hh.address,
                contact,
            ],
            None,
        )


# ---- 残联 ----------------------------------------------------------------------------------------
_DISABILITY_CODE = {"视力": 1, "听力": 2, "言语": 3, "肢体": 4, "智力": 5, "精神": 6, "多重": 7}


def canlian_disability(w: World, rng: random.Random) -> Iterator[Row]:
    for hh in w.pop.households:
        severe_case = hh.hardship and DISABILITY in hh.causes
        for p in hh.members:
            if p.disability_type is None:
                continue
            if rng.random() >= (0.97 if severe_case else 0.8):
                continue
            span = 6 * YEAR if severe_case else 15 * YEAR
            issued = _ago(w, rng, 30, span)
            if issued <= p.birth_date:
                issued = p.birth_date + dt.timedelta(days=365 + int(rng.random() * 200))
                issued = min(issued, w.as_of - dt.timedelta(days=1))
            phone = p.phone or (hh.head.phone if _age(w, p) < 18 else "")
            yield (
                p.person_id,
                [
                    f"{p.id_number}{_DISABILITY_CODE[p.disability_type]}{p.disability_grade}",
                    p.id_number,
                    p.name,
                    p.birth_date,
                    phone or None,
                    p.disability_type,
                    p.disability_grade,
                    issued,
                ],
                None,
            )


# ---- 医保 ----------------------------------------------------------------------------------------
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
    age = _age(w, p)
    rate = 0.025 if age < 18 else 0.04 if age < 60 else 0.1 if age < 75 else 0.18
    common = rng.random() < rate
    accident = hh.hardship and hh.sudden_event == "交通事故" and p is hh.head
    if not common and not accident and p.serious_illness is None:
        return out
    end_limit = min(w.as_of - dt.timedelta(days=2), w.death.get(p.person_id, w.as_of))
    window_start = w.as_of - dt.timedelta(days=364)

    def admit(los_lo, los_hi, not_before=window_start):
        los = _days(rng, los_lo, los_hi)
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
        d = min(a + dt.timedelta(days=_days(rng, 10, 40)), w.as_of - dt.timedelta(days=1))
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
        clinic = _community_clinic(hh)
        for p in hh.members:
            if not _alive(w, p):
                continue
            age = _age(w, p)
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
                    approved = _ago(w, rng, 10, 700)
                    valid = _add_years(approved, 2) - dt.timedelta(days=1)
                else:
                    approved = _ago(w, rng, 10, 360)
                    if diagnosed is not None and diagnosed + dt.timedelta(days=10) > approved:
                        approved = min(
                            diagnosed + dt.timedelta(days=10 + int(rng.random() * 30)),
                            w.as_of - dt.timedelta(days=1),
                        )
                    valid = _add_years(approved, 1) - dt.timedelta(days=1)
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
                        pick(rng, HOSPITALS) if category != "慢性病" else _community_clinic(hh),
                    ],
                    None,
                )


# ---- 卫健 ----------------------------------------------------------------------------------------
def weijian_diagnosis(w: World, rng: random.Random) -> Iterator[Row]:
    since = w.as_of - dt.timedelta(days=730)
    rows = []
    for hh in w.pop.households:
        for p in hh.members:
            day = w.diagnosed.get(p.person_id)
            if day is None or day < since:
                continue
            if rng.random() >= (0.95 if p.person_id in w.acute else 0.85):
                continue
            rows.append((day, p))
    rows.sort(key=lambda r: (r[0], r[1].person_id))
    seq = int(rng.random() * 1e5)
    for day, p in rows:
        seq += 1 + int(rng.random() * 30)
        disease, icd = w.illness_dx[p.person_id]
        yield (
            p.person_id,
            [
                f"{day.year}4201{seq:07d}",
                p.id_number,
                p.name,
                p.sex_zh,
                p.birth_date,
                p.phone or None,
                disease,
                icd,
                day,
                pick(rng, HOSPITALS),
            ],
            None,
        )


_DEATH_PLACES = (
    ("医疗卫生机构", 60),
    ("家中", 30),
    ("来院途中", 4),
    ("养老服务机构", 4),
    ("其他场所", 2),
)


def weijian_death(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e5)
    for day, p, hh in _deaths(w):
        if not w.death_reported[p.person_id][1]:
            continue
        earner = w.earner_died.get(hh.hukou_no) is p
        if earner:
            cause = pick(rng, ACCIDENT_DEATH_CAUSES)
            place = "医疗卫生机构" if rng.random() < 0.6 else "其他场所"
        elif p.serious_illness is not None:
            cause, place = w.illness_dx[p.person_id][0], pick(rng, _DEATH_PLACES)
        else:
            cause, place = pick(rng, DEATH_CAUSES), pick(rng, _DEATH_PLACES)
        issuer = pick(rng, HOSPITALS) if place == "医疗卫生机构" else _community_clinic(hh)
        seq += 1 + int(rng.random() * 6)
        yield (
            p.person_id,
            [
                f"W{day.year}420106{seq:06d}",
                p.id_number,
                p.name,
                p.sex_zh,
                p.birth_date,
                day,
                place,
                cause,
                issuer,
            ],
            None,
        )


# ---- 人社 ----------------------------------------------------------------------------------------
def renshe_unemployment(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for hh in w.pop.households:
        for p in hh.members:
            if p.employment != UNEMPLOYED or not _alive(w, p) or not 16 <= _age(w, p) < 60:
                continue
            target = hh.hardship and UNEMPLOYMENT in hh.causes
            if rng.random() >= (0.92 if target else 0.45):
                continue
            work = w.work.get(p.person_id)
            if work is not None and work.end < WINDOW_MONTHS:
                stopped = w.months[work.end]
                registered = min(
                    stopped + dt.timedelta(days=3 + int(rng.random() * 40)),
                    w.as_of - dt.timedelta(days=1),
                )
                reason = work.stop_reason if work.stop_reason != "死亡" else "其他"
                employer = work.employer.name if work.employer else None
            else:
                registered = _ago(w, rng, 30, 900)
                reason = "毕业未就业" if _age(w, p) < 25 else "其他"
                employer = None
            benefit = None
            if (
                employer
                and reason in ("解除劳动合同", "劳动合同期满", "单位破产关闭")
                and rng.random() < 0.7
            ):
                benefit = int(rng.uniform(1_800, 2_100)) * 100
            seq += 1 + int(rng.random() * 5)
            yield (
                p.person_id,
                [
                    f"42010620{seq:08d}",
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    p.phone or None,
                    hh.address,
                    registered,
                    employer,
                    reason,
                    rng.random() < (0.6 if target else 0.15),
                    benefit,
                ],
                None,
            )


WAGE_BASE_MIN = 420_000  # synthetic pension-contribution base floor and cap (fen)
WAGE_BASE_MAX = 2_300_000


def _contributors(w: World) -> list[tuple[Person, object]]:
    persons = {p.person_id: p for p in w.pop.persons()}
    return [(persons[pid], work) for pid, work in w.work.items()]


def renshe_contribution(w: World, rng: random.Random) -> Iterator[Row]:
    items = []
    for p, work in _contributors(w):
        if work.employer is None:
            base = WAGE_BASE_MIN if work.wage_fen < 600_000 else min(work.wage_fen, WAGE_BASE_MAX)
            fixed = (None, None, "灵活就业人员养老保险", base, base * 20 // 100, None)
        else:
            base = min(max(work.wage_fen, WAGE_BASE_MIN), WAGE_BASE_MAX)
            insurance = "机关事业单位养老保险" if work.employer.public else "企业职工基本养老保险"
            fixed = (
                work.employer.name,
                work.employer.code,
                insurance,
                base,
                base * 8 // 100,
                base * 16 // 100,
            )
        items.append((p.person_id, p.id_number, p.name, work.start, work.end, fixed))
    seq = int(rng.random() * 1e6)
    for m in range(WINDOW_MONTHS):
        month = w.months[m]
        tag = f"{month:%Y%m}"
        for pid, number, name, start, end, (who, code, insurance, base, own, firm) in items:
            if start <= m < end:
                seq += 1
                yield (
                    pid,
                    [
                        f"{tag}{seq:010d}",
                        number,
                        name,
                        who,
                        code,
                        insurance,
                        month,
                        base,
                        own,
                        firm,
                    ],
                    None,
                )


def renshe_pension(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e7)
    for hh in w.pop.households:
        for p in hh.members:
            if p.employment not in (RETIRED, NO_PENSION) or not p.monthly_pension_fen:
                continue
            age = _age(w, p)
            if p.employment == RETIRED:
                scheme = "职工"
                retire_at = 60 if p.sex == "M" else (50 if rng.random() < 0.6 else 55)
                retire_at = min(retire_at, age)
            else:
                scheme, retire_at = "城乡居民", min(60, age)
            start = _add_years(p.birth_date, retire_at)
            start = dt.date(start.year, start.month, 1)
            status = "暂停发放" if p.person_id in w.death else "正常发放"
            seq += 1 + int(rng.random() * 4)
            yield (
                p.person_id,
                [
                    f"4201{seq:010d}",
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    scheme,
                    start,
                    p.monthly_pension_fen,
                    status,
                ],
                None,
            )


# ---- 教育 ----------------------------------------------------------------------------------------
_PRIMARY = (
    "中华路",
    "粮道街",
    "候补街",
    "解放路",
    "大成路",
    "复兴路",
    "三道街",
    "张之洞路",
    "南湖第一",
    "南湖第二",
    "水果湖第一",
    "水果湖第二",
    "珞珈山",
    "武珞路",
    "石洞街",
    "徐家棚",
    "杨园",
    "积玉桥",
    "紫阳路",
    "白沙洲",
)
_MIDDLE = (
    "武汉市第十四中学",
    "武汉市第十五中学",
    "武汉中学",
    "武汉市第三十九中学",
    "湖北省武昌实验中学",
    "武汉市水果湖第一中学",
    "武汉市粮道街中学",
    "武汉市南湖中学",
    "武汉市东湖中学",
    "武汉市武昌区七十五中学",
)
_HIGH = (
    "武汉中学",
    "湖北省武昌实验中学",
    "武汉市第十四中学",
    "武汉市第十五中学",
    "湖北省武昌水果湖高级中学",
    "武汉市第三十九中学",
    "武汉市东湖中学",
)
_VOCATIONAL = (
    "武汉市第一商业学校",
    "武汉市财政学校",
    "武汉市第二轻工业学校",
    "武汉市交通学校",
    "武汉市仪表电子学校",
)
_HIGHER_VOC = (
    "武汉职业技术学院",
    "湖北职业技术学院",
    "武汉城市职业学院",
    "长江职业学院",
    "武汉软件工程职业学院",
)
_UNIVERSITY = (
    "武汉大学",
    "华中师范大学",
    "湖北大学",
    "武汉理工大学",
    "中南财经政法大学",
    "湖北工业大学",
    "武汉科技大学",
    "江汉大学",
    "华中科技大学",
    "中南民族大学",
)
_GRADES_CN = "一二三四五六七八九"


def _stage(p: Person) -> str | None:
    s = p.school_stage
    if s is None:
        return None
    if s == "幼儿园":
        return "学前"
    if s == "大学":
        return "本科" if int(p.person_id[1:]) % 20 < 13 else "高职"
    return s


def _school(p: Person, stage: str, hh: Household) -> str:
    k = int(p.person_id[1:]) * 7 + int(hh.hukou_no[-3:])
    if stage == "学前":
        return f"武昌区{hh.street.name[:-2]}{'第一第二实验'[2 * (k % 3) : 2 * (k % 3) + 2]}幼儿园"
    if stage == "小学":
        return f"武汉市武昌区{_PRIMARY[k % len(_PRIMARY)]}小学"
    if stage == "初中":
        return _MIDDLE[k % len(_MIDDLE)]
    if stage == "高中":
        return _HIGH[k % len(_HIGH)]
    if stage == "中职":
        return _VOCATIONAL[k % len(_VOCATIONAL)]
    if stage == "高职":
        return _HIGHER_VOC[k % len(_HIGHER_VOC)]
    return _UNIVERSITY[k % len(_UNIVERSITY)]


def _school_year(w: World) -> int:
    return w.as_of.year if w.as_of.month >= 9 else w.as_of.year - 1


def _grade(w: World, p: Person, stage: str) -> tuple[str, int]:
    """(grade label, enrolment year of the current stage)."""
    sy = _school_year(w)
    age = sy - p.birth_date.year - (p.birth_date.month >= 9)  # age on 1 September
    if stage == "学前":
        g = min(max(age - 3, 0), 2)
        return ("小班", "中班", "大班")[g], sy - g
    if stage == "小学":
        g = min(max(age - 6, 0), 5)
        return f"{_GRADES_CN[g]}年级", sy - g
    if stage == "初中":
        g = min(max(age - 12, 0), 2)
        return f"{_GRADES_CN[g + 6]}年级", sy - g
    if stage in ("高中", "中职"):
        g = min(max(age - 15, 0), 2)
        return ((f"高{_GRADES_CN[g]}" if stage == "高中" else f"{_GRADES_CN[g]}年级"), sy - g)
    g = min(max(age - 18, 0), 3 if stage == "本科" else 2)
    return f"{sy - g}级", sy - g


def jiaoyu_students(w: World, rng: random.Random) -> Iterator[Row]:
    for hh in w.pop.households:
        parent_phone = next((q.phone for q in hh.members if q.phone and _age(w, q) >= 18), "")
        for p in hh.members:
            stage = _stage(p)
            if stage is None or not _alive(w, p):
                continue
            if stage in ("本科", "高职") and rng.random() >= 0.6:
                continue  # studies elsewhere; not in the district's records
            grade, year = _grade(w, p, stage)
            if stage in ("本科", "高职"):
                number = (
                    f"{year}{int(rng.random() * 9000) + 1000}{int(p.person_id[1:]) % 10000:04d}"
                )
            else:
                number = "G" + p.id_number
            phone = parent_phone if _age(w, p) < 18 else (p.phone or parent_phone)
            yield (
                p.person_id,
                [
                    number,
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    _school(p, stage, hh),
                    stage,
                    grade,
                    dt.date(year, 9, 1),
                    phone or None,
                ],
                None,
            )


def _terms(w: World) -> list[tuple[str, dt.date, dt.date, bool]]:
    """(label, first grant day, last grant day, autumn) of terms granted in the last year."""
    out = []
    lo = w.as_of - dt.timedelta(days=364)
    for y in range(w.as_of.year - 1, w.as_of.year + 1):
        for label, a, b, autumn in (
            (f"{y - 1}-{y}学年第二学期", dt.date(y, 4, 1), dt.date(y, 5, 31), False),
            (f"{y}-{y + 1}学年第一学期", dt.date(y, 10, 8), dt.date(y, 11, 30), True),
        ):
            b = min(b, w.as_of - dt.timedelta(days=1))
            if a >= lo and a <= b:
                out.append((label, a, b, autumn))
    return out


def jiaoyu_aid(w: World, rng: random.Random) -> Iterator[Row]:
    terms = _terms(w)
    rows = []
    for hh in w.pop.households:
        category = w.category_of(hh.hukou_no)
        for p in hh.members:
            stage = _stage(p)
            if stage is None or not _alive(w, p):
                continue
            if hh.hardship and SCHOOLING in hh.causes:
                chance = 0.95
            elif category in ("低保", "特困"):
                chance = 0.9
            elif hh.hardship:
                chance = 0.6
            else:
                chance = 0.025
            if rng.random() >= chance:
                continue
            if category in ("低保", "特困") or (hh.hardship and rng.random() < 0.6):
                level = "特别困难"
            elif hh.hardship:
                level = "比较困难"
            else:
                level = "一般困难" if rng.random() < 0.7 else "比较困难"
            school = _school(p, stage, hh)
            for label, a, b, autumn in terms:
                items: list[tuple[str, int]] = []
                if stage == "学前":
                    items.append(("学前教育资助", 50_000))
                elif stage in ("小学", "初中"):
                    items.append(
                        ("家庭经济困难学生生活补助", 50_000 if stage == "小学" else 62_500)
                    )
                elif stage in ("高中", "中职"):
                    items.append(("国家助学金", 100_000))
                    if autumn:
                        items.append(("免学费", 80_000 if stage == "高中" else 100_000))
                else:
                    grant = {"特别困难": 275_000, "比较困难": 200_000, "一般困难": 165_000}[level]
                    items.append(("国家助学金", grant))
                    if autumn and rng.random() < 0.4:
                        items.append(("国家助学贷款", int(rng.uniform(8, 16)) * 100_000))
                for aid_type, amount in items:
                    day = a + dt.timedelta(days=int(rng.random() * ((b - a).days + 1)))
                    rows.append((day, p, [school, stage, level, aid_type, amount, day, label]))
    rows.sort(key=lambda r: (r[0], r[1].person_id, r[2][3]))
    seq = int(rng.random() * 1e5)
    for day, p, (school, stage, level, aid_type, amount, granted, label) in rows:
        seq += 1
        yield (
            p.person_id,
            [
                f"ZZ{day:%Y%m}{seq:07d}",
                p.id_number,
                p.name,
                p.birth_date,
                school,
                stage,
                level,
                aid_type,
                amount,
                granted,
                label,
            ],
            None,
        )


# ---- 不动产 --------------------------------------------------------------------------------------
def _unit_price(year: int, rng: random.Random) -> float:
    if year >= 2016:
        return rng.uniform(15_000, 28_000)
    if year >= 2008:
        return rng.uniform(7_000, 15_000)
    return rng.uniform(2_000, 6_000)


def budongchan_property(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e5)
    cert = int(rng.random() * 1e6)
    for hh in w.pop.households:
        head = hh.head
        if rng.random() >= (0.45 if hh.hardship else 0.65 if len(hh.members) == 1 else 0.72):
            continue
        spouse = next((q for q in hh.members if q.relation == "配偶"), None)
        homes = [("住宅", hh.address)]
        for _ in range(w.extra_homes.get(hh.hukou_no, 0)):
            r = rng.random()
            if r < 0.6:
                homes.append(("住宅", communities_mod.CITY_NAME + _other_location(rng)))
            elif r < 0.9:
                homes.append(
                    (
                        "车位",
                        hh.address.split("栋")[0]
                        + f"栋地下车位B1-{int(rng.random() * 400) + 1:03d}",
                    )
                )
            else:
                homes.append(("商业", communities_mod.CITY_NAME + _other_location(rng) + "商铺"))
        for usage, location in homes:
            owner = head if spouse is None or rng.random() < 0.7 else spouse
            if usage == "车位":
                area = rng.uniform(12, 35)
            elif hh.hardship:
                area = rng.uniform(32, 75)
            else:
                area = rng.uniform(55, 140)
            registered = _ago(w, rng, 200, 25 * YEAR)
            price = None
            if registered.year >= 2000 or rng.random() < 0.6:
                price = int(area * _unit_price(registered.year, rng)) // 100 * 10_000
            share = "共同共有" if spouse is not None and rng.random() < 0.6 else "单独所有"
            seq += 1
            cert += 1 + int(rng.random() * 30)
            street = int(hh.hukou_no[1:3])
            unit = (
                f"420106{street:03d}{seq // 100_000 % 1000:03d}GB{seq % 100_000:05d}"
                f"F{1 + int(rng.random() * 40):04d}{int(rng.random() * 3000) + 101:04d}"
            )
            if registered.year >= 2016:
                number = f"鄂({registered.year})武汉市不动产权第{cert % 10_000_000:07d}号"
            else:
                number = f"武房权证昌字第{cert % 100_000_000:08d}号"
            yield (
                owner.person_id,
                [
                    unit,
                    number,
                    owner.id_number,
                    owner.name,
                    location,
                    usage,
                    f"{area:.2f}",
                    share,
                    registered,
                    price,
                ],
                None,
            )


def _other_location(rng: random.Random) -> str:
    streets = communities_mod.streets()
    street = streets[int(rng.random() * len(streets))]
    roads = communities_mod.ROADS[street.code[-3:]]
    road = roads[int(rng.random() * len(roads))]
    district = (
        "武昌区"
        if rng.random() < 0.6
        else ("洪山区", "江夏区", "东西湖区", "汉阳区")[int(rng.random() * 4)]
    )
    return (
        f"{district}{road}路{1 + int(rng.random() * 300)}号{1 + int(rng.random() * 30)}栋"
        f"{1 + int(rng.random() * 4)}单元{(1 + int(rng.random() * 30)) * 100 + 1 + int(rng.random() * 4)}室"
    )


# ---- 市场监管 ------------------------------------------------------------------------------------
def shichang_business(w: World, rng: random.Random) -> Iterator[Row]:
    for b in sorted(w.businesses, key=lambda b: b.code):
        p = b.owner
        yield (
            p.person_id,
            [
                b.code,
                b.name,
                b.kind,
                p.id_number,
                p.name,
                p.phone or None,
                b.capital_fen,
                b.established,
                b.status,
                b.address,
                b.industry,
            ],
            None,
        )


def shichang_shareholding(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for b in w.businesses:
        for p, share in b.holders:
            subscribed = (
                None if b.capital_fen is None else int(b.capital_fen * share / 100) // 100 * 100
            )
            paid = subscribed if subscribed is not None and rng.random() < 0.3 else 0
            invest = (
                b.established
                if rng.random() < 0.4
                else dt.date(b.established.year + 10 + int(rng.random() * 20), 12, 31)
            )
            seq += 1 + int(rng.random() * 9)
            yield (
                p.person_id,
                [
                    f"CZ{seq:010d}",
                    b.code,
                    b.name,
                    p.id_number,
                    p.name,
                    subscribed,
                    paid,
                    f"{share:.2f}",
                    invest,
                ],
                None,
            )


# ---- 税务 ----------------------------------------------------------------------------------------
_BRACKETS = (
    (300_000, 3, 0),
    (1_200_000, 10, 21_000),
    (2_500_000, 20, 141_000),
    (3_500_000, 25, 266_000),
    (5_500_000, 30, 441_000),
    (8_000_000, 35, 716_000),
    (10**12, 45, 1_516_000),
)


def wage_tax(income_fen: int) -> int:
    """Monthly withholding on wages (simplified: 5,000 元 allowance, 10.5% insurance)."""
    taxable = income_fen - 500_000 - income_fen * 105 // 1000
    if taxable <= 0:
        return 0
    for upper, rate, quick in _BRACKETS:
        if taxable <= upper:
            return max(0, taxable * rate // 100 - quick)
    raise AssertionError


def shuiwu_income_tax(w: World, rng: random.Random) -> Iterator[Row]:
    by_month: list[list[tuple[Person, list]]] = [[] for _ in range(WINDOW_MONTHS)]
    persons = {p.person_id: p for p in w.pop.persons()}
    for pid, work in w.work.items():
        if work.employer is None or work.wage_fen < 500_000:
            continue
        p = persons[pid]
        for m in range(work.start, work.end):
            income = work.wage_fen
            if w.months[m].month == 1 and rng.random() < 0.5:
                income += work.wage_fen * int(1 + rng.random() * 3)  # year-end bonus
            by_month[m].append(
                (
                    p,
                    [
                        "工资薪金所得",
                        income,
                        wage_tax(income),
                        work.employer.name,
                        work.employer.code,
                    ],
                )
            )
    employers = w.employers
    for p in w.pop.persons():
        if p.employment == FLEXIBLE and p.person_id not in w.death and rng.random() < 0.1:
            for _ in range(1 + int(rng.random() * 4)):
                m = int(rng.random() * WINDOW_MONTHS)
                income = int(rng.uniform(800, 6_000)) * 100
                tax = max(0, (income - 80_000) * 20 // 100)
                e = employers[int(rng.random() * len(employers))]
                by_month[m].append((p, ["劳务报酬所得", income, tax, e.name, e.code]))
    for b in w.businesses:
        if b.status != "存续":
            continue
        if b.kind in ("个体工商户", "个人独资企业", "合伙企业") and rng.random() < 0.6:
            monthly = int(rng.uniform(3_000, 20_000))
            for m in range(WINDOW_MONTHS):
                if w.months[m].month % 3 == 0:
                    income = monthly * 3 * 100
                    tax = income * (5 if income < 9_000_000 else 10) // 1000
                    by_month[m].append((b.owner, ["经营所得", income, tax, b.name, b.code]))
        elif b.kind == "有限责任公司" and rng.random() < 0.3:
            m = next(i for i, d in enumerate(w.months) if d.month == 6)
            income = int(rng.uniform(20_000, 300_000)) * 100
            by_month[m].append((b.owner, ["利息股息红利所得", income, income // 5, b.name, b.code]))
    for hh in w.pop.households:
        if w.extra_homes.get(hh.hukou_no) and rng.random() < 0.3:
            rent = int(rng.uniform(1_500, 4_500)) * 100
            for m in range(WINDOW_MONTHS):
                by_month[m].append(
                    (
                        hh.head,
                        ["财产租赁所得", rent, max(0, (rent - 80_000) * 10 // 100), None, None],
                    )
                )
    seq = int(rng.random() * 1e6)
    for m, rows in enumerate(by_month):
        tag = f"{w.months[m]:%Y%m}"
        for p, (item, income, tax, who, code) in rows:
            seq += 1
            yield (
                p.person_id,
                [
                    f"3{tag}{seq:011d}",
                    p.id_number,
                    p.name,
                    w.months[m],
                    item,
                    income,
                    tax,
                    who,
                    code,
                ],
                None,
            )


# ---- 公积金 --------------------------------------------------------------------------------------
FUND_BASE_MIN = 221_000
FUND_BASE_MAX = 3_000_000


def gongjijin_contribution(w: World, rng: random.Random) -> Iterator[Row]:
    items = []
    for p, work in _contributors(w):
        if not work.fund_rate or work.employer is None:
            continue
        base = min(max(work.wage_fen, FUND_BASE_MIN), FUND_BASE_MAX)
        amount = int(base * work.fund_rate) * 2
        balance = int(rng.uniform(0, 40) * base)
        items.append(
            [
                p.person_id,
                work.fund_account,
                p.id_number,
                p.name,
                work.employer.name,
                work.start,
                work.end,
                base,
                amount,
                balance,
            ]
        )
    seq = int(rng.random() * 1e6)
    for m in range(WINDOW_MONTHS):
        month = w.months[m]
        tag = f"{month:%Y%m}"
        for item in items:
            pid, account, number, name, employer, start, end, base, amount, balance = item
            if start <= m < end:
                balance += amount
                item[9] = balance
                seq += 1
                yield (
                    pid,
                    [
                        f"{tag}{seq:09d}",
                        account,
                        number,
                        name,
                        employer,
                        month,
                        base,
                        amount,
                        balance,
                    ],
                    None,
                )


# ---- 应急管理 ------------------------------------------------------------------------------------
_NATURAL_DISASTERS = (("洪涝", 70), ("风雹", 20), ("地质灾害", 10))
_SEVERE_DAMAGE = (("严重损坏", 50), ("一般损坏", 40), ("倒塌", 10))


def yingji_disaster(w: World, rng: random.Random) -> Iterator[Row]:
    rows = []
    flood = dt.date(w.as_of.year, 7, 6) if w.as_of.month > 7 else dt.date(w.as_of.year - 1, 7, 6)
    hail = w.as_of - dt.timedelta(days=200)
    for hh in w.pop.households:
        alive = [p for p in hh.members if _alive(w, p)] or hh.members
        head = alive[0]
        if hh.hardship and SUDDEN_EVENT in hh.causes and hh.sudden_event in ("火灾", "自然灾害"):
            fire = hh.sudden_event == "火灾"
            if fire and rng.random() >= 0.9:
                continue
            kind = "火灾" if fire else pick(rng, _NATURAL_DISASTERS)
            damage = pick(rng, _SEVERE_DAMAGE)
            loss = int(rng.uniform(20_000, 300_000)) * 100
            relief = int(rng.uniform(2_000, 20_000)) * 100 if rng.random() < 0.8 else None
            rows.append((hh.sudden_event_date, head, hh, kind, damage, loss, relief, len(alive)))
        elif not hh.hardship:
            r = rng.random()
            if r < 0.0035:
                day, kind = flood + dt.timedelta(days=int(rng.random() * 3)), "洪涝"
            elif r < 0.0045:
                day, kind = hail, "风雹"
            else:
                continue
            if day >= w.as_of:
                continue
            damage = "无" if rng.random() < 0.6 else "一般损坏"
            loss = int(rng.uniform(500, 8_000)) * 100
            relief = int(rng.uniform(200, 1_000)) * 100 if rng.random() < 0.5 else None
            rows.append((day, head, hh, kind, damage, loss, relief, len(alive)))
    rows.sort(key=lambda r: (r[0], r[1].person_id))
    seq = int(rng.random() * 1e4)
    for day, p, hh, kind, damage, loss, relief, size in rows:
        seq += 1
        yield (
            p.person_id,
            [
                f"ZH{day:%Y%m%d}{seq:05d}",
                p.id_number,
                p.name,
                p.phone or None,
                hh.address,
                kind,
                day,
                damage,
                loss,
                relief,
                size,
            ],
            None,
        )


# ---- 农业农村 ------------------------------------------------------------------------------------
def nongye_fangfanpin(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e4)
    for hh in w.pop.households:
        m = w.monitoring.get(hh.hukou_no)
        if m is None:
            continue
        seq += 1
        household_no = f"FP420106{seq:06d}"
        for i, p in enumerate((q for q in hh.members if _alive(w, q)), start=1):
            yield (
                p.person_id,
                [
                    f"{household_no}{i:02d}",
                    household_no,
                    p.id_number,
                    p.name,
                    p.relation,
                    m.monitor_type,
                    m.risk,
                    m.identified,
                    m.cleared,
                    m.per_capita_income_fen,
                ],
                None,
            )


# ---- 总工会 --------------------------------------------------------------------------------------
_REASON_OF_CAUSE = {
    UNEMPLOYMENT: "失业",
    DISABILITY: "残疾",
    SCHOOLING: "子女就学",
    SUDDEN_EVENT: "意外事故",
}


def zonggonghui_hardship(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e4)
    for hh in w.pop.households:
        alive = [p for p in hh.members if _alive(w, p)]
        workers = [
            p
            for p in alive
            if 18 <= _age(w, p) < 60
            and (p.person_id in w.work or p.employment in (EMPLOYED, FLEXIBLE))
        ]
        if not workers:
            continue
        sudden = hh.sudden_event in ("交通事故", "突发重大疾病", EARNER_DIED, "火灾")
        if hh.hardship:
            chance = 0.6 if sudden else 0.3
        else:
            chance = 0.004 if any(p.monthly_wage_fen < 400_000 for p in workers) else 0.0
        if rng.random() >= chance:
            continue
        p = workers[0]
        work = w.work.get(p.person_id)
        employer = work.employer.name if work is not None and work.employer is not None else None
        if hh.hardship:
            cause = hh.causes[0]
            if cause == ILLNESS:
                reason = "本人患病" if p.serious_illness else "家属患病"
            elif hh.structure == SINGLE_PARENT and rng.random() < 0.5:
                reason = "单亲家庭"
            else:
                reason = _REASON_OF_CAUSE.get(cause, "其他")
            kind = "意外致困" if sudden else ("深度困难" if rng.random() < 0.4 else "相对困难")
            if sudden and hh.sudden_event_date:
                filed = min(
                    hh.sudden_event_date + dt.timedelta(days=10 + int(rng.random() * 50)),
                    w.as_of - dt.timedelta(days=1),
                )
            else:
                filed = _ago(w, rng, 30, 1000)
        else:
            reason, kind, filed = "其他", "相对困难", _ago(w, rng, 30, 1000)
        income = sum(q.monthly_wage_fen + q.monthly_pension_fen for q in alive) // 100 * 100
        seq += 1
        yield (
            p.person_id,
            [
                f"420106{filed.year}{seq:05d}",
                p.id_number,
                p.name,
                p.sex_zh,
                p.phone or None,
                hh.address,
                employer,
                kind,
                reason,
                filed,
                len(alive),
                income,
            ],
            None,
        )


# ---- 司法 ----------------------------------------------------------------------------------------
_PRISONS = (
    "湖北省汉阳监狱",
    "湖北省江北监狱",
    "湖北省沙洋监狱",
    "湖北省武汉女子监狱",
    "湖北省襄南监狱",
)
_CRIMES = (
    ("盗窃罪", 25),
    ("诈骗罪", 18),
    ("危险驾驶罪", 20),
    ("故意伤害罪", 8),
    ("交通肇事罪", 6),
    ("开设赌场罪", 5),
    ("寻衅滋事罪", 6),
    ("帮助信息网络犯罪活动罪", 8),
    ("非法吸收公众存款罪", 4),
)


def sifa_prisoners(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for hh in w.pop.households:
        for p in hh.members:
            age = _age(w, p)
            if not 18 <= age < 66 or not _alive(w, p):
                continue
            rate = 0.0012 * (1.0 if p.sex == "M" else 0.2) * (3.0 if hh.hardship else 1.0)
            if rng.random() >= rate:
                continue
            if rng.random() < 0.4:
                kind = "监狱服刑"
                start = _ago(w, rng, 60, 8 * YEAR)
                end = start + dt.timedelta(days=_days(rng, 1 * YEAR, 10 * YEAR))
                if end <= w.as_of:
                    end = w.as_of + dt.timedelta(days=_days(rng, 30, 700))
                where = (
                    "湖北省武汉女子监狱"
                    if p.sex == "F"
                    else _PRISONS[int(rng.random() * len(_PRISONS))]
                )
            else:
                kind = "社区矫正"
                start = _ago(w, rng, 10, 2 * YEAR)
                end = start + dt.timedelta(days=_days(rng, 0.5 * YEAR, 3 * YEAR))
                if end <= w.as_of:
                    end = w.as_of + dt.timedelta(days=_days(rng, 30, 400))
                where = f"武昌区{hh.street.name[:-2]}司法所"
            seq += 1 + int(rng.random() * 20)
            yield (
                p.person_id,
                [
                    f"{'JY' if kind == '监狱服刑' else 'JZ'}{seq:08d}",
                    p.id_number,
                    p.name,
                    p.sex_zh,
                    p.birth_date,
                    kind,
                    start,
                    end,
                    where,
                    pick(rng, _CRIMES),
                ],
                None,
            )


# ---- layouts: how each department exports ------------------------------------------------------------
@dataclass(frozen=True)
class FeedSpec:
    feed_id: str
    build: Callable[[World, random.Random], Iterator[Row]]
    layout: Callable[[World], Layout]
    stem: str  # file name without suffix (the as-of date is appended)


BOM, GBK, PLAIN = "utf-8-sig", "gbk", "utf-8"
_MIX_CSV_DATES = (("iso", 0.6), ("slash", 0.25), ("cn", 0.1), ("compact", 0.05))


def _fixed(layout: Layout) -> Callable[[World], Layout]:
    return lambda w: layout


FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec(
        "gongan_vehicle",
        gongan_vehicle,
        _fixed(
            Layout(
                "csv",
                {"price": "购置价（元）", "status": "状态"},
                (("iso", 0.5), ("slash", 0.5)),
                (("sep", 0.6), ("plain2", 0.4)),
                encoding=GBK,
            )
        ),
        "jdc_djxx",
    ),
    FeedSpec(
        "minzheng_recipients",
        minzheng_recipients,
        _fixed(
            Layout(
                "xlsx",
                {
                    "recipient_no": "对象编号",
                    "category": "保障类别",
                    "monthly_amount": "保障金额（元）",
                    "start_date": "批准日期",
                },
                (("excel", 0.7), ("iso", 0.2), ("cn", 0.1)),
                (("plain2", 0.9), ("sep", 0.1)),
                sheet_names=("救助对象",),
            )
        ),
        "jzdx",
    ),
    FeedSpec(
        "minzheng_marriage",
        minzheng_marriage,
        _fixed(
            Layout(
                "csv",
                {"id_number": "当事人身份证号", "cert_no": "证字号"},
                (("cn", 0.6), ("iso", 0.4)),
                encoding=BOM,
            )
        ),
        "hydj",
    ),
    FeedSpec(
        "minzheng_death",
        minzheng_death,
        _fixed(
            Layout(
                "xlsx",
                {"cremation_no": "火化证号", "id_number": "死者身份证号码", "name": "死者姓名"},
                (("excel", 0.5), ("serial", 0.15), ("slash", 0.35)),
                sheet_names=("火化信息",),
            )
        ),
        "bzhh",
    ),
    FeedSpec(
        "canlian_disability",
        canlian_disability,
        _fixed(
            Layout(
                "xlsx",
                {"cert_no": "残疾人证号", "id_number": "身份证号码"},
                (("excel", 0.6), ("compact", 0.3), ("iso", 0.1)),
                sheet_names=("持证残疾人",),
            )
        ),
        "cjrz",
    ),
    FeedSpec(
        "yibao_enrolment",
        yibao_enrolment,
        _fixed(
            Layout(
                "csv",
                {
                    "psn_no": "人员编号",
                    "id_number": "公民身份号码",
                    "name": "人员姓名",
                    "insutype": "参保险种",
                },
                (("compact", 1.0),),
                encoding=GBK,
            )
        ),
        "cbxx",
    ),
    FeedSpec(
        "yibao_inpatient",
        yibao_inpatient,
        lambda w: Layout(
            "xlsx",
            {
                "setl_id": "结算ID",
                "id_number": "证件号码",
                "name": "姓名",
                "hospital": "医疗机构名称",
                "total": "医疗费总额",
                "fund_paid": "统筹基金支付",
                "self_pay": "个人自付",
            },
            (("excel", 0.8), ("serial", 0.1), ("iso", 0.1)),
            (("plain2", 0.95), ("sep", 0.05)),
            sheet_names=inpatient_sheets(w),
        ),
        "zyjs",
    ),
    FeedSpec(
        "yibao_outpatient",
        yibao_outpatient,
        _fixed(
            Layout(
                "jsonl",
                {
                    "setl_id": "setl_id",
                    "id_number": "certno",
                    "name": "psn_name",
                    "birth_date": "brdy",
                    "visit_date": "begndate",
                    "hospital": "fixmedins_name",
                    "med_type": "med_type",
                    "diagnosis": "dise_name",
                    "total": "medfee_sumamt",
                    "fund_paid": "fund_pay_sumamt",
                    "self_pay": "psn_cash_pay",
                },
                (("iso", 0.9), ("compact", 0.1)),
                (("plain2", 0.97), ("sep", 0.03)),
            )
        ),
        "mzjs",
    ),
    FeedSpec(
        "yibao_chronic",
        yibao_chronic,
        _fixed(
            Layout(
                "csv",
                {"id_number": "证件号码", "name": "患者姓名", "disease": "病种"},
                (("slash", 0.7), ("iso", 0.3)),
                encoding=GBK,
            )
        ),
        "mtb_rd",
    ),
    FeedSpec(
        "weijian_diagnosis",
        weijian_diagnosis,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证号", "diagnosis_date": "确诊日期", "disease": "诊断"},
                (("excel", 0.6), ("cn", 0.2), ("slash", 0.2)),
                sheet_names=("重大疾病报告",),
            )
        ),
        "zdjb",
    ),
    FeedSpec(
        "weijian_death",
        weijian_death,
        _fixed(Layout("csv", {}, (("iso", 0.8), ("cn", 0.2)), encoding=BOM)),
        "swyxzm",
    ),
    FeedSpec(
        "renshe_unemployment",
        renshe_unemployment,
        _fixed(
            Layout(
                "xlsx",
                {
                    "reg_no": "就业创业证号",
                    "id_number": "身份证号",
                    "hard_to_employ": "是否就业困难人员",
                    "benefit": "失业金",
                },
                (("excel", 0.5), ("iso", 0.5)),
                sheet_names=("失业登记",),
            )
        ),
        "sydj",
    ),
    FeedSpec(
        "renshe_contribution",
        renshe_contribution,
        _fixed(Layout("parquet", {"month": "缴费年月"}, (("iso", 0.7), ("compact", 0.3)))),
        "sbjf",
    ),
    FeedSpec(
        "renshe_pension",
        renshe_pension,
        _fixed(
            Layout(
                "csv",
                {
                    "pension_no": "离退休人员编号",
                    "id_number": "公民身份号码",
                    "monthly_amount": "基本养老金（元）",
                },
                (("compact", 0.6), ("iso", 0.4)),
                (("plain2", 0.5), ("plain", 0.5)),
                encoding=GBK,
            )
        ),
        "yljdy",
    ),
    FeedSpec(
        "jiaoyu_students",
        jiaoyu_students,
        _fixed(
            Layout(
                "csv",
                {"student_no": "全国学籍号", "name": "姓名"},
                (("iso", 0.5), ("slash", 0.5)),
                encoding=BOM,
            )
        ),
        "xjxx",
    ),
    FeedSpec(
        "jiaoyu_aid",
        jiaoyu_aid,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证件号", "name": "受助学生", "amount": "发放金额（元）"},
                (("excel", 0.5), ("serial", 0.2), ("cn", 0.3)),
                sheet_names=("资助发放明细",),
            )
        ),
        "xszz",
    ),
    FeedSpec(
        "budongchan_property",
        budongchan_property,
        _fixed(
            Layout(
                "csv",
                {"id_number": "权利人证件号", "location": "房屋坐落", "area": "建筑面积（㎡）"},
                (("slash", 0.6), ("cn", 0.4)),
                (("plain", 0.7), ("sep", 0.3)),
                encoding=GBK,
            )
        ),
        "bdcdj",
    ),
    FeedSpec(
        "shichang_business",
        shichang_business,
        _fixed(
            Layout(
                "csv",
                {
                    "id_number": "法定代表人身份证号",
                    "reg_capital": "注册资本（元）",
                    "address": "住所（经营场所）",
                },
                (("cn", 0.5), ("iso", 0.5)),
                (("sep", 1.0),),
                encoding=BOM,
            )
        ),
        "scztdj",
    ),
    FeedSpec(
        "shichang_shareholding",
        shichang_shareholding,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "证照号码", "name": "投资人", "ratio": "持股比例"},
                (("excel", 0.7), ("iso", 0.3)),
                (("plain2", 0.8), ("sep", 0.2)),
                sheet_names=("股东出资",),
            )
        ),
        "gdcz",
    ),
    FeedSpec(
        "shuiwu_income_tax",
        shuiwu_income_tax,
        _fixed(Layout("csv", {}, (("iso", 0.8), ("compact", 0.2)), encoding=PLAIN, newline="\n")),
        "gs_kjmx",
    ),
    FeedSpec(
        "gongjijin_contribution",
        gongjijin_contribution,
        _fixed(
            Layout(
                "csv",
                {"id_number": "身份证号码", "name": "姓名", "month": "缴存年月"},
                (("compact", 0.9), ("cn", 0.1)),
                (("plain2", 0.8), ("sep", 0.2)),
                encoding=GBK,
            )
        ),
        "gjj_jcmx",
    ),
    FeedSpec(
        "yingji_disaster",
        yingji_disaster,
        _fixed(
            Layout(
                "xlsx",
                {"name": "户主姓名", "loss": "损失金额（元）"},
                (("excel", 0.6), ("cn", 0.4)),
                (("plain2", 0.7), ("sep", 0.3)),
                sheet_names=("受灾人员",),
            )
        ),
        "szry",
    ),
    FeedSpec(
        "nongye_fangfanpin",
        nongye_fangfanpin,
        _fixed(
            Layout(
                "xlsx",
                {"id_number": "身份证号码"},
                (("excel", 0.4), ("iso", 0.3), ("serial", 0.3)),
                boolean="10",
                sheet_names=("监测对象",),
            )
        ),
        "ffpjc",
    ),
    FeedSpec(
        "zonggonghui_hardship",
        zonggonghui_hardship,
        _fixed(
            Layout(
                "csv",
                {"id_number": "身份证号码"},
                (("slash", 0.5), ("cn", 0.5)),
                (("plain", 1.0),),
                encoding=GBK,
            )
        ),
        "knzg",
    ),
    FeedSpec(
        "sifa_prisoners",
        sifa_prisoners,
        _fixed(
            Layout(
                "csv", {"id_number": "公民身份号码"}, (("iso", 0.6), ("compact", 0.4)), encoding=BOM
            )
        ),
        "fxjz",
    ),
)
SPECS = {s.feed_id: s for s in FEEDS}
