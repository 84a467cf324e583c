"""Realistic noise in department feeds, every injection recorded in ``truth/noise.csv``.

Per data row, one draw decides whether the row carries noise and which kind (at most one kind
per row). Linkable noise — a mistyped or transposed ID digit, an old 15-digit ID, a missing ID
(name with birth date or phone left), a homophone or look-alike name, swapped name characters,
a stale address, an exact duplicate row — appears at rates of a few per cent. Truly invalid
rows (~0.3%) carry one defect the intake must quarantine. The ``expected`` column is the
contract with the intake pipeline:

``accept`` · ``accept:id_check_digit`` · ``accept:id_upgraded_15`` · ``accept:id_missing`` ·
``duplicate`` · ``quarantine:<code>`` with code one of ``bad_date``, ``bad_month``,
``bad_money``, ``missing_required``, ``bad_choice``, ``formula``, ``no_identity``.

A mistyped or transposed ID digit is ``accept:id_check_digit`` when the row also has a birth
date or a phone number; in a row with neither (e.g. a contributions feed) the ID failing its
check leaves no usable identity, so it is ``quarantine:no_identity`` (the catalogue's rule: a
valid ID, or a name with a birth date or a phone).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from doudi.engine.catalogue import Feed
from doudi.synth.world import stale_address

ACCEPT = "accept"
NOISE_KINDS: tuple[tuple[str, float, str], ...] = (
    # kind, probability per row (where it can apply), expected intake outcome
    ("id_mistyped_digit", 0.005, "accept:id_check_digit"),
    ("id_swapped_digits", 0.003, "accept:id_check_digit"),
    ("id_15_digit", 0.02, "accept:id_upgraded_15"),  # only people born before 1982
    ("id_missing", 0.006, "accept:id_missing"),
    ("name_homophone", 0.008, ACCEPT),
    ("name_swapped", 0.003, ACCEPT),
    ("stale_address", 0.03, ACCEPT),
    ("duplicate", 0.004, "duplicate"),
    ("bad_date", 0.0006, "quarantine:bad_date"),
    ("bad_money", 0.0005, "quarantine:bad_money"),
    ("missing_record_key", 0.0003, "quarantine:missing_required"),
    ("missing_required", 0.0002, "quarantine:missing_required"),
    ("bad_choice", 0.0005, "quarantine:bad_choice"),
    ("formula", 0.0005, "quarantine:formula"),
    ("no_identity", 0.0004, "quarantine:no_identity"),
)
EXPECTED = {kind: expected for kind, _, expected in NOISE_KINDS}
QUARANTINE_CODES = (
    "bad_date",
    "bad_month",
    "bad_money",
    "missing_required",
    "bad_choice",
    "formula",
    "no_identity",
)

# Same-sounding (同音/近音) and look-alike (形近) characters seen in real data entry.
NAME_VARIANTS: dict[str, str] = {
    "王": "汪",
    "汪": "王",
    "张": "章",
    "章": "张",
    "李": "黎",
    "刘": "柳",
    "陈": "程",
    "程": "陈",
    "杨": "扬阳",
    "黄": "王",
    "吴": "胡",
    "胡": "吴",
    "周": "邹",
    "徐": "许",
    "许": "徐",
    "林": "琳",
    "谢": "解",
    "罗": "骆",
    "曾": "增",
    "肖": "萧",
    "袁": "元",
    "蒋": "姜",
    "余": "于",
    "于": "余",
    "姚": "尧",
    "熊": "雄",
    "国": "囯帼",
    "建": "健",
    "伟": "玮炜",
    "明": "铭",
    "华": "桦骅",
    "丽": "莉俪",
    "芳": "方",
    "红": "宏虹",
    "军": "君",
    "英": "瑛",
    "秀": "琇",
    "兰": "岚",
    "梅": "玫",
    "霞": "侠",
    "平": "萍",
    "玲": "琳",
    "静": "靜",
    "杰": "傑",
    "涛": "滔",
    "磊": "垒",
    "斌": "彬",
    "峰": "锋",
    "辉": "晖",
    "鹏": "朋",
    "浩": "皓",
    "宇": "羽",
    "婷": "亭",
    "琴": "芹",
    "燕": "艳",
    "敏": "珉",
    "娟": "鹃",
    "晓": "小",
    "志": "智",
    "东": "冬",
    "春": "纯",
    "文": "雯",
    "勇": "永",
    "刚": "钢",
    "凤": "风",
    "珍": "贞",
    "桂": "贵",
    "玉": "钰",
    "金": "锦",
    "荣": "容",
    "德": "得",
    "福": "富",
    "成": "诚",
    "欣": "馨",
    "怡": "仪",
    "涵": "晗",
    "梓": "子",
    "子": "梓",
    "倩": "茜",
    "雪": "雷",
}
COMPOUND_SURNAMES = ("欧阳", "上官", "司马", "诸葛", "皇甫")
BAD_DATES = ("2023-02-30", "2024-13-01", "2025-04-31", "2024/2/30", "20231301", "2022年13月5日")
BAD_MONTHS = ("2025-13", "202600", "2026年13月", "2025-00")
BAD_MONEY = ("约500元", "12..5", "500元左右", "1.2.3")  # not 大写 or placeholders such as 待核实
BAD_CHOICES = ("待核实", "未知", "不详", "其它类", "见备注")
FORMULAS = ('=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)")
# ID positions whose change keeps the province and the birth date valid: only the check fails.
_MUTABLE = (2, 3, 4, 5, 14, 15)
_SWAPPABLE = (2, 3, 4, 14)  # swap with the next position


@dataclass(frozen=True, slots=True)
class Noise:
    kind: str
    field: str  # canonical field at fault ("" for a duplicate row)
    expected: str
    overrides: dict[int, str]  # column index → literal cell text
    duplicate: bool = False


def name_variant(name: str, rng: random.Random) -> str | None:
    positions = [i for i, ch in enumerate(name) if ch in NAME_VARIANTS]
    if not positions:
        return None
    i = positions[int(rng.random() * len(positions))]
    options = NAME_VARIANTS[name[i]]
    return name[:i] + options[int(rng.random() * len(options))] + name[i + 1 :]


def name_swapped(name: str) -> str | None:
    if len(name) != 3 or name[:2] in COMPOUND_SURNAMES or name[1] == name[2]:
        return None
    return name[0] + name[2] + name[1]


def id_mistyped(number: str, rng: random.Random) -> str:
    i = _MUTABLE[int(rng.random() * len(_MUTABLE))]
    d = int(number[i])
    new = (d + 1 + int(rng.random() * 9)) % 10
    return number[:i] + str(new) + number[i + 1 :]


def id_swapped(number: str, rng: random.Random) -> str | None:
    options = [i for i in _SWAPPABLE if number[i] != number[i + 1]]
    if not options:
        return None
    i = options[int(rng.random() * len(options))]
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def id_15(number: str) -> str:
    return number[:6] + number[8:17]


class FeedNoise:
    """Draws and applies noise for one feed's rows (typed values, in ``columns`` order)."""

    def __init__(
        self,
        feed: Feed,
        columns: Sequence[str],
        rng: random.Random,
        *,
        money_text: bool = True,
        enabled: bool = True,
    ):
        self.feed = feed
        self.rng = rng
        self.columns = list(columns)
        idx = {c: i for i, c in enumerate(self.columns)}
        self.key = idx[feed.record_key]
        self.id = idx.get("id_number")
        self.name = idx.get("name")
        self.birth = idx.get("birth_date")
        self.phone = idx.get("phone")
        self.address = idx.get("address")
        types = {c: feed.field(c).type for c in self.columns}
        self.dates = [
            (i, types[c]) for i, c in enumerate(self.columns) if types[c] in ("date", "month")
        ]
        self.money = (
            [i for i, c in enumerate(self.columns) if types[c] == "money"] if money_text else []
        )
        self.enums = [
            (i, feed.field(c).choices) for i, c in enumerate(self.columns) if types[c] == "enum"
        ]
        self.strings = [i for i, c in enumerate(self.columns) if types[c] == "string"]
        identity = {"id_number", "name", "birth_date", "phone"}
        self.required = [
            i
            for i, c in enumerate(self.columns)
            if feed.field(c).required and i != self.key and c not in identity
        ]
        possible = {
            "id_mistyped_digit": self.id is not None,
            "id_swapped_digits": self.id is not None,
            "id_15_digit": self.id is not None,
            "id_missing": self.id is not None
            and (self.birth is not None or self.phone is not None),
            "name_homophone": self.name is not None,
            "name_swapped": self.name is not None,
            "stale_address": self.address is not None,
            "duplicate": True,
            "bad_date": bool(self.dates),
            "bad_money": bool(self.money),
            "missing_record_key": True,
            "missing_required": bool(self.required),
            "bad_choice": bool(self.enums),
            "formula": bool(self.strings),
            "no_identity": self.id is not None,
        }
        self.kinds: list[str] = []
        self.cum: list[float] = []
        total = 0.0
        if enabled:
            for kind, rate, _ in NOISE_KINDS:
                if possible[kind]:
                    total += rate
                    self.kinds.append(kind)
                    self.cum.append(total)
        self.total = total

    def _fallback_identity(self, row: Sequence[object]) -> bool:
        """Does the row carry a birth date or a phone number (identity without the ID)?"""
        has_birth = self.birth is not None and row[self.birth] is not None
        return has_birth or (self.phone is not None and bool(row[self.phone]))

    def draw(self, row: Sequence[object]) -> Noise | None:
        r = self.rng.random()
        if r >= self.total:
            return None
        for kind, c in zip(self.kinds, self.cum, strict=True):
            if r < c:
                return self._apply(kind, row)
        return None

    def _apply(self, kind: str, row: Sequence[object]) -> Noise | None:
        rng = self.rng
        cols = self.columns
        expected = EXPECTED[kind]
        if kind.startswith("id_"):
            number = row[self.id]
            if not number:
                return None
            if kind == "id_mistyped_digit":
                new = id_mistyped(number, rng)
            elif kind == "id_swapped_digits":
                new = id_swapped(number, rng)
            elif kind == "id_15_digit":
                new = id_15(number) if number[6:10] < "1982" else None
            else:  # id_missing: name plus birth date or phone remain
                new = "" if self._fallback_identity(row) else None
            if new is None:
                return None
            if expected == "accept:id_check_digit" and not (
                self.name is not None and row[self.name]
            ):
                # an ID failing only its check is still linkable together with a name; without
                # a name the row identifies nobody
                expected = "quarantine:no_identity"
            return Noise(kind, "id_number", expected, {self.id: new})
        if kind in ("name_homophone", "name_swapped"):
            name = row[self.name]
            if not name:
                return None
            new = name_variant(name, rng) if kind == "name_homophone" else name_swapped(name)
            if new is None or new == name:
                return None
            return Noise(kind, "name", expected, {self.name: new})
        if kind == "stale_address":
            current = row[self.address]
            if not current:
                return None
            return Noise(kind, "address", expected, {self.address: stale_address(rng, current)})
        if kind == "duplicate":
            return Noise(kind, "", expected, {}, duplicate=True)
        if kind == "bad_date":
            present = [(i, t) for i, t in self.dates if row[i] is not None]
            if not present:
                return None
            i, t = present[int(rng.random() * len(present))]
            pool = BAD_MONTHS if t == "month" else BAD_DATES
            if t == "month":
                expected = "quarantine:bad_month"
            return Noise(kind, cols[i], expected, {i: pool[int(rng.random() * len(pool))]})
        if kind == "bad_money":
            present = [i for i in self.money if row[i] is not None]
            if not present:
                return None
            i = present[int(rng.random() * len(present))]
            return Noise(
                kind, cols[i], expected, {i: BAD_MONEY[int(rng.random() * len(BAD_MONEY))]}
            )
        if kind == "missing_record_key":
            return Noise(kind, cols[self.key], expected, {self.key: ""})
        if kind == "missing_required":
            present = [i for i in self.required if row[i] is not None and row[i] != ""]
            if not present:
                return None
            i = present[int(rng.random() * len(present))]
            return Noise(kind, cols[i], expected, {i: ""})
        if kind == "bad_choice":
            present = [(i, ch) for i, ch in self.enums if row[i]]
            if not present:
                return None
            i, choices = present[int(rng.random() * len(present))]
            pool = [v for v in BAD_CHOICES if v not in choices]
            return Noise(kind, cols[i], expected, {i: pool[int(rng.random() * len(pool))]})
        if kind == "formula":
            i = self.strings[int(rng.random() * len(self.strings))]
            return Noise(kind, cols[i], expected, {i: FORMULAS[int(rng.random() * len(FORMULAS))]})
        if kind == "no_identity":
            overrides = {self.id: "" if rng.random() < 0.75 else "不详"}
            if self.birth is not None:
                overrides[self.birth] = ""
            if self.phone is not None:
                overrides[self.phone] = ""
            return Noise(kind, "id_number", expected, overrides)
        raise AssertionError(kind)
