"""司法 feeds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import YEAR, Row, age_of, days_ago, is_alive, rand_days
from doudi.synth.world import World, pick

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
            age = age_of(w, p)
            if not 18 <= age < 66 or not is_alive(w, p):
                continue
            rate = 0.0012 * (1.0 if p.sex == "M" else 0.2) * (3.0 if hh.hardship else 1.0)
            if rng.random() >= rate:
                continue
            if rng.random() < 0.4:
                kind = "监狱服刑"
                start = days_ago(w, rng, 60, 8 * YEAR)
                end = start + dt.timedelta(days=rand_days(rng, 1 * YEAR, 10 * YEAR))
                if end <= w.as_of:
                    end = w.as_of + dt.timedelta(days=rand_days(rng, 30, 700))
                where = (
                    "湖北省武汉女子监狱"
                    if p.sex == "F"
                    else _PRISONS[int(rng.random() * len(_PRISONS))]
                )
            else:
                kind = "社区矫正"
                start = days_ago(w, rng, 10, 2 * YEAR)
                end = start + dt.timedelta(days=rand_days(rng, 0.5 * YEAR, 3 * YEAR))
                if end <= w.as_of:
                    end = w.as_of + dt.timedelta(days=rand_days(rng, 30, 400))
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
