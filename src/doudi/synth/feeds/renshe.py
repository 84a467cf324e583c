"""人社 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import Row, add_years, age_of, days_ago, is_alive
from doudi.synth.population import NO_PENSION, RETIRED, UNEMPLOYED, UNEMPLOYMENT, Person
from doudi.synth.world import WINDOW_MONTHS, World


def renshe_unemployment(w: World, rng: random.Random) -> Iterator[Row]:
    seq = int(rng.random() * 1e6)
    for hh in w.pop.households:
        for p in hh.members:
            if p.employment != UNEMPLOYED or not is_alive(w, p) or not 16 <= age_of(w, p) < 60:
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
                registered = days_ago(w, rng, 30, 900)
                reason = "毕业未就业" if age_of(w, p) < 25 else "其他"
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


def contributors(w: World) -> list[tuple[Person, object]]:
    persons = {p.person_id: p for p in w.pop.persons()}
    return [(persons[pid], work) for pid, work in w.work.items()]


def renshe_contribution(w: World, rng: random.Random) -> Iterator[Row]:
    items = []
    for p, work in contributors(w):
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
            age = age_of(w, p)
            if p.employment == RETIRED:
                scheme = "职工"
                retire_at = 60 if p.sex == "M" else (50 if rng.random() < 0.6 else 55)
                retire_at = min(retire_at, age)
            else:
                scheme, retire_at = "城乡居民", min(60, age)
            start = add_years(p.birth_date, retire_at)
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
