"""公安 feeds."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from doudi.synth.feeds.common import YEAR, Row, age_of, days_ago, is_alive
from doudi.synth.world import World, pick

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
        adults = [p for p in hh.members if 18 <= age_of(w, p) < 80 and is_alive(w, p)]
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
            registered = days_ago(w, rng, 60, 14 * YEAR)
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
