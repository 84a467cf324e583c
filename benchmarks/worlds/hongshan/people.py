"""People of the hongshan world: names, ID numbers (with former area codes), communities and
household compositions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path("/work/shared/data")
AS_OF = dt.date(2026, 11, 30)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"

# Prefecture-era codes (黄冈地区, 孝感地区, 咸宁地区, 荆州地区, 郧阳地区) retired in the 1990s:
# migrants born before 1995 in those counties hold IDs issued under them.
FORMER_CODES = ("422101", "422103", "422201", "422202", "422301", "422302", "422401", "422601")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
    "熊万喻祝阮柯涂甘汪龚"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红玉华建国文斌志海波辉鹏飞俊峰燕琴雪梅晨曦欣怡浩宇子轩梓涵"
    "佳琪思远家豪婷慧琳卫东春生秋菊金凤德胜长江汉武昌珞"
)
# Look-alike and same-sound characters (Wuhan speakers merge n/l and some finals).
CONFUSED = {
    "刘": "牛",
    "李": "里",
    "王": "汪",
    "黄": "王",
    "陈": "程",
    "张": "章",
    "胡": "付",
    "红": "宏",
    "华": "化",
    "兰": "蓝",
    "丽": "莉",
    "静": "晶",
    "伟": "炜",
    "明": "鸣",
    "军": "君",
    "英": "瑛",
    "芳": "方",
    "涛": "滔",
    "辉": "晖",
    "建": "健",
    "国": "囯",
    "龙": "隆",
    "林": "琳",
    "燕": "艳",
    "梅": "媚",
    "娟": "鹃",
    "兵": "斌",
    "宇": "雨",
}
COMMUNITY_WORDS = (
    "红旗",
    "和平",
    "复兴",
    "临江",
    "楚雄",
    "梅苑",
    "沙湖",
    "晒湖",
    "武车",
    "新河",
    "友谊",
    "东亭",
    "宝通",
    "丁字桥",
    "傅家坡",
    "首义",
    "紫阳",
    "昙华林",
    "司门口",
    "解放",
    "白鹭",
    "洪山",
    "南湖",
    "中山",
    "长春",
    "积玉",
    "徐东",
    "团结",
    "涂家岭",
    "余家头",
    "四美塘",
)
LOW_LYING = {"420106009", "420106015", "420106490"}  # 白沙洲, 南湖, 东湖风景区: floods


def check_digit(body17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


def make_id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


@dataclass
class Community:
    code: str
    name: str
    street: str
    street_name: str
    affluence: float
    low_lying: bool


@dataclass
class Person:
    pid: str
    name: str
    sex: str
    birth: dt.date
    id_number: str
    relation: str
    phone: str
    role: str = (
        "none"  # formal / informal / self / unemployed / home / unable / student / child / retired
    )
    wage: float = 0.0
    employer: int = 0
    gjj: bool = False
    flex_pension: bool = False
    pension: float = 0.0
    pension_scheme: str = ""
    disability: int = 0  # grade 1–4, 0 none
    certified: bool = False
    disability_type: str = ""
    chronic: int = 0  # 0 none, 1 mild, 2 moderate, 3 severe
    chronic_registered: bool = False
    insured: str = "居民"  # 职工 / 居民 / 无
    death_month: int = -1
    left_month: int = -1  # divorced and left the household
    migrant: bool = False

    def age(self, on: dt.date = AS_OF) -> int:
        return on.year - self.birth.year - ((on.month, on.day) < (self.birth.month, self.birth.day))


@dataclass
class Household:
    hukou_no: str
    community: Community
    template: str
    members: list[Person]
    address: str
    savings: float = 0.0
    debt: float = 0.0
    debt_payment: float = 0.0
    home: bool = False
    second_home: bool = False
    car_price: float = 0.0
    family_help: float = 0.0
    child_support: float = 0.0
    events: list[tuple[int, str, float]] = field(default_factory=list)


def load_streets() -> list[tuple[str, str]]:
    rows = (DATA / "wuchang_streets.csv").read_text(encoding="utf-8").splitlines()[1:]
    out = []
    for line in rows:
        code, name = line.split(",")[:2]
        out.append((code, name.strip('"')))
    return out


def hubei_areas() -> list[str]:
    rows = (DATA / "cn_areas.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [r.split(",")[0] for r in rows if r.startswith("42") and not r.startswith("420106")]


def make_communities(rng: random.Random) -> list[Community]:
    out = []
    for street, sname in load_streets():
        n = 3 if street.endswith("490") else rng.randint(6, 10)
        affl = rng.uniform(0.75, 1.3)
        if street in {"420106011", "420106012", "420106013"}:
            affl += 0.25
        words = rng.sample(COMMUNITY_WORDS, n)
        for i in range(n):
            code = f"{street}{51 + 2 * i:03d}"  # this world's own numbering
            out.append(
                Community(
                    code,
                    f"{words[i]}社区",
                    street,
                    sname,
                    max(0.6, affl + rng.gauss(0, 0.1)),
                    street in LOW_LYING and rng.random() < 0.6,
                )
            )
    return out


class Namer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seqs: set[str] = set()
        self.areas = hubei_areas()
        self.n = 0

    def name(self, surname: str | None = None) -> str:
        r = self.rng
        s = surname or r.choice(SURNAMES)
        return s + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2, 2))))

    def phone(self) -> str:
        r = self.rng
        return f"1{r.choice('35789')}{r.randint(0, 9)}{r.randint(0, 99999999):08d}"

    def area(self, birth: dt.date, migrant: bool) -> str:
        r = self.rng
        if migrant:
            if birth.year < 1995 and r.random() < 0.55:
                return r.choice(FORMER_CODES)
            return r.choice(self.areas)
        return "420106" if r.random() < 0.8 else r.choice(("420102", "420103", "420111", "420104"))

    def person(self, relation: str, sex: str, birth: dt.date, migrant: bool, surname=None):
        self.n += 1
        area = self.area(birth, migrant)
        while True:
            seq = self.rng.randint(0, 499) * 2 + (1 if sex == "男" else 0)
            ident = make_id(area, birth, seq)
            if ident not in self.seqs:
                self.seqs.add(ident)
                break
        return Person(
            f"D{self.n:07d}",
            self.name(surname),
            sex,
            birth,
            ident,
            relation,
            self.phone(),
            migrant=migrant,
        )

    def birth(self, lo: int, hi: int) -> dt.date:
        age = self.rng.randint(lo, hi)
        return dt.date(AS_OF.year - age, 1, 1) - dt.timedelta(days=self.rng.randint(0, 364))
