"""Cell normalisers: one function per catalogue field type.

Every normaliser takes one *non-empty* cell (text from CSV/JSON, or a typed value from XLSX,
JSON or Parquet: int, float, Decimal, bool, datetime.date/datetime) and returns the canonical
value, or raises :class:`Invalid` with the quarantine reason code. Emptiness (None, "", only
whitespace) is decided by the caller with :func:`is_empty`.

Canonical values (what the lake stores):

- text types (``string``, ``name``, ``code``, ``enum``): NFKC (full-width → half-width),
  surrounding whitespace trimmed, inner runs of whitespace collapsed to one space. ``code``
  drops inner whitespace entirely; a ``name`` written only in CJK characters drops the padding
  spaces offices put inside two-character names (``"张　三"`` → ``"张三"``).
- ``date`` → ``datetime.date``. Accepted: 2024-01-08, 2024/1/8, 2024.1.8, 2024年1月8日,
  20240108, an optional time part (``2024-01-08 00:00:00``), Excel serial numbers (any typed
  number 1..99999, or 5-digit text such as ``45299``; the 1900 leap-year bug is honoured), and
  date/datetime values. Years outside 1900–2100 are ``bad_date``.
- ``month`` → ``"YYYY-MM"``. Accepted: 2024-01, 2024/1, 2024.1, 2024年1月, 202401, and any
  accepted full date (its month).
- ``money`` (元 in the file) → integer fen. ``1,234.50``, ``¥1234.5``, ``1234.50元``,
  ``１２３４``, ``-12``. **No rounding**: a text value must be exact to the fen; extra decimals
  are allowed only if they are zeros (``1.500`` → 150, ``1.005`` → ``bad_money``). Float cells
  (XLSX/JSON) are read through their shortest repr and accepted when within 10⁻⁶ 元 of a fen
  (binary floating point cannot hold 0.01 exactly); otherwise ``bad_money``. Integer arithmetic
  and Decimal only, never float arithmetic.
- ``integer`` → int. ``3``, ``+3``, ``1,234``, ``3.0`` (a zero fraction), ``一级``…``十级``,
  ``三``, ``1级``.
- ``decimal`` → exact decimal text (``"12.50"`` keeps its scale; no exponent form).
- ``boolean`` → bool: 是/否, 有/无, Y/N, yes/no, true/false, T/F, 1/0, typed booleans.
- ``phone`` → ``"13812345678"`` (mobile, +86/0086/86 prefixes dropped) or ``"027-87654321"``
  (landline with its area code). Invalid → ``Invalid("phone_invalid")``; the caller drops the
  value and flags the row instead of quarantining it.
- ``id_number`` → :func:`parse_id` (never raises; returns the number or None, and flags).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from doudi.engine import idnumber


class Invalid(ValueError):
    """A cell that cannot be normalised; ``code`` is the quarantine reason (or flag) code."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


# ---------------------------------------------------------------------------- text

FORMULA_START = frozenset("=+-@\t\r")


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()
    if isinstance(value, float) and value != value:  # NaN from Parquet/Excel
        return True
    return False


def nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def as_text(value: Any) -> str:
    """A cell as text, as a person would read it (used for raw values and text fields)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def text(value: Any) -> str:
    """string / enum: NFKC, trimmed, inner whitespace collapsed to one space."""
    s = nfkc(as_text(value))
    parts = s.split()
    return parts[0] if len(parts) == 1 else " ".join(parts)


_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\u00b7\u2022\u30fb\s]+$")


def name(value: Any) -> str:
    s = nfkc(as_text(value))
    parts = s.split()
    if len(parts) == 1:
        return parts[0]
    if _CJK.match(s):  # "张　三": padding inside a Chinese name
        return "".join(parts)
    return " ".join(parts)


def code(value: Any) -> str:
    return "".join(nfkc(as_text(value)).split())


def is_formula(raw: Any, normalised: str) -> bool:
    """A text cell that a spreadsheet would run as a formula (CSV/formula injection)."""
    if type(raw) is not str:
        return False
    return (
        bool(raw) and raw[0] in FORMULA_START or bool(normalised) and normalised[0] in FORMULA_START
    )


# ---------------------------------------------------------------------------- dates

EXCEL_EPOCH = dt.date(1899, 12, 30)
MIN_YEAR, MAX_YEAR = 1900, 2100

_RE_DATE_SEP = re.compile(
    r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_RE_DATE_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_RE_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?")
_RE_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")


def _mkdate(y: int, m: int, d: int) -> dt.date:
    if not (MIN_YEAR <= y <= MAX_YEAR):
        raise Invalid("bad_date", "year out of range")
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise Invalid("bad_date", "no such date") from None


def excel_serial(n: Any) -> dt.date:
    """Excel's 1900 date system: 1 = 1900-01-01, 60 = the non-existent 1900-02-29."""
    try:
        days = int(n)
    except (ValueError, OverflowError):
        raise Invalid("bad_date", "not a serial number") from None
    if not (1 <= days <= 99999) or days == 60:
        raise Invalid("bad_date", "serial out of range")
    base = EXCEL_EPOCH if days > 60 else dt.date(1899, 12, 31)
    return _mkdate(*(base + dt.timedelta(days=days)).timetuple()[:3])


def _number_date(n: Any) -> dt.date:
    if 19000101 <= n <= 21001231 and float(n).is_integer():
        n = int(n)
        return _mkdate(n // 10000, n // 100 % 100, n % 100)
    if n != n or n < 1:
        raise Invalid("bad_date", "not a date")
    return excel_serial(n)


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return _mkdate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _mkdate(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise Invalid("bad_date", "boolean")
    if isinstance(value, (int, float, Decimal)):
        return _number_date(value)
    s = nfkc(as_text(value)).strip()
    m = _RE_DATE_SEP.fullmatch(s)
    if m:
        return _mkdate(int(m[1]), int(m[3]), int(m[4]))
    m = _RE_DATE_CN.fullmatch(s) or _RE_DATE_COMPACT.fullmatch(s)
    if m:
        return _mkdate(int(m[1]), int(m[2]), int(m[3]))
    if _RE_SERIAL.fullmatch(s):
        return excel_serial(float(s))
    raise Invalid("bad_date", "unrecognised date")


_RE_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?(?:份)?")
_RE_MONTH_COMPACT = re.compile(r"(\d{4})(\d{2})(?:\.0+)?")


def _mkmonth(y: int, m: int) -> str:
    if not (MIN_YEAR <= y <= MAX_YEAR) or not (1 <= m <= 12):
        raise Invalid("bad_month", "no such month")
    return f"{y:04d}-{m:02d}"


def parse_month(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return _mkmonth(value.year, value.month)
    if isinstance(value, bool):
        raise Invalid("bad_month", "boolean")
    if isinstance(value, (int, float, Decimal)):
        if 190001 <= value <= 210012 and float(value).is_integer():
            return _mkmonth(int(value) // 100, int(value) % 100)
        try:
            d = _number_date(value)
        except Invalid:
            raise Invalid("bad_month", "not a month") from None
        return _mkmonth(d.year, d.month)
    s = nfkc(as_text(value)).strip()
    m = _RE_MONTH.fullmatch(s) or _RE_MONTH_COMPACT.fullmatch(s)
    if m:
        return _mkmonth(int(m[1]), int(m[2]))
    try:
        d = parse_date(s)
    except Invalid:
        raise Invalid("bad_month", "unrecognised month") from None
    return _mkmonth(d.year, d.month)


# ---------------------------------------------------------------------------- numbers

INT64_MAX = 2**63 - 1
_RE_MONEY = re.compile(
    r"([+-]?)(?:¥|RMB|CNY)?([+-]?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.(\d+))?(?:元|圆)?",
    re.IGNORECASE,
)
_FLOAT_TOLERANCE = Decimal("0.000001")


def _strip_spaces(s: str) -> str:
    return "".join(s.split()) if " " in s or not s.isprintable() else s


def _float_fen(value: float, code: str) -> int:
    if value != value or value in (float("inf"), float("-inf")):
        raise Invalid(code, "not a number")
    d = Decimal(repr(value))
    q = d.quantize(Decimal("0.01"))
    if abs(q - d) > _FLOAT_TOLERANCE:
        raise Invalid(code, "more precise than a fen")
    return int(q * 100)


def parse_money(value: Any) -> int:
    """元 → integer fen, exact (see the module docstring)."""
    if isinstance(value, bool):
        raise Invalid("bad_money", "boolean")
    if isinstance(value, int):
        fen = value * 100
    elif isinstance(value, float):
        fen = _float_fen(value, "bad_money")
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise Invalid("bad_money", "not a number")
        q = value * 100
        if q != q.to_integral_value():
            raise Invalid("bad_money", "more precise than a fen")
        fen = int(q)
    else:
        s = _strip_spaces(nfkc(as_text(value)))
        m = _RE_MONEY.fullmatch(s)
        if not m or (m[1] and m[2]):
            raise Invalid("bad_money", "unrecognised amount")
        whole = int(m[3].replace(",", "") or "0")
        frac = m[4] or ""
        if len(frac) > 2:
            if frac[2:].strip("0"):
                raise Invalid("bad_money", "more precise than a fen")
            frac = frac[:2]
        fen = whole * 100 + int(frac.ljust(2, "0"))
        if m[1] == "-" or m[2] == "-":
            fen = -fen
    if abs(fen) > INT64_MAX:
        raise Invalid("out_of_range", "too large")
    return fen


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
    "十": 10,
    "拾": 10,
}
_RE_INT = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")
_RE_GRADE = re.compile(
    r"(?:第)?([零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾]|\d+)\s*(?:级|等|档|类)?"
)


def parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid("bad_integer", "boolean")
    if isinstance(value, int):
        n = value
    elif isinstance(value, (float, Decimal)):
        too_big = abs(value) > INT64_MAX if isinstance(value, float) else abs(value) > INT64_MAX
        if value != value or not float(value).is_integer() or too_big:
            raise Invalid("bad_integer", "not a whole number")
        n = int(value)
    else:
        s = _strip_spaces(nfkc(as_text(value)))
        m = _RE_INT.fullmatch(s)
        if m:
            n = int(m[2].replace(",", ""))
            if m[1] == "-":
                n = -n
        else:
            m = _RE_GRADE.fullmatch(s)
            if not m:
                raise Invalid("bad_integer", "not a whole number")
            g = m[1]
            n = _CN_DIGITS[g] if g in _CN_DIGITS else int(g)
    if abs(n) > INT64_MAX:
        raise Invalid("out_of_range", "too large")
    return n


_RE_DECIMAL = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.(\d+))?")


def parse_decimal(value: Any) -> str:
    """Exact decimal text: ``"1,234.50"`` → ``"1234.50"``; floats via their shortest repr."""
    if isinstance(value, bool):
        raise Invalid("bad_decimal", "boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Invalid("bad_decimal", "not a number")
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise Invalid("bad_decimal", "not a number")
        return format(value, "f")
    s = _strip_spaces(nfkc(as_text(value)))
    m = _RE_DECIMAL.fullmatch(s)
    if not m:
        raise Invalid("bad_decimal", "not a decimal number")
    whole = str(int(m[2].replace(",", "") or "0"))
    out = whole + ("." + m[3] if m[3] else "")
    return "-" + out if m[1] == "-" and out.strip("0.") else out


def decimal_value(text_value: str) -> Decimal:
    try:
        return Decimal(text_value)
    except InvalidOperation:  # pragma: no cover - parse_decimal only returns valid text
        raise Invalid("bad_decimal") from None


_BOOLEANS = {
    "是": True,
    "否": False,
    "有": True,
    "无": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "t": True,
    "f": False,
    "1": True,
    "0": False,
    "对": True,
    "错": False,
    "√": True,
    "×": False,
}


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        if value == 1:
            return True
        if value == 0:
            return False
        raise Invalid("bad_boolean", "not 0/1")
    key = nfkc(as_text(value)).strip().lower()
    try:
        return _BOOLEANS[key]
    except KeyError:
        raise Invalid("bad_boolean", "not a yes/no value") from None


# ---------------------------------------------------------------------------- phones

_RE_PHONE_NOISE = re.compile(r"[\s\-()（）.\u2010-\u2015\u2212]+")
_RE_MOBILE = re.compile(r"1[3-9]\d{9}")
_RE_LANDLINE = re.compile(r"0\d{9,11}")


def parse_phone(value: Any) -> str:
    """A mobile number (11 digits) or a landline with its area code; else ``phone_invalid``."""
    if isinstance(value, bool):
        raise Invalid("phone_invalid")
    if isinstance(value, (int, float, Decimal)):
        if value != value or not float(value).is_integer():
            raise Invalid("phone_invalid")
        s = str(int(value))
    else:
        s = _RE_PHONE_NOISE.sub("", nfkc(as_text(value)))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif len(s) == 13 and s.startswith("861"):
        s = s[2:]
    if not s.isascii():
        raise Invalid("phone_invalid")
    if _RE_MOBILE.fullmatch(s):
        return s
    if _RE_LANDLINE.fullmatch(s):
        # 010 and 02x are three-digit area codes with 8-digit numbers; the rest have four
        # digits and 7- or 8-digit numbers. A local number never starts with 0 or 1.
        area_len = 3 if s[1] in "12" else 4
        area, local = s[:area_len], s[area_len:]
        if local[0] not in "01" and (len(local) == 8 or (area_len == 4 and len(local) == 7)):
            return f"{area}-{local}"
    raise Invalid("phone_invalid")


# ---------------------------------------------------------------------------- ID numbers

ID_FLAGS = {
    "empty": "id_missing",
    "format": "id_format",
    "province": "id_format",
    "birth_date": "id_birth_date",
    "birth_future": "id_birth_date",
    "birth_too_early": "id_birth_date",
    "check_digit": "id_check_digit",
}


_BIRTHS: dict[str, bool] = {}  # yyyymmdd → plausible birth date (cache)


def _birth_ok(key: str, today: dt.date) -> bool:
    ok = _BIRTHS.get(key)
    if ok is None:
        try:
            birth = dt.date(int(key[:4]), int(key[4:6]), int(key[6:]))
        except ValueError:
            ok = False
        else:
            ok = idnumber.EARLIEST_BIRTH <= birth <= today
        if len(_BIRTHS) < 100_000:
            _BIRTHS[key] = ok
    return ok


_TODAY = [dt.date.today()]


def fast_id(s: str) -> str | None:
    """The common case — a clean, valid 18-character number with a known area code — checked
    without the general parser; None when :func:`parse_id` must decide.

    The check: ISO 7064 MOD 11-2 weights are 2^(17-i) mod 11, and 13 ≡ 2 (mod 11), so the
    weighted digit sum is ≡ 2·int(first17, base=13) (mod 11) — one C-level conversion.
    """
    if type(s) is not str or len(s) != 18 or not s.isascii():
        return None
    first = s[:17]
    if not first.isdigit() or _CHECK[2 * int(first, 13) % 11] != s[17]:
        return None
    if s[:6] not in _AREAS[0]:
        return None
    ok = _BIRTHS.get(s[6:14])
    if ok is None:
        ok = _birth_ok(s[6:14], _TODAY[0])
    return s if ok else None


_CHECK = idnumber.CHECK_CHARS
_AREAS: list[frozenset[str]] = [frozenset()]


def _load_areas() -> frozenset[str]:
    if not _AREAS[0]:
        _AREAS[0] = idnumber.known_area_codes()
    return _AREAS[0]


class IDResult(tuple[str | None, tuple[str, ...]]):
    """(number or None, flags tuple)."""

    __slots__ = ()

    def __new__(cls, number: str | None, flags: tuple[str, ...] = ()) -> IDResult:
        return tuple.__new__(cls, (number, flags))

    @property
    def number(self) -> str | None:
        return self[0]

    @property
    def flags(self) -> tuple[str, ...]:
        return self[1]


def parse_id(
    value: Any, *, today: dt.date | None = None, areas: frozenset[str] | None = None
) -> IDResult:
    """Validate an ID cell. Never raises: a bad number gives (None, (flag,)).

    Flags: ``id_missing``, ``id_format`` (also an unknown province), ``id_birth_date``,
    ``id_check_digit`` — the number is dropped; ``id_upgraded_15`` (the 18-digit form is
    returned) and ``id_area_unknown`` — the number is kept.
    """
    today = today or dt.date.today()
    if isinstance(value, bool):
        return IDResult(None, ("id_format",))
    if isinstance(value, float):
        s = str(int(value)) if value.is_integer() else repr(value)
    else:
        s = value if type(value) is str else as_text(value)
    if not s.strip():
        return IDResult(None, ("id_missing",))
    _load_areas()
    if today == _TODAY[0] and fast_id(s) is not None:
        return IDResult(s)
    try:
        rid = idnumber.parse(s, today=today)
    except idnumber.InvalidIDNumber as exc:
        return IDResult(None, (ID_FLAGS[exc.code],))
    flags = []
    if rid.upgraded_from_15:
        flags.append("id_upgraded_15")
    if "area_code_unknown" in rid.warnings:
        flags.append("id_area_unknown")
    return IDResult(rid.number, tuple(flags))
