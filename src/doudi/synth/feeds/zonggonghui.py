"""总工会 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, age_of, days_ago, is_alive
from doudi.synth.population import (
    DISABILITY,
    EARNER_DIED,
    EMPLOYED,
    FLEXIBLE,
    ILLNESS,
    SCHOOLING,
    SINGLE_PARENT,
    SUDDEN_EVENT,
    UNEMPLOYMENT,
)
from doudi.synth.world import World

_REASON_OF_CAUSE = {
    UNEMPLOYMENT: "失业",
    DISABILITY: "残疾",
    SCHOOLING: "子女就学",
    SUDDEN_EVENT: "意外事故",
}


def zonggonghui_hardship(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e4)
    for hh in w.pop.households:
        alive = [p for p in hh.members if is_alive(w, p)]
        workers = [
            p
            for p in alive
            if 18 <= age_of(w, p) < 60
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
                filed = days_ago(w, rng, 30, 1000)
        else:
            reason, kind, filed = "其他", "相对困难", days_ago(w, rng, 30, 1000)
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
