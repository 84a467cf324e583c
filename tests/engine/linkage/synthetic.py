"""A small synthetic district for linkage tests: households, persons, department records.

Deterministic for a seed. Persons live in households that share an address, a community, a
surname and often a phone — the hard negatives of Chinese data. Each person appears in one to
three feeds with realistic noise: missing ID numbers, 15-digit IDs, a mistyped ID digit,
missing phones and addresses, a homophone or mistyped character in the given name.

Birth dates are drawn from 1940-01-01 .. 2012-12-31; the named scenarios in the tests use
1930s birth dates, so no background person collides with them by accident.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd

from doudi.engine import idnumber

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红鹏飞云海波宁欣怡梓涵浩然宇轩子晨博文思雨佳琪俊志"
# Homophones: a character and one that sounds the same (a clerk typing by ear).
HOMOPHONES = {
    "伟": "玮",
    "芳": "方",
    "静": "婧",
    "丽": "莉",
    "强": "蔷",
    "军": "君",
    "洋": "阳",
    "杰": "洁",
    "明": "铭",
    "华": "桦",
    "建": "健",
    "国": "帼",
    "红": "宏",
    "飞": "菲",
}
AREAS = ("420106", "420102", "420111")
FEEDS = ("minzheng", "yibao", "renshe", "canlian")
ROADS = "中山路 解放大道 和平大道 武珞路 友谊大道 珞喻路 中北路 八一路".split()


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _to15(number: str) -> str:
    return number[:6] + number[8:17]


def _mistype(number: str, rng: random.Random) -> str:
    """One digit of the first 17 replaced: the MOD 11-2 check always catches it."""
    i = rng.randrange(6, 17)
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


def district(*, households: int = 350, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(records, truth)``: records in the canonical *input* columns, truth maps
    ``unique_id`` → ``person``."""
    rng = random.Random(seed)
    persons = []
    seq = 0
    for h in range(households):
        surname = rng.choice(SURNAMES)
        community = f"{rng.choice(AREAS)}00{rng.randint(1, 3)}00{rng.randint(1, 4)}"
        address = f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 1804)}室"
        home_phone = _phone(rng)
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            seq += 1
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 26663))
            male = rng.random() < 0.5
            number = idnumber.make(community[:6], birth, (seq * 2 + (1 if male else 0)) % 1000)
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            persons.append(
                {
                    "person": f"p{seq:05d}",
                    "household": h,
                    "name": (surname if rng.random() < 0.85 else rng.choice(SURNAMES)) + given,
                    "birth": birth,
                    "sex": "M" if male else "F",
                    "id": number,
                    "phone": home_phone if rng.random() < 0.5 else _phone(rng),
                    "address": address,
                    "community": community,
                }
            )
    rows = []
    for p in persons:
        for feed in rng.sample(FEEDS, rng.choice((1, 2, 2, 3, 3))):
            name = p["name"]
            roll = rng.random()
            if roll < 0.04 and name[-1] in HOMOPHONES:
                name = name[:-1] + HOMOPHONES[name[-1]]
            elif roll < 0.06:
                name = name[:-1] + rng.choice(GIVEN)
            id_roll = rng.random()
            if id_roll < 0.15:
                number = None
            elif id_roll < 0.18:
                number = _mistype(p["id"], rng)
            elif id_roll < 0.23 and p["birth"].year < 2000:
                number = _to15(p["id"])
            else:
                number = p["id"]
            rows.append(
                {
                    "unique_id": f"{feed}:{len(rows):06d}",
                    "source": feed,
                    "name": name,
                    "birth_date": None if rng.random() < 0.02 else p["birth"].isoformat(),
                    "sex": p["sex"] if rng.random() < 0.8 else None,
                    "id_number": number,
                    "phone": p["phone"] if rng.random() < 0.6 else None,
                    "address": p["address"] if rng.random() < 0.5 else None,
                    "community": p["community"] if rng.random() < 0.9 else None,
                    "person": p["person"],
                }
            )
    df = pd.DataFrame(rows)
    return df.drop(columns="person"), df[["unique_id", "person"]]
