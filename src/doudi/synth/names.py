"""Chinese personal names for the synthetic district.

Surnames follow the Ministry of Public Security's published frequency ranking (the 100 most
common, shares in percent of the population, approximate), lightly adjusted for Hubei where
胡 熊 万 程 余 汪 and a few others are more frequent, plus some less common and compound
surnames. Given names have one or two characters drawn from sex- and birth-cohort-specific
pools (a 1950s 建国 or 秀英, a 1970s 伟 or 丽娟, a 2010s 梓涵 or 浩宇).

Standard library only.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# (surname, approximate share in percent). Ranks 1–100 per the 2020 national ranking.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.12),
    ("李", 7.00),
    ("张", 6.74),
    ("刘", 5.38),
    ("陈", 4.61),
    ("杨", 3.08),
    ("黄", 2.32),
    ("赵", 2.15),
    ("吴", 2.05),
    ("周", 1.90),
    ("徐", 1.55),
    ("孙", 1.50),
    ("马", 1.22),
    ("朱", 1.21),
    ("胡", 1.10),
    ("郭", 1.10),
    ("何", 1.02),
    ("林", 0.97),
    ("高", 0.96),
    ("罗", 0.86),
    ("郑", 0.84),
    ("梁", 0.82),
    ("谢", 0.75),
    ("宋", 0.67),
    ("唐", 0.65),
    ("许", 0.62),
    ("邓", 0.57),
    ("韩", 0.56),
    ("冯", 0.55),
    ("曹", 0.52),
    ("彭", 0.51),
    ("曾", 0.50),
    ("肖", 0.48),
    ("田", 0.47),
    ("董", 0.46),
    ("潘", 0.43),
    ("袁", 0.42),
    ("蔡", 0.41),
    ("蒋", 0.40),
    ("余", 0.39),
    ("于", 0.38),
    ("杜", 0.38),
    ("叶", 0.37),
    ("程", 0.37),
    ("魏", 0.35),
    ("苏", 0.34),
    ("吕", 0.34),
    ("丁", 0.33),
    ("任", 0.33),
    ("卢", 0.32),
    ("姚", 0.32),
    ("沈", 0.31),
    ("钟", 0.30),
    ("姜", 0.30),
    ("崔", 0.29),
    ("谭", 0.29),
    ("陆", 0.28),
    ("范", 0.27),
    ("汪", 0.27),
    ("廖", 0.26),
    ("石", 0.26),
    ("金", 0.25),
    ("韦", 0.25),
    ("贾", 0.24),
    ("夏", 0.24),
    ("付", 0.24),
    ("方", 0.23),
    ("邹", 0.23),
    ("熊", 0.22),
    ("白", 0.22),
    ("孟", 0.21),
    ("秦", 0.21),
    ("邱", 0.21),
    ("侯", 0.20),
    ("江", 0.20),
    ("尹", 0.20),
    ("薛", 0.19),
    ("闫", 0.19),
    ("段", 0.19),
    ("雷", 0.18),
    ("龙", 0.18),
    ("黎", 0.18),
    ("史", 0.17),
    ("陶", 0.17),
    ("贺", 0.17),
    ("毛", 0.16),
    ("郝", 0.16),
    ("顾", 0.16),
    ("龚", 0.16),
    ("邵", 0.15),
    ("万", 0.15),
    ("覃", 0.15),
    ("武", 0.15),
    ("钱", 0.14),
    ("戴", 0.14),
    ("严", 0.14),
    ("莫", 0.13),
    ("孔", 0.13),
    ("向", 0.13),
    ("常", 0.13),
    # beyond the top 100
    ("汤", 0.12),
    ("康", 0.12),
    ("易", 0.12),
    ("乔", 0.11),
    ("赖", 0.11),
    ("文", 0.11),
    ("施", 0.10),
    ("洪", 0.10),
    ("辛", 0.09),
    ("柯", 0.09),
    ("庄", 0.09),
    ("樊", 0.09),
    ("殷", 0.08),
    ("童", 0.08),
    ("喻", 0.07),
    ("涂", 0.07),
    ("鲁", 0.08),
    ("詹", 0.07),
    ("祝", 0.07),
    ("柳", 0.06),
    ("梅", 0.06),
    ("聂", 0.07),
    ("左", 0.06),
    ("饶", 0.06),
    ("甘", 0.05),
    ("葛", 0.07),
    ("凌", 0.05),
    ("岳", 0.06),
    ("游", 0.05),
    ("伍", 0.06),
    ("明", 0.03),
    ("阮", 0.04),
    ("查", 0.03),
    ("桂", 0.03),
    ("艾", 0.03),
    ("操", 0.02),
    ("欧阳", 0.04),
    ("上官", 0.005),
    ("司马", 0.004),
    ("诸葛", 0.003),
    ("皇甫", 0.002),
)
# Hubei: these surnames are noticeably more common than nationally.
HUBEI_FACTOR: dict[str, float] = {
    "胡": 1.6,
    "熊": 2.5,
    "万": 2.2,
    "程": 1.6,
    "余": 1.6,
    "汪": 1.8,
    "童": 2.0,
    "喻": 2.5,
    "涂": 2.5,
    "鲁": 1.8,
    "詹": 2.0,
    "柯": 2.0,
    "彭": 1.3,
    "操": 3.0,
    "夏": 1.4,
    "聂": 1.5,
}

# Given-name character pools per sex and birth cohort.
_MALE = {
    "old": "建国华明德福志文海金林荣昌庆祥贵生发宝山忠义春永长和平安兴富成顺汉光伟新红军民强勇刚正"
    "善仁松柏树根茂盛炳耀元章焕洪贤世家启銮云斌彪武喜汉祖继绍先宗泉鸿",
    "mid": "伟勇强军斌刚峰涛磊波华明辉杰兵平健东亮宏志勤新红卫忠坚剑锋振鹏松立俊春胜利江海涌群"
    "晓文红卫东方超宁林荣飞敬朝继承远征跃进",
    "young": "杰鹏浩磊超宇俊飞帅亮晨阳凯博斌龙威翔涛鑫昊星文立诚晓振伟峰哲毅豪旭然攀坤聪洋"
    "鹤琦锐恒越成旻昕骏彬炜钊",
    "new": "子轩浩宇梓睿博涵铭皓航晨奕泽俊杰宸煜诚一锦逸辰嘉恒天佑沐昊然霖景瑞铭宁煊朗乐安"
    "墨骁钧澄熠谦知远翊珩晟烨彦宥璟",
}
_FEMALE = {
    "old": "秀英兰芳桂珍凤玉华红梅萍霞琴云翠菊淑芬春莲花金素香月珠娥荷美爱凤玲秋冬菊琼银彩"
    "贞娣妹翠巧惠慈蓉珊",
    "mid": "丽娟艳敏静燕玲霞红琴颖慧芳萍洁丹华莉蓉晓梅雪虹琳英波晶俊艳平莹群娜莉薇卫新"
    "黎萱蔚琼凌燕秀",
    "young": "婷倩雪琳洁丹莹晶颖佳蕾雯欣露悦瑶璐菲媛梦琪楠薇静妍娇婕姗琦月茜思甜洋婧娅岚黛蓓琬晗",
    "new": "欣怡梓涵诗雨萱可馨悦思语一诺子彤若汐依梦妍琪佳雅瑶婉晴沐安芷苒心玥楚宁颜曦柠"
    "歆琳珞瑾萌芮菡韵",
}
# Whole given names typical of a cohort (used now and then instead of two random characters).
_CLASSIC = {
    ("M", "old"): ("建国", "国庆", "建华", "建军", "卫国", "援朝", "志强", "德胜", "福生", "长发"),
    ("M", "mid"): ("卫东", "红兵", "建平", "文革", "向阳", "志刚", "晓东", "海涛"),
    ("F", "old"): ("秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "淑珍", "秀珍", "玉珍", "桂芳"),
    ("F", "mid"): ("红梅", "丽华", "小红", "卫红", "晓燕", "丽娟", "春燕", "海燕"),
}
# Share of one-character given names per cohort.
_SINGLE_SHARE = {"old": 0.30, "mid": 0.40, "young": 0.30, "new": 0.10}


def _dedupe(text: str) -> str:
    return "".join(dict.fromkeys(text))


MALE_POOLS = {k: _dedupe(v) for k, v in _MALE.items()}
FEMALE_POOLS = {k: _dedupe(v) for k, v in _FEMALE.items()}


def cohort(birth_year: int) -> str:
    if birth_year < 1960:
        return "old"
    if birth_year < 1980:
        return "mid"
    if birth_year < 2000:
        return "young"
    return "new"


def all_given_characters() -> set[str]:
    chars: set[str] = set()
    for pools in (MALE_POOLS, FEMALE_POOLS):
        for pool in pools.values():
            chars.update(pool)
    return chars


class NameSampler:
    """Draws surnames and given names from one :class:`random.Random`."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        weights = [share * HUBEI_FACTOR.get(s, 1.0) for s, share in SURNAMES]
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = list(accumulate(weights))
        self._total = self._cum[-1]

    def surname(self) -> str:
        return self._surnames[bisect(self._cum, self._rng.random() * self._total)]

    def given(self, sex: str, birth_year: int) -> str:
        rng = self._rng
        era = cohort(birth_year)
        classic = _CLASSIC.get((sex, era))
        if classic and rng.random() < 0.06:
            return classic[int(rng.random() * len(classic))]
        pool = (MALE_POOLS if sex == "M" else FEMALE_POOLS)[era]
        n = len(pool)
        first = pool[int(rng.random() * n)]
        if rng.random() < _SINGLE_SHARE[era]:
            return first
        if sex == "F" and rng.random() < 0.03:  # 婷婷, 丹丹
            return first + first
        second = pool[int(rng.random() * n)]
        while second == first:
            second = pool[int(rng.random() * n)]
        return first + second
