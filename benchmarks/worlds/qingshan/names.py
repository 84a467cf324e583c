"""Chinese names for qingshan, and the ways clerks get them wrong.

Surnames follow rough national frequencies with a Hubei tilt (胡, 余, 熊, 程 more common); given
names depend on sex and birth cohort. Misspellings are what a pinyin input method produces —
another character with the same syllable — plus a few traditional forms from older systems.
"""

from __future__ import annotations

import numpy as np

_SURNAMES = """
王 71 李 70 张 67 刘 54 陈 45 杨 31 黄 22 赵 20 吴 20 周 19 胡 18 徐 15 孙 15 余 10 朱 12
马 12 郭 11 何 10 高 10 林 9 罗 9 郑 8 梁 7 谢 7 宋 7 唐 6 许 6 韩 6 冯 6 邓 6 曹 5 彭 6
曾 5 肖 6 田 5 董 5 袁 4 潘 4 于 4 蒋 4 蔡 4 杜 4 叶 4 程 6 苏 3 魏 3 吕 3 丁 3 任 3 沈 3
姚 3 卢 3 姜 3 崔 3 钟 3 谭 3 陆 3 汪 4 范 3 金 3 石 3 廖 3 贾 3 夏 4 付 3 方 3 白 2 邹 3
孟 2 熊 5 秦 2 邱 2 江 3 尹 2 薛 2 段 2 雷 3 侯 2 龙 2 史 2 陶 2 黎 2 贺 2 顾 2 毛 2 郝 2
龚 3 邵 2 万 3 钱 2 严 2 覃 1 戴 2 柯 2 向 2 汤 2 左 1 涂 2 艾 1 喻 2 欧阳 1 皮 1 操 1
"""
_s = _SURNAMES.split()
SURNAMES = _s[0::2]
SURNAME_P = np.array([float(x) for x in _s[1::2]])
SURNAME_P /= SURNAME_P.sum()

# Given-name characters by sex and cohort (born before 1965, 1965–1989, from 1990).
GIVEN = {
    ("M", 0): "国 建 华 平 明 德 福 文 志 忠 庆 金 荣 贵 生 林 海 清 发 成 新 春 汉 武 昌",
    ("M", 1): "伟 强 军 勇 杰 涛 斌 超 辉 刚 磊 鹏 峰 波 飞 亮 东 兵 龙 斌 俊 锋 剑 健 平 敏",
    ("M", 2): "浩 宇 轩 睿 泽 子 昊 博 晨 天 嘉 思 一 航 杰 俊 鑫 豪 锐 铭 皓 哲 凯 乐 然",
    ("F", 0): "秀 英 兰 凤 桂 红 珍 芳 华 玉 梅 琴 云 淑 翠 菊 莲 香 萍 芝 爱 丽 霞 素 荣",
    ("F", 1): "丽 娟 静 敏 艳 燕 玲 婷 霞 芳 慧 萍 红 琳 莉 洁 颖 雪 倩 娜 晶 丹 蓉 琼 辉",
    ("F", 2): "欣 怡 涵 悦 佳 雨 诗 梓 萱 晴 琪 可 馨 妍 彤 宁 月 瑶 婧 雯 梦 思 一 心 语",
}
GIVEN = {k: v.split() for k, v in GIVEN.items()}

_HOMOPHONES = """
伟玮炜卫维 丽莉俐利立 军君俊骏峻 勇永咏泳 杰洁婕捷 明鸣铭 敏民珉闽 静婧靖晶菁敬
华桦骅 芳方舫 红宏洪鸿虹 艳燕妍彦雁 霞侠 娟鹃涓 玲铃伶凌 林琳霖麟 婷亭庭 娜纳
雪学 梅美玫媚 萍平苹 慧辉惠晖 英颖莹瑛 欣鑫馨新心 怡仪宜艺依 涵寒晗菡 悦月越跃
佳嘉家 宇雨玉语羽瑜钰 轩萱宣璇 睿瑞锐蕊 泽则 浩昊皓豪 博波柏 涛韬 斌彬滨 超朝潮
刚钢纲 磊蕾雷 鹏朋 峰锋丰枫 建剑健坚 国果 文雯闻 志智芝 飞菲非 亮良 成诚城承
东冬栋 兵冰 龙隆 晨辰臣 天田甜 思斯丝 子梓紫姿 倩茜芊 琴勤芹 云芸韵 兰岚澜 桂贵
秀修 福富 晴清青庆 淑书舒 荣容蓉 珍真贞 玉育 梦蒙 瑶遥 凯铠 然冉 航杭 铭名 琪琦祺
张章 刘柳 徐许 吴武 杨阳 汪王 程成 付傅 余于俞 江姜蒋 严颜 秦覃 贺何 龚宫 雷蕾 邱丘
"""
HOMOPHONE: dict[str, list[str]] = {}
for group in _HOMOPHONES.split():
    for ch in group:
        HOMOPHONE.setdefault(ch, []).extend(c for c in group if c != ch)

VARIANT = dict(
    zip(
        "华国丽杰伟红军陈刘张东龙凤兰云艳辉锋庆贵荣爱凯铭鸣吴杨郑罗谢冯邓",
        "華國麗傑偉紅軍陳劉張東龍鳳蘭雲艷輝鋒慶貴榮愛凱銘鳴吳楊鄭羅謝馮鄧",
        strict=True,
    )
)


def cohort(year: int) -> int:
    return 0 if year < 1965 else (1 if year < 1990 else 2)


def draw_surnames(n: int, rng: np.random.Generator) -> np.ndarray:
    return np.array(SURNAMES, dtype=object)[rng.choice(len(SURNAMES), n, p=SURNAME_P)]


def draw_given(male: np.ndarray, years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(male)
    out = np.empty(n, dtype=object)
    two = rng.random(n) < np.where(years < 1965, 0.55, np.where(years < 1990, 0.7, 0.85))
    for i in range(n):
        pool = GIVEN[("M" if male[i] else "F", cohort(int(years[i])))]
        a = pool[rng.integers(len(pool))]
        if two[i]:
            b = pool[rng.integers(len(pool))]
            out[i] = a + b
        else:
            out[i] = a
    return out


def misspell(name: str, rng: np.random.Generator) -> str:
    """Another character with the same syllable (mostly in the given name), or a traditional
    form; the name unchanged if no character has an alternative."""
    chars = list(name)
    if rng.random() < 0.12:
        spots = [i for i, c in enumerate(chars) if c in VARIANT and VARIANT[c] != c]
        if spots:
            i = spots[rng.integers(len(spots))]
            chars[i] = VARIANT[chars[i]]
            return "".join(chars)
    given = [i for i, c in enumerate(chars) if i > 0 and c in HOMOPHONE]
    spots = (
        given
        if given and rng.random() < 0.85
        else [i for i, c in enumerate(chars) if c in HOMOPHONE]
    )
    if not spots:
        return name
    i = spots[rng.integers(len(spots))]
    alts = HOMOPHONE[chars[i]]
    chars[i] = alts[rng.integers(len(alts))]
    return "".join(chars)
