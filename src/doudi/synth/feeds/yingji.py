"""应急管理 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, is_alive
from doudi.synth.population import SUDDEN_EVENT
from doudi.synth.world import World, pick

_NATURAL_DISASTERS = (("洪涝", 70), ("风雹", 20), ("地质灾害", 10))
_SEVERE_DAMAGE = (("严重损坏", 50), ("一般损坏", 40), ("倒塌", 10))


def yingji_disaster(w: World, rng: random.Random) -> Iterator[Row]:
    rows = []
    flood = dt.date(w.as_of.year, 7, 6) if w.as_of.month > 7 else dt.date(w.as_of.year - 1, 7, 6)
    hail = w.as_of - dt.timedelta(days=200)
    for hh in w.pop.households:
        alive = [p for p in hh.members if is_alive(w, p)] or hh.members
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
