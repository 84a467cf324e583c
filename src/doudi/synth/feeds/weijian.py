"""卫健 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, community_clinic
from doudi.synth.feeds.minzheng import deaths
from doudi.synth.world import ACCIDENT_DEATH_CAUSES, DEATH_CAUSES, HOSPITALS, World, pick


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
    for day, p, hh in deaths(w):
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
        issuer = pick(rng, HOSPITALS) if place == "医疗卫生机构" else community_clinic(hh)
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
