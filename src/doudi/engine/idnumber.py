"""Resident identity numbers (公民身份号码) per GB 11643-1999.

Plain Python with no Django import, so the analytical engine and intake can use it too.

An 18-character number is a 6-digit address code, an 8-digit birth date (YYYYMMDD), a 3-digit
sequence code whose last digit is odd for men and even for women, and a check character
computed with ISO 7064:1983 MOD 11-2. Numbers issued before 1999 have 15 digits (a 6-digit
birth date YYMMDD and no check character); they upgrade to 18 by inserting "19" and adding the
check character.

The address code is the county code of the hukou place when the number was first assigned; it
never changes and codes are retired, so an unknown code is a *warning*, never a rejection
(POLICY.md §10, DESIGN.md §4).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes in use (GB/T 2260), plus 81/82/83 for Hong Kong, Macao and Taiwan
# residents' residence permits.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)

# ASCII digits only: `\d` would also match other scripts' digits (e.g. Arabic-Indic ones), which
# NFKC does not fold, and let a non-ASCII "number" through.
_RE_18 = re.compile(r"[0-9]{17}[0-9X]")
_RE_15 = re.compile(r"[0-9]{15}")
# Characters people and department systems put inside an ID number: spaces of every kind,
# hyphens and dashes (NFKC keeps U+2010..U+2015 and U+2212), dots and zero-width characters.
_RE_NOISE = re.compile(r"[\s\-_.\u2010-\u2015\u2212\u200b\u200c\u200d\ufeff]+")


class InvalidIDNumber(ValueError):
    """The input is not a valid resident ID number; ``code`` says why, ``message`` in Chinese."""

    MESSAGES = {
        "empty": "身份证号码为空",
        "format": "身份证号码应为18位（末位可为X）或15位数字",
        "province": "身份证号码的省级行政区划代码无效",
        "birth_date": "身份证号码中的出生日期无效",
        "birth_future": "身份证号码中的出生日期晚于今天",
        "birth_too_early": "身份证号码中的出生日期早于1900年",
        "check_digit": "身份证号码校验位错误",
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(f"{code}: {self.message}")


@dataclass(frozen=True)
class ResidentID:
    """A validated, normalised 18-character resident ID number and what it tells."""

    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    upgraded_from_15: bool = False
    warnings: tuple[str, ...] = field(default=())

    @property
    def area_code(self) -> str:
        return self.number[:6]

    @property
    def masked(self) -> str:
        return mask(self.number)


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    """Fold full-width characters, drop spaces and separators, upper-case a trailing x.

    Does not validate: ``normalize("１１０１０５ １９４９１２３１００２ｘ")`` is
    ``"11010519491231002X"``.
    """
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    text = _RE_NOISE.sub("", text)
    return text.upper()


def _parse_date(digits: str) -> dt.date:
    try:
        return dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIDNumber("birth_date") from None


@cache
def known_area_codes() -> frozenset[str]:
    """Every area code that has existed: the 2023 division list shipped with doudi, and the
    history of GB/T 2260 codes since 1980 (retired and renamed codes included; an ID keeps the
    code of its first issue)."""
    codes: set[str] = set()
    for name in ("cn_areas.csv", "cn_areas_history.csv"):
        ref = resources.files("doudi.engine") / "data" / name
        with ref.open(encoding="utf-8") as fh:
            codes.update(row["code"] for row in csv.DictReader(fh))
    return frozenset(codes)


def parse(raw: str, *, today: dt.date | None = None, century: int = 19) -> ResidentID:
    """Normalise and validate ``raw``; upgrade a 15-digit number to 18.

    Raises :class:`InvalidIDNumber`. An area code that never existed in any version of the
    division list (retired and renamed codes are known) is accepted with the warning
    ``"area_code_unknown"``. ``century`` lets a caller upgrade a 15-digit number of someone
    born before 1900 (GB 11643 leaves that case to manual override).
    """
    number = normalize(raw)
    today = today or dt.date.today()
    if not number:
        raise InvalidIDNumber("empty")
    # Checks run in the order of POLICY.md §10: format, birth date, check character, province.
    upgraded = bool(_RE_15.fullmatch(number))
    if upgraded:
        number = number[:6] + str(century) + number[6:]
    elif not _RE_18.fullmatch(number):
        raise InvalidIDNumber("format")
    birth = _parse_date(number[6:14])
    if birth > today:
        raise InvalidIDNumber("birth_future")
    if birth < EARLIEST_BIRTH and not (upgraded and century < 19):
        raise InvalidIDNumber("birth_too_early")
    if upgraded:
        number += check_char(number)
    elif check_char(number[:17]) != number[17]:
        raise InvalidIDNumber("check_digit")
    if number[:2] not in PROVINCE_CODES:
        raise InvalidIDNumber("province")
    warnings = () if number[:6] in known_area_codes() else ("area_code_unknown",)
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentID(
        number=number, birth_date=birth, sex=sex, upgraded_from_15=upgraded, warnings=warnings
    )


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except InvalidIDNumber:
        return False
    return True


def upgrade_15_to_18(raw: str, *, century: int = 19) -> str:
    """``"110105491231002"`` → ``"11010519491231002X"`` (validates the result)."""
    number = normalize(raw)
    if not _RE_15.fullmatch(number):
        raise InvalidIDNumber("format")
    return parse(number, century=century).number


def make(area_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid 18-character number (used by the synthetic district and tests)."""
    if not (0 <= sequence <= 999):
        raise ValueError("sequence must be 0..999")
    body = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + check_char(body)


def mask(number: str) -> str:
    """Show the first 4 and the last 4 characters only: ``4201**********123X``."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
