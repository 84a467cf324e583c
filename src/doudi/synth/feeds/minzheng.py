"""民政 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.engine import idnumber
from doudi.synth.feeds.common import YEAR, Row, add_years, age_of, days_ago, is_alive, rand_days
from doudi.synth.population import SINGLE_PARENT, Household, Person
from doudi.synth.world import World, pick

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
                if not (is_alive(w, a) and is_alive(w, b)):
                    continue
                younger = min(age_of(w, a), age_of(w, b))
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
                    add_years(a.birth_date, 22),
                    add_years(b.birth_date, 20),
                )
                if earliest >= w.as_of:
                    continue
                day = earliest + dt.timedelta(days=int(rng.random() * (w.as_of - earliest).days))
                office = pick(rng, _MARRIAGE_OFFICES)
                cert = f"J420106-{day.year}-{int(rng.random() * 9000) + 1000:06d}"
                for p, q in ((a, b), (b, a)):
                    events.append((day, p.person_id, [p, q, "结婚", cert, office], hh.hukou_no))
        for p in members:
            if p.marital != "divorced" or not is_alive(w, p) or not 22 <= age_of(w, p) < 66:
                continue
            rate = 0.3 if hh.hardship and hh.structure == SINGLE_PARENT else 0.06
            if rng.random() >= rate:
                continue
            day = days_ago(w, rng, 1, window)
            sex = "F" if p.sex == "M" else "M"
            birth = p.birth_date + dt.timedelta(days=rand_days(rng, -5 * YEAR, 5 * YEAR))
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


def deaths(w: World) -> list[tuple[dt.date, Person, Household]]:
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
    for day, p, hh in deaths(w):
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
