"""The canonical record table that linkage works on, and :func:`prepare`, which derives it.

Every record is one row. The columns (all strings or null, except the two booleans):

==================== ==========================================================================
``unique_id``        the record's id, unique across the whole table (e.g. ``feed:record_key``)
``source``           the feed id; for a link-only task, the side (``"A"`` / ``"B"``)
``name``             the name as written, cleaned (NFKC, no spaces inside a Chinese name)
``name_pinyin``      Chinese names: toneless lowercase pinyin syllables joined by spaces
                     (王建国 and 汪建国 both give ``"wang jian guo"``); Latin names: the name
                     lower-cased, accents and punctuation removed
``name_sorted``      the syllables (or words) of ``name_pinyin`` in sorted order, so that
                     swapped characters or given name / surname give the same value
``surname``          family name part (Chinese: first character, or a compound surname such as
                     欧阳; FEBRL: ``surname``); normalised like ``name_pinyin`` for Latin names
``given_name``       the rest of the name
``birth_date``       ``YYYY-MM-DD`` as written, or null. A date that is well-shaped but not in
                     the calendar (``1956-02-30``) is kept: a typo is still evidence
``sex``              ``"M"``, ``"F"`` or null (taken from a valid ID number when missing)
``id_number``        the ID number normalised (resident IDs: 18 characters, 15-digit numbers
                     upgraded), or null. An invalid number is kept, normalised, as evidence
``id_valid``         the ID number passes its scheme's validation and is usable for
                     deterministic linkage
``id_checked``       the ID number is protected by a check digit (GB 11643): two records with
                     *different* checked IDs are never linked automatically
``phone``            digits only, without a +86 / 0086 prefix
``address``          full address, cleaned
``street_number``,   address parts where the source has them (FEBRL)
``address_1``,
``address_2``,
``suburb``, ``state``
``community``        community (社区) code or name
``postcode``         postcode
==================== ==========================================================================
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Literal

import pandas as pd
from pypinyin import Style, lazy_pinyin

from doudi.engine import idnumber
from doudi.engine.frames import none_for_missing

Kind = Literal["chinese", "febrl"]

STRING_COLUMNS = (
    "unique_id",
    "source",
    "name",
    "name_pinyin",
    "name_sorted",
    "surname",
    "given_name",
    "birth_date",
    "sex",
    "id_number",
    "phone",
    "address",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "state",
    "community",
    "postcode",
)
BOOL_COLUMNS = ("id_valid", "id_checked")
COLUMNS = STRING_COLUMNS[:10] + BOOL_COLUMNS + STRING_COLUMNS[10:]

# Two-character surnames; a Chinese name starting with one of these splits after two characters.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 西门 端木 "
    "独孤 南宫 万俟 澹台 呼延 申屠 百里 东郭 闻人 赫连 拓跋 左丘 公羊 太史 濮阳 淳于 单于".split()
)
# Surnames whose reading differs from the character's most common reading. Only consistency
# matters for matching, but using the surname reading keeps 曾 (zeng) apart from 层 (ceng) and
# makes 单 (shan) a homophone of 山 and 善 as a person would hear it.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "覃": "qin",
    "召": "shao",
    "员": "yun",
    "长孙": "zhang sun",
    "尉迟": "yu chi",
    "万俟": "mo qi",
    "单于": "chan yu",
}

_RE_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RE_SPACE = re.compile(r"\s+")
# Middle dots used in transliterated minority and foreign names (阿卜杜拉·买买提).
_RE_NAME_NOISE = re.compile(r"[\s·•・．.\u00b7\u2027\u30fb]+")
_RE_NOT_LATIN = re.compile(r"[^a-z ]+")
_RE_DIGITS = re.compile(r"[0-9]+")
_RE_DATE = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})")


def _text(value: object) -> str | None:
    """NFKC-folded, trimmed text, or None for null / empty."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return text or None


def _latin(text: str) -> str:
    """Lower-case ASCII letters and single spaces: accents dropped, hyphens become spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    folded = folded.replace("-", " ").replace("'", "").replace("\u2019", "")
    folded = _RE_NOT_LATIN.sub("", folded)
    return _RE_SPACE.sub(" ", folded).strip()


def is_chinese(text: str) -> bool:
    return bool(_RE_CJK.search(text))


def split_chinese_name(name: str) -> tuple[str, str]:
    """``"欧阳娜娜"`` → ``("欧阳", "娜娜")``; ``"王建国"`` → ``("王", "建国")``."""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@functools.lru_cache(maxsize=65536)
def _surname_pinyin(surname: str) -> str:
    return SURNAME_READINGS.get(surname) or " ".join(lazy_pinyin(surname, style=Style.NORMAL))


@functools.lru_cache(maxsize=262144)
def _given_pinyin(given: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(given, style=Style.NORMAL, errors="ignore")) if given else ()


def chinese_pinyin(name: str) -> str:
    """Toneless lowercase pinyin, syllables joined by spaces, surname read as a surname."""
    surname, given = split_chinese_name(name)
    return _latin(" ".join([_surname_pinyin(surname), *_given_pinyin(given)]))


def clean_name(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if is_chinese(text):
        return _RE_NAME_NOISE.sub("", text)
    return _RE_SPACE.sub(" ", text)


def name_pinyin(name: str | None) -> str | None:
    if name is None:
        return None
    key = chinese_pinyin(name) if is_chinese(name) else _latin(name)
    return key or None


def name_sorted(pinyin: str | None) -> str | None:
    return None if pinyin is None else " ".join(sorted(pinyin.split()))


def birth_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from a date, ``YYYYMMDD``, ``YYYY-M-D``, ``YYYY/MM/DD`` or ``YYYY年M月D日``.

    Well-shaped but impossible dates (month 13, 30 February) are kept as written.
    """
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    text = _text(value)
    if text is None:
        return None
    digits = "".join(_RE_DIGITS.findall(text))
    if len(digits) == 8 and text.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    match = _RE_DATE.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


_SEX = {
    "m": "M",
    "male": "M",
    "男": "M",
    "1": "M",
    "f": "F",
    "female": "F",
    "女": "F",
    "2": "F",
}


def sex(value: object) -> str | None:
    """``"M"`` / ``"F"`` from M/F, male/female, 男/女 or the GB/T 2261.1 codes 1/2."""
    text = _text(value)
    return None if text is None else _SEX.get(text.lower())


def phone(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    digits = "".join(_RE_DIGITS.findall(text))
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits or None


def address(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if is_chinese(text):
        return _RE_SPACE.sub("", text)
    return _latin(text) or None


def plain(value: object) -> str | None:
    """Text lower-cased with single spaces (codes, postcodes, Latin place names)."""
    text = _text(value)
    return None if text is None else (_RE_SPACE.sub(" ", text).lower() or None)


def _resident_id(value: object) -> tuple[str | None, idnumber.ResidentID | None]:
    raw = _text(value)
    if raw is None:
        return None, None
    number = idnumber.normalize(raw)
    try:
        rid = idnumber.parse(number)
    except idnumber.InvalidIDNumber:
        return number or None, None
    return rid.number, rid


def _by_unique(series: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """Apply ``fn`` once per distinct value (names and places repeat a lot), and spread the
    results by an index lookup rather than a Python call per row; ``None`` where missing."""
    values = none_for_missing(series)
    present = values.notna()
    distinct = pd.unique(values[present])
    results = pd.Series([fn(v) for v in distinct], index=distinct, dtype=object)
    return none_for_missing(values.map(results), present)


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return none_for_missing(df[name])
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _join(parts: Iterable[str | None]) -> str | None:
    kept = [p for p in parts if p]
    return " ".join(kept) if kept else None


def prepare(
    records: pd.DataFrame,
    *,
    kind: Kind = "chinese",
    source: str | None = None,
) -> pd.DataFrame:
    """Derive the canonical linkage table (see the module docstring) from ``records``.

    ``kind="chinese"`` reads the canonical input columns ``unique_id``, ``source``, ``name``,
    ``birth_date``, ``sex``, ``id_number``, ``phone``, ``address``, ``community``, ``postcode``
    (any may be missing except ``unique_id``; extra columns are ignored). ID numbers are
    validated per GB 11643 (15-digit numbers upgraded to 18); a valid ID supplies a missing
    birth date or sex.

    ``kind="febrl"`` reads the FEBRL columns (``rec_id`` as a column or the index,
    ``given_name``, ``surname``, ``street_number``, ``address_1``, ``address_2``, ``suburb``,
    ``postcode``, ``state``, ``date_of_birth``, ``soc_sec_id`` — the last one optional). The
    social-security id has no check digit: it is usable (``id_valid``) but not ``id_checked``.

    ``source`` fills the ``source`` column when the input has none. Raises ``ValueError`` if
    ``unique_id`` values repeat.
    """
    df = records
    if kind == "febrl" and "unique_id" not in df.columns:
        df = df.reset_index().rename(columns={"rec_id": "unique_id", "index": "unique_id"})
    if "unique_id" not in df.columns:
        raise ValueError("records need a unique_id column")
    df = df.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    out["unique_id"] = df["unique_id"].astype(str)
    if out["unique_id"].duplicated().any():
        raise ValueError("unique_id values must be unique across all records")
    src = _column(df, "source")
    out["source"] = src.map(lambda v: None if v is None else str(v))
    if source is not None:
        out["source"] = out["source"].where(out["source"].notna(), source)
    out["source"] = out["source"].where(out["source"].notna(), "")

    if kind == "febrl":
        given = _by_unique(_column(df, "given_name"), lambda v: _latin(_text(v) or "") or None)
        surname = _by_unique(_column(df, "surname"), lambda v: _latin(_text(v) or "") or None)
        out["name"] = [_join(p) for p in zip(given, surname, strict=True)]
        out["name_pinyin"] = out["name"]
        out["surname"] = surname
        out["given_name"] = given
        out["birth_date"] = _by_unique(_column(df, "date_of_birth"), birth_date)
        out["sex"] = None
        ssid = _by_unique(_column(df, "soc_sec_id"), lambda v: plain(v))
        out["id_number"] = ssid
        out["id_valid"] = ssid.notna()
        out["id_checked"] = False
        out["phone"] = None
        parts = {
            c: _by_unique(_column(df, c), plain)
            for c in ("street_number", "address_1", "address_2", "suburb", "state")
        }
        out["address"] = [
            _join(p)
            for p in zip(
                parts["street_number"], parts["address_1"], parts["address_2"], strict=True
            )
        ]
        for c, values in parts.items():
            out[c] = values
        out["community"] = None
        out["postcode"] = _by_unique(_column(df, "postcode"), plain)
    elif kind == "chinese":
        names = _by_unique(_column(df, "name"), clean_name)
        out["name"] = names
        out["name_pinyin"] = _by_unique(names, name_pinyin)
        split = _by_unique(
            names,
            lambda n: split_chinese_name(n) if is_chinese(n) else _latin_split(n),
        )
        out["surname"] = split.map(lambda p: None if p is None else (p[0] or None))
        out["given_name"] = split.map(lambda p: None if p is None else (p[1] or None))
        parsed = _by_unique(_column(df, "id_number"), _resident_id)  # IDs repeat across feeds
        out["id_number"] = parsed.map(lambda p: None if p is None else p[0])
        rid = parsed.map(lambda p: None if p is None else p[1])
        out["id_valid"] = rid.notna()
        out["id_checked"] = out["id_valid"]
        birth = _by_unique(_column(df, "birth_date"), birth_date)
        from_id = rid.map(lambda r: None if r is None else r.birth_date.isoformat())
        out["birth_date"] = birth.where(birth.notna(), from_id)
        recorded_sex = _by_unique(_column(df, "sex"), sex)
        sex_from_id = rid.map(lambda r: None if r is None else r.sex)
        out["sex"] = recorded_sex.where(recorded_sex.notna(), sex_from_id)
        out["phone"] = _by_unique(_column(df, "phone"), phone)
        out["address"] = _by_unique(_column(df, "address"), address)
        for c in ("street_number", "address_1", "address_2", "suburb", "state"):
            out[c] = None
        out["community"] = _by_unique(_column(df, "community"), plain)
        out["postcode"] = _by_unique(_column(df, "postcode"), plain)
    else:
        raise ValueError(f"unknown kind {kind!r}: expected 'chinese' or 'febrl'")

    out["name_sorted"] = _by_unique(out["name_pinyin"], name_sorted)
    out = out[list(COLUMNS)]
    for c in STRING_COLUMNS:
        out[c] = none_for_missing(out[c])
    for c in BOOL_COLUMNS:
        out[c] = out[c].astype(bool)
    return out


def _latin_split(name: str) -> tuple[str, str]:
    """Latin names in a Chinese feed (foreign residents): last word is the surname."""
    words = _latin(name).split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])
