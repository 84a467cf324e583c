"""不动产 feeds."""

from __future__ import annotations

import random
from collections.abc import Iterator

from doudi.synth import communities as communities_mod
from doudi.synth.feeds.common import YEAR, Row, days_ago
from doudi.synth.world import World


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
            registered = days_ago(w, rng, 200, 25 * YEAR)
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
