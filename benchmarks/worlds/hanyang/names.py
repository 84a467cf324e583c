"""Chinese names for the hanyang world, and the ways clerks get them wrong.

Surnames follow a Hubei-flavoured frequency list; given names depend on the decade of birth
and sex. The noise maps are homophones (including Wuhan-accent confusions: h/f, n/l, huang/wang,
chen/cheng), look-alike characters and traditional forms a clerk's input method offers.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄胡周吴徐熊彭余何罗郭朱马孙高林梁郑谢宋唐许邓冯韩曹曾肖田董袁潘蒋"
    "蔡杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹孟秦邱江尹薛段雷龙万贺严"
    "阮柯喻涂晏舒聂"
)
# Relative weights: the first surnames are far more common; Hubei has many 胡 熊 彭 余 涂 喻.
_SURNAME_WEIGHTS = np.array(
    [7.2, 7.0, 6.6, 6.2, 5.8, 3.2, 2.6, 2.9, 2.2, 2.1, 2.3, 1.9, 1.6, 1.5, 1.3, 1.2, 1.2, 1.3]
    + [1.1] * 12
    + [0.8] * 20
    + [0.55] * 20
    + [0.35] * (len(SURNAMES) - 70)
)
_SURNAME_WEIGHTS = _SURNAME_WEIGHTS[: len(SURNAMES)] / _SURNAME_WEIGHTS[: len(SURNAMES)].sum()

# Given-name pools: (born before, male characters, female characters, two-character names)
_ERAS = (
    (
        1960,
        "国建华明德志成文秀学永树昌兴福庆清海云汉忠良发春喜金",
        "秀桂兰英珍凤芳玉琴淑翠梅荣菊华云莲素贞爱娥",
        ("建国", "国华", "德明", "志强", "桂兰", "秀英", "淑珍", "凤英", "玉兰", "桂芳", "秀珍"),
    ),
    (
        1975,
        "建军伟平勇明刚华斌强国红兵新东林军辉卫峰杰文海",
        "红丽萍霞敏燕玲华芳英静琴梅艳娟丽玉慧莉",
        ("建华", "卫东", "红兵", "建平", "晓燕", "丽华", "红霞", "秀兰", "海燕", "建新"),
    ),
    (
        1990,
        "伟强磊军勇杰涛斌超明刚辉鹏浩亮俊峰波宇凯健飞帆",
        "静丽敏燕婷娟丹琳洁雪芳艳倩莉颖晶慧玲蓉婧",
        ("晓明", "志刚", "海涛", "俊杰", "丽娟", "晓丽", "雪梅", "婷婷", "丹丹", "亚男"),
    ),
    (
        2005,
        "浩宇鹏凯帅旭阳晨博文涛磊超鑫昊楠翔豪航锐",
        "婷雪琪佳欣怡琳璐萌悦雯倩月瑶蕾晗妍茜",
        ("子豪", "宇航", "俊豪", "佳怡", "雨欣", "梦琪", "思雨", "欣怡", "雨涵", "佳琪"),
    ),
    (
        2100,
        "宇轩浩然睿泽铭辰皓锦梓晨一诺子墨奕博",
        "梓萱涵汐若语彤诺可欣悦瑶沐桐依芮",
        ("梓萱", "子涵", "一诺", "浩然", "宇轩", "梓涵", "若汐", "沐宸", "雨桐", "奕辰"),
    ),
)

# Characters a clerk confuses (sound-alike in Mandarin or the Wuhan accent, or look-alike).
HOMOPHONES = {
    "伟": "玮炜威",
    "丽": "莉俐力",
    "明": "鸣铭",
    "红": "虹宏洪",
    "华": "桦骅",
    "静": "晶菁婧",
    "军": "君钧",
    "芳": "方舫",
    "燕": "艳雁",
    "婷": "亭庭",
    "杰": "洁捷",
    "林": "琳霖",
    "平": "萍苹",
    "英": "瑛莹",
    "涛": "滔韬",
    "斌": "彬滨",
    "辉": "晖徽",
    "鹏": "朋",
    "霞": "侠",
    "玲": "铃龄",
    "兰": "岚蓝",
    "凤": "风峰",
    "珍": "贞真",
    "秀": "修绣",
    "梅": "玫",
    "娟": "鹃隽",
    "敏": "闽",
    "云": "芸韵",
    "强": "蔷",
    "勇": "永涌",
    "刚": "钢岗",
    "宇": "雨语羽",
    "欣": "新馨昕",
    "怡": "仪宜依",
    "萱": "轩宣",
    "涵": "寒含晗",
    "浩": "皓昊",
    "轩": "萱宣",
    "子": "紫梓",
    "梓": "子紫",
    "琳": "林霖",
    "雪": "学",
    "佳": "嘉家",
    "建": "剑健",
    "国": "郭",
    "志": "智",
    "文": "雯",
    "海": "凯",
    "春": "纯",
    "娥": "蛾",
    "兵": "彬",
    "晨": "辰宸",
    "辰": "晨宸",
    "慧": "惠蕙",
    "倩": "茜",
    "颖": "莹影",
    # surnames: Wuhan accent (h↔f, huang↔wang, chen↔cheng, n↔l) and near homophones
    "胡": "符付",
    "付": "胡",
    "黄": "王",
    "王": "黄汪",
    "陈": "程",
    "程": "陈",
    "刘": "柳",
    "李": "黎",
    "张": "章",
    "徐": "许",
    "许": "徐",
    "周": "邹",
    "杨": "阳",
    "余": "于俞",
    "吴": "伍",
    "熊": "雄",
    "彭": "鹏",
    "罗": "骆",
    "郭": "国",
    "涂": "屠",
    "喻": "余",
}
TRADITIONAL = {
    "张": "張",
    "陈": "陳",
    "刘": "劉",
    "杨": "楊",
    "黄": "黃",
    "吴": "吳",
    "郑": "鄭",
    "冯": "馮",
    "华": "華",
    "丽": "麗",
    "伟": "偉",
    "红": "紅",
    "国": "國",
    "军": "軍",
    "兰": "蘭",
    "凤": "鳳",
    "涛": "濤",
}


def _era(year: int):
    for era in _ERAS:
        if year < era[0]:
            return era
    return _ERAS[-1]


def make_names(rng: np.random.Generator, sex: np.ndarray, birth_year: np.ndarray) -> list[str]:
    """One name per person (sex 1 = male)."""
    n = len(sex)
    surnames = rng.choice(len(SURNAMES), size=n, p=_SURNAME_WEIGHTS)
    kind = rng.random(n)  # < 0.22: a fixed two-character name; < 0.62: two picks; else one
    picks = rng.random((n, 3))
    out = []
    for i in range(n):
        era = _era(int(birth_year[i]))
        pool = era[1] if sex[i] else era[2]
        s = SURNAMES[surnames[i]]
        if kind[i] < 0.18:
            two = era[3]
            given = two[int(picks[i, 0] * len(two))]
        elif kind[i] < 0.62:
            a = pool[int(picks[i, 1] * len(pool))]
            b = pool[int(picks[i, 2] * len(pool))]
            given = a + b
        else:
            given = pool[int(picks[i, 1] * len(pool))]
        out.append(s + given)
    return out


def same_surname_child(parent_name: str, child_name: str) -> str:
    """A child takes the father's surname (the generated name keeps its given part)."""
    return parent_name[0] + child_name[1:]


def typo(rng: np.random.Generator, name: str) -> tuple[str, str]:
    """One clerk's error in a name: (new name, kind)."""
    r = rng.random()
    chars = list(name)
    if r < 0.72:
        # a homophone or look-alike for one character that has one (given name first)
        positions = [i for i in range(len(chars) - 1, -1, -1) if chars[i] in HOMOPHONES]
        if positions:
            i = positions[0] if rng.random() < 0.7 else positions[-1]
            alts = HOMOPHONES[chars[i]]
            chars[i] = alts[int(rng.random() * len(alts))]
            return "".join(chars), "name_homophone"
    if r < 0.84:
        positions = [i for i, c in enumerate(chars) if c in TRADITIONAL]
        if positions:
            i = positions[int(rng.random() * len(positions))]
            chars[i] = TRADITIONAL[chars[i]]
            return "".join(chars), "name_traditional"
    if len(chars) == 3 and r < 0.92:
        # a dropped or doubled character in a three-character name
        if rng.random() < 0.5:
            return chars[0] + chars[1], "name_dropped"
        return chars[0] + chars[2] + chars[1], "name_swapped"
    # a padded two-character name, or a stray space: the product folds these
    if len(chars) == 2:
        return chars[0] + "\u3000" + chars[1], "name_padded"
    return name + " ", "name_padded"
