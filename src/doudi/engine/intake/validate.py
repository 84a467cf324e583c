"""Header mapping and row validation for one feed.

The :class:`Validator` binds each table header (a CSV file, an XLSX sheet, JSON keys, a Parquet
schema) to the feed's canonical fields with ``feed.header_map()``, then validates batches
column by column: every field is normalised (``normalize.py``), constrained (required, choices,
max_length, min/max, formula injection), then each row gets at most one quarantine
:class:`Reason` — the first failing field in catalogue order, then ``no_identity``, then
``duplicate_key_conflict``. Accepted rows come back as an Arrow table in the lake schema.

Reason codes (a contract with the synthetic data generator): ``missing_required``,
``bad_date``, ``bad_month``, ``bad_money``, ``bad_integer``, ``bad_decimal``, ``bad_boolean``,
``out_of_range``, ``bad_choice``, ``too_long``, ``formula``, ``no_identity``,
``duplicate_key_conflict``, ``ragged_row``, ``bad_json``.

Flags on accepted rows: ``id_check_digit``, ``id_format``, ``id_birth_date``, ``id_missing``
(the ID is dropped, its text kept in ``id_number_raw``), ``id_upgraded_15``,
``id_area_unknown`` (the ID is kept), ``phone_invalid`` (the phone is dropped).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from doudi.engine import idnumber
from doudi.engine.catalogue import Feed, Field, normalise_header
from doudi.engine.intake import normalize as N
from doudi.engine.intake.readers.base import Batch, IntakeError
from doudi.engine.intake.results import QuarantinedRow, Reason
from doudi.engine.lake import arrow_type, feed_schema

REASONS: dict[str, tuple[str, str]] = {
    "missing_required": ("必填项为空", "required value is missing"),
    "bad_date": ("日期无法识别", "not a valid date"),
    "bad_month": ("月份无法识别", "not a valid month"),
    "bad_money": ("金额无法识别或精确到分以下", "not a valid amount in yuan (exact to the fen)"),
    "bad_integer": ("不是整数", "not a whole number"),
    "bad_decimal": ("不是数字", "not a decimal number"),
    "bad_boolean": ("应为是/否", "not a yes/no value"),
    "out_of_range": ("数值超出允许范围", "value out of range"),
    "bad_choice": ("不是允许的取值", "not one of the allowed values"),
    "too_long": ("内容过长", "value too long"),
    "formula": (
        "内容以公式字符开头（= + - @），疑似公式注入",
        "starts with a formula character (= + - @): possible formula injection",
    ),
    "no_identity": (
        "无法识别人员：身份证号缺失或格式错误，且缺少姓名加出生日期或电话",
        "cannot identify the person: no usable ID number, and not name plus birth date or phone",
    ),
    "duplicate_key_conflict": (
        "与本批次前面一行的记录编号相同但内容不同",
        "same record key as an earlier row of this delivery, different content",
    ),
    "ragged_row": (
        "列数与表头不一致或引号不配对",
        "cell count differs from the header, or an unbalanced quote",
    ),
    "bad_json": ("不是有效的JSON对象", "not a valid JSON object"),
}
# ID problems that leave an ID-shaped number a linker can still match within one edit.
NEAR_ID_FLAGS = frozenset({"id_check_digit", "id_birth_date"})
FLAGS = (
    "id_check_digit",
    "id_format",
    "id_birth_date",
    "id_missing",
    "id_upgraded_15",
    "id_area_unknown",
    "phone_invalid",
)
TEXT_TYPES = frozenset({"string", "name", "code", "enum"})
CACHE_LIMIT = 100_000  # distinct raw values remembered per field

_reason_cache: dict[tuple[str, str | None, str | None], Reason] = {}


def reason(code: str, field: Field | None = None) -> Reason:
    key = (code, field.name if field else None, field.label if field else None)
    r = _reason_cache.get(key)
    if r is None:
        zh, en = REASONS[code]
        if field is not None:
            zh, en = f"{field.label}：{zh}", f"{field.name}: {en}"
        r = _reason_cache[key] = Reason(code, zh, en)
    return r


# row -> (the field, or None for the row as a whole; the reason code) of its first error
Errors = dict[int, tuple[Field | None, str]]
_EMPTY = object()  # an empty cell
_MISS = object()


class _Bad:
    """A cell that failed normalisation (cached per distinct raw value)."""

    __slots__ = ("code",)

    def __init__(self, code: str):
        self.code = code


Check = Callable[[Any], Any]  # a cell -> its canonical value


def _make_check(f: Field) -> Check:
    """One function per field: a non-empty cell → canonical value, raising normalize.Invalid."""
    t = f.type
    if t in TEXT_TYPES:
        choices = {N.text(c): c for c in f.choices} if t == "enum" else None
        maxlen = f.max_length
        formula = N.FORMULA_START
        nfkc = unicodedata.normalize
        cjk = N._CJK.match
        as_text = N.as_text
        kind = t

        def check(cell: Any) -> Any:
            s = cell if type(cell) is str else as_text(cell)
            v = s if s.isascii() else nfkc("NFKC", s)
            parts = v.split()
            if kind == "code":
                v = "".join(parts)
            elif len(parts) == 1:
                v = parts[0]
            elif kind == "name" and cjk(v):  # "张　三": padding inside a Chinese name
                v = "".join(parts)
            else:
                v = " ".join(parts)
            if type(cell) is str and (s[0] in formula or (v and v[0] in formula)):
                raise N.Invalid("formula")
            if choices is not None:
                try:
                    v = choices[v]
                except KeyError:
                    raise N.Invalid("bad_choice") from None
            if maxlen is not None and len(v) > maxlen:
                raise N.Invalid("too_long")
            return v

        return check
    if t == "date":
        return N.parse_date
    if t == "month":
        return N.parse_month
    if t == "boolean":
        return N.parse_boolean
    if t == "phone":
        return N.parse_phone
    if t in ("money", "integer", "decimal"):
        parse = {"money": N.parse_money, "integer": N.parse_integer, "decimal": N.parse_decimal}[t]
        scale = 100 if t == "money" else 1
        lo = None if f.min is None else Decimal(str(f.min)) * scale
        hi = None if f.max is None else Decimal(str(f.max)) * scale
        if lo is None and hi is None:
            return parse
        as_number: Callable[[Any], Any] = N.decimal_value if t == "decimal" else (lambda v: v)

        def check(cell: Any) -> Any:
            v = parse(cell)
            n = as_number(v)
            if (lo is not None and n < lo) or (hi is not None and n > hi):
                raise N.Invalid("out_of_range")
            return v

        return check
    raise ValueError(f"no normaliser for {t}")  # id_number is handled by the validator


def _make_fast(f: Field) -> Callable[[str], Any] | None:
    """A fast path for the commonest clean text form of a field: cell → value, or _MISS when
    the general normaliser must decide. It must return exactly what the general path would
    (the tests compare both)."""
    t = f.type
    maxlen = f.max_length
    if t in TEXT_TYPES:
        choices = {N.text(c): c for c in f.choices} if t == "enum" else None
        is_normalized = unicodedata.is_normalized

        def fast(s: str) -> Any:
            # No whitespace, no punctuation (so no formula character), already NFKC.
            if not s.isalnum() or not (s.isascii() or is_normalized("NFKC", s)):
                return _MISS
            v: Any = s
            if choices is not None:
                v = choices.get(s, _MISS)
                if v is _MISS:
                    return _MISS
            if maxlen is not None and len(v) > maxlen:
                return _MISS
            return v

        return fast
    if t == "phone":

        def fast(s: str) -> Any:
            if len(s) == 11 and s[0] == "1" and s[1] in "3456789" and s.isdigit() and s.isascii():
                return s
            return _MISS

        return fast
    lo = None if f.min is None else Decimal(str(f.min)) * (100 if t == "money" else 1)
    hi = None if f.max is None else Decimal(str(f.max)) * (100 if t == "money" else 1)
    if t == "date":
        fromiso = dt.date.fromisoformat
        lo_y, hi_y = N.MIN_YEAR, N.MAX_YEAR

        def fast(s: str) -> Any:
            if len(s) == 10 and s[4] == "-" and s[7] == "-":
                try:
                    d = fromiso(s)
                except ValueError:
                    return _MISS
                if lo_y <= d.year <= hi_y:
                    return d
            return _MISS

        return fast
    if t == "money":

        def fast(s: str) -> Any:
            if not s.isascii():
                return _MISS
            whole, dot, frac = s.partition(".")
            if not (whole.isdigit() and len(whole) <= 15):
                return _MISS
            if dot:
                if not (frac.isdigit() and len(frac) <= 2):
                    return _MISS
                fen = int(whole) * 100 + int(frac.ljust(2, "0"))
            else:
                fen = int(whole) * 100
            if (lo is not None and fen < lo) or (hi is not None and fen > hi):
                return _MISS
            return fen

        return fast
    if t == "integer":

        def fast(s: str) -> Any:
            if len(s) <= 18 and s.isdigit() and s.isascii():
                n = int(s)
                if (lo is None or n >= lo) and (hi is None or n <= hi):
                    return n
            return _MISS

        return fast
    return None


def _make_cell(f: Field, bad: dict[Any, Any]) -> Callable[[Any], Any]:
    """cell → canonical value or None; an empty or bad cell is recorded in ``bad`` (keyed by
    :func:`_key`) as _EMPTY or _Bad(code). One call per cell, never raises."""
    check = _make_check(f)
    fast = _make_fast(f)
    Invalid = N.Invalid

    if fast is None:

        def cell_fn(cell: Any) -> Any:
            if type(cell) is str:
                if not cell or cell.isspace():
                    bad[cell] = _EMPTY
                    return None
            elif cell is None or (type(cell) is float and cell != cell):
                bad[_key(cell)] = _EMPTY
                return None
            try:
                return check(cell)
            except Invalid as exc:
                bad[_key(cell)] = _Bad(exc.code)
                return None
    else:

        def cell_fn(cell: Any) -> Any:
            if type(cell) is str:
                v = fast(cell)
                if v is not _MISS:
                    return v
                if not cell or cell.isspace():
                    bad[cell] = _EMPTY
                    return None
            elif cell is None or (type(cell) is float and cell != cell):
                bad[_key(cell)] = _EMPTY
                return None
            try:
                return check(cell)
            except Invalid as exc:
                bad[_key(cell)] = _Bad(exc.code)
                return None

    return cell_fn


def _py_cells(col: Any) -> list[Any] | tuple[Any, ...]:
    """A column as Python values (Parquet columns arrive as Arrow arrays); nested values and
    bytes become text."""
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        values = col.to_pylist()
        t = col.type
        if not (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)):
            cells: list[Any] = values
            return cells
        out = []
        for v in values:
            if isinstance(v, bytes):
                v = v.decode("utf-8", "replace")
            elif isinstance(v, (dict, list)):
                v = json.dumps(v, ensure_ascii=False, sort_keys=True, default=str)
            out.append(v)
        return out
    given: list[Any] | tuple[Any, ...] = col
    return given


_STRING_TYPES = (pa.string(), pa.large_string())


def _as_string_array(col: Any) -> Any:
    """A column of text cells as an Arrow string array, or None when it holds other types."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if isinstance(col, pa.Array):
        t = col.type
        if t == pa.string():
            return col
        if (
            t == pa.large_string()
            or str(t) == "string_view"
            or (pa.types.is_dictionary(t) and t.value_type in _STRING_TYPES)
        ):
            return pc.cast(col, pa.string())
        if t == pa.null():
            return pa.nulls(len(col), pa.string())
        return None
    if not col:
        return pa.array([], pa.string())
    try:
        return pa.array(col, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid, TypeError):
        return None


def _key(cell: Any) -> Any:
    """A dict key for a raw cell: text as itself; other values with their type, so that
    True, 1 and 1.0 (equal in Python) stay apart."""
    return cell if type(cell) is str else (type(cell), cell)


# ID numbers in bulk: the checks of normalize.fast_id as Arrow kernels (the digits as one
# int64, the MOD 11-2 weighted sum from 3-digit chunks via lookup tables, birth dates against
# the set of every valid date up to today). Cells that fail go through idnumber.parse.
_ID_TABLES: list[Any] = []
_ID_DATES: dict[dt.date, pa.Array] = {}


def _id_tables() -> list[Any]:
    if not _ID_TABLES:
        weights = idnumber.WEIGHTS
        for k in range(6):  # chunk k: digits 3k..3k+2 counted from the right of 17
            table = []
            for c in range(1000):
                total = 0
                for j in range(3):
                    pos = 16 - (3 * k + j)
                    if pos >= 0:
                        total += (c // 10**j) % 10 * weights[pos]
                table.append(total % 11)
            _ID_TABLES.append(pa.array(table, pa.int64()))
        _ID_TABLES.append(pa.array(list(idnumber.CHECK_CHARS), pa.string()))
        _ID_TABLES.append(pa.array(sorted(idnumber.known_area_codes()), pa.string()))
    return _ID_TABLES


def _valid_birth_dates(today: dt.date) -> pa.Array:
    arr = _ID_DATES.get(today)
    if arr is None:
        d, out, one = idnumber.EARLIEST_BIRTH, [], dt.timedelta(days=1)
        while d <= today:
            out.append(d.year * 10000 + d.month * 100 + d.day)
            d += one
        _ID_DATES.clear()
        arr = _ID_DATES[today] = pa.array(out, pa.int64())
    return arr


def arrow_valid_ids(arr: pa.Array, today: dt.date) -> pa.Array:
    """True where a cell is a clean, valid 18-character ID with a known area code (exactly
    the cells normalize.fast_id accepts)."""
    *chunks, check, areas = _id_tables()
    ok = pc.fill_null(pc.and_(pc.string_is_ascii(arr), pc.equal(pc.binary_length(arr), 18)), False)
    s = pc.if_else(ok, arr, "110101190001010000").cast(pa.binary())
    first = pc.binary_slice(s, 0, 17).cast(pa.string())
    ok = pc.and_(ok, pc.ascii_is_decimal(first))
    num = pc.cast(pc.if_else(ok, first, "00000000000000000"), pa.int64())
    total = None
    for k, table in enumerate(chunks):
        c = pc.subtract(
            pc.divide(num, 10 ** (3 * k)), pc.multiply(pc.divide(num, 10 ** (3 * k + 3)), 1000)
        )
        t = pc.take(table, c)
        total = t if total is None else pc.add(total, t)
    mod = pc.subtract(total, pc.multiply(pc.divide(total, 11), 11))
    ok = pc.and_(ok, pc.equal(pc.take(check, mod), pc.binary_slice(s, 17, 18).cast(pa.string())))
    ok = pc.and_(ok, pc.is_in(pc.binary_slice(s, 0, 6).cast(pa.string()), value_set=areas))
    ymd = pc.subtract(pc.divide(num, 1000), pc.multiply(pc.divide(num, 10**11), 10**8))
    ok = pc.and_(ok, pc.is_in(ymd, value_set=_valid_birth_dates(today)))
    return pc.fill_null(ok, False)


class Binding:
    """A header bound to the feed: the column index of each field present."""

    def __init__(self, header: tuple[str, ...], index: dict[str, int], unknown: list[str]):
        self.header = header
        self.index = index
        self.unknown = unknown
        self.extra: dict[str, list[int]] = {}  # JSON: more keys naming the same field


class Validator:
    """Validates the batches of one delivery of one feed and keeps its counts.

    Within a delivery, the first accepted row of each record key is written; a later row with
    the same key and the same canonical content (a DuckDB 64-bit hash of the row, compared only
    between rows of one key) is an exact duplicate, one with other content a
    ``duplicate_key_conflict``. Memory: one dict entry per distinct key (~130 bytes).
    """

    def __init__(self, feed: Feed, *, today: dt.date | None = None, max_quarantine: int = 100_000):
        self.feed = feed
        real_today = dt.date.today()
        if N._TODAY[0] != real_today:  # a long-running worker crossed midnight
            N._TODAY[0] = real_today
            N._BIRTHS.clear()
        self.today = today or real_today
        self.max_quarantine = max_quarantine
        self.header_map = feed.header_map()
        self.schema = feed_schema(feed)
        self.types = {f.name: arrow_type(f.type) for f in feed.fields}
        self.key = feed.record_key
        # Per field: a never-raising cell function, and the dict it records bad cells in.
        self.bad: dict[str, dict[Any, Any]] = {f.name: {} for f in feed.fields}
        self.cells = {
            f.name: _make_cell(f, self.bad[f.name]) for f in feed.fields if f.type != "id_number"
        }
        self.caches: dict[str, dict[Any, Any]] = {f.name: {} for f in feed.fields}
        self.bad_cache: dict[str, dict[Any, Any]] = {f.name: {} for f in feed.fields}
        # Per field: normalise each distinct raw value once (dates, amounts, enums and most
        # text repeat). A field whose values barely repeat (IDs, phones, record numbers) turns
        # the cache off after one large batch.
        self.cached: dict[str, bool] = {f.name: True for f in feed.fields}
        self.required = {f.name for f in feed.fields if f.required} | {self.key}
        self.bindings: dict[tuple[str, ...], Binding] = {}
        self.seen: dict[Any, int] = {}  # record key → hash of the first accepted row's content
        self._duck: duckdb.DuckDBPyConnection | None = None
        # counters
        self.rows_read = 0
        self.accepted = 0
        self.quarantined = 0
        self.duplicates = 0
        self.flagged: dict[str, int] = {}
        self.reasons: dict[str, int] = {}
        self.quarantine: list[QuarantinedRow] = []
        self.quarantine_not_listed = 0
        self.unknown_headers: list[str] = []
        # the identity column the catalogue has but the file lacks (None: present), and the
        # file's headers that mapped to no field, to name in the reason
        self.identity_missing: str | None = None

    def close(self) -> None:
        if self._duck is not None:
            self._duck.close()
            self._duck = None

    # ------------------------------------------------------------------ headers

    def header_score(self, cells: list[str]) -> int:
        """How well a row of cells reads as this feed's header (the record key counts 2)."""
        fields = {self.header_map.get(normalise_header(c)) for c in cells if c}
        fields.discard(None)
        return len(fields) + (1 if self.key in fields else 0)

    def bind(self, header: tuple[str, ...], *, merge: bool = False) -> Binding:
        b = self.bindings.get(header)
        if b is not None:
            return b
        index: dict[str, int] = {}
        extra: dict[str, list[int]] = {}
        unknown: list[str] = []
        for j, h in enumerate(header):
            name = self.header_map.get(normalise_header(h))
            if name is None:
                if h.strip():
                    unknown.append(h)
                continue
            if name in index and merge:
                extra.setdefault(name, []).append(j)
                continue
            if name in index:
                raise IntakeError(
                    "duplicate_columns",
                    f"“{header[index[name]]}”和“{h}”都对应字段{self.feed.field(name).label}",
                    f"{header[index[name]]!r} and {h!r} both map to {name}",
                )
            index[name] = j
        missing = [f for f in self.feed.fields if f.name in self.required and f.name not in index]
        garbled = mojibake_hint(unknown)
        if missing:
            raise IntakeError(
                "missing_columns",
                "、".join(f"{f.label}（{f.name}）" for f in missing)
                + (f"；{garbled[0]}" if garbled else ""),
                ", ".join(f.name for f in missing) + (f"; {garbled[1]}" if garbled else ""),
            )
        self.identity_missing = identity_missing(self.feed, index, unknown, garbled)
        for h in unknown:
            if h not in self.unknown_headers:
                self.unknown_headers.append(h)
        b = self.bindings[header] = Binding(header, index, unknown)
        b.extra = extra
        return b

    # ------------------------------------------------------------------ one column

    def _column(self, f: Field, col: Any, n: int, errs: Errors, flags: dict[int, list[str]]) -> Any:
        """Normalise one column into an Arrow array of the field's lake type (null where empty
        or bad); record the first error of each row in ``errs``, phone flags in ``flags``.

        Text columns are dictionary-encoded: each distinct raw value is normalised once (and
        remembered across batches), then the results are gathered back by index in Arrow.
        """
        name = f.name
        typ = self.types[name]
        fn = self.cells[name]
        bad = self.bad[name]
        bad.clear()
        arr = _as_string_array(col)
        if arr is None:  # typed cells (XLSX, JSON, Parquet): one Python call per cell
            cells = _py_cells(col)
            values = pa.array(list(map(fn, cells)), typ)
            if bad:
                for i, cell in enumerate(cells):
                    r = bad.get(cell if type(cell) is str else _key(cell), _MISS)
                    if r is not _MISS:
                        self._error(f, i, r, errs, flags)
            return values
        if self.cached[name]:
            d = pc.dictionary_encode(arr)
            uniq = d.dictionary.to_pylist()
            cache = self.caches[name]  # raw → value (None when empty or bad)
            badc = self.bad_cache[name]  # raw → _EMPTY or _Bad, for the bad ones
            if len(cache) > CACHE_LIMIT:
                cache.clear()
                badc.clear()
            distinct = set(uniq)
            for u in distinct.difference(cache):
                cache[u] = fn(u)
            if bad:
                badc.update(bad)
            out = list(map(cache.__getitem__, uniq))
            values = pa.array(out, typ).take(d.indices)
            hits = distinct.intersection(badc) if badc else None
            bad_pos = {pos: badc[u] for pos, u in enumerate(uniq) if u in hits} if hits else None
            if n >= 5000 and len(uniq) * 10 > n * 8:  # values barely repeat: stop caching
                self.cached[name] = False
                cache.clear()
                badc.clear()
            if bad_pos:
                idx = d.indices
                hit = pc.is_in(idx, value_set=pa.array(list(bad_pos), idx.type))
                rows = pc.indices_nonzero(hit).to_pylist()
                for i, pos in zip(
                    rows, idx.take(pa.array(rows, pa.int64())).to_pylist(), strict=True
                ):
                    self._error(f, i, bad_pos[pos], errs, flags)
            nulls = arr.null_count
        else:
            simple = self._simple(f, arr)
            if simple is not None and pc.all(simple).as_py():
                return arr  # every cell is already canonical (and none is null)
            if simple is not None:
                rest = pc.indices_nonzero(pc.invert(simple))
                cells = arr.take(rest).to_pylist()
                rest = rest.to_pylist()
                patch = pa.array(list(map(fn, cells)), typ)
                values = pc.replace_with_mask(arr, pc.invert(simple), patch)
            else:
                rest = None
                cells = arr.to_pylist()
                values = pa.array(list(map(fn, cells)), typ)
            if bad:
                for k, cell in enumerate(cells):
                    r = bad.get(cell if type(cell) is str else _key(cell), _MISS)
                    if r is not _MISS:
                        self._error(f, k if rest is None else rest[k], r, errs, flags)
            nulls = 0  # None cells went through fn (recorded as empty)
        if nulls:  # null cells (Parquet, JSON): empty
            for i in pc.indices_nonzero(pc.is_null(arr)).to_pylist():
                self._error(f, i, _EMPTY, errs, flags)
        return values

    @staticmethod
    def _simple(f: Field, arr: Any) -> Any:
        """Cells whose canonical value is their raw text, found by Arrow kernels (the same
        cells the Python fast paths accept as they are), or None for other field types."""
        t = f.type
        if t in ("code", "string", "name"):
            ok = pc.and_(pc.string_is_ascii(arr), pc.utf8_is_alnum(arr))
            if f.max_length is not None:
                ok = pc.and_(ok, pc.less_equal(pc.utf8_length(arr), f.max_length))
        elif t == "phone":
            ok = pc.match_substring_regex(arr, "^1[3-9][0-9]{9}$")
        else:
            return None
        return pc.fill_null(ok, False)

    def _error(self, f: Field, i: int, r: Any, errs: Errors, flags: dict[int, list[str]]) -> None:
        """Record what an empty or bad cell means for its row."""
        if r is _EMPTY:
            if f.name in self.required and i not in errs:
                errs[i] = (f, "missing_required")
        elif f.type == "phone":
            flags.setdefault(i, []).append("phone_invalid")
            if f.name in self.required and i not in errs:
                errs[i] = (f, "missing_required")
        elif i not in errs:
            errs[i] = (f, r.code)

    def _id_column(
        self, f: Field, col: Any, n: int, errs: Errors, id_flags: dict[int, tuple[str, ...]]
    ) -> tuple[Any, Any]:
        """The ID column: (Arrow values, Arrow raw texts or None); flags into ``id_flags``."""
        required = f.name in self.required
        today = self.today
        arr = _as_string_array(col)
        if arr is not None:
            ok = arrow_valid_ids(arr, today)
            if pc.all(ok).as_py():
                return arr, None
            rest = pc.indices_nonzero(pc.invert(ok)).to_pylist()
            cells = arr.take(pa.array(rest, pa.int64())).to_pylist()
            values = pc.if_else(ok, arr, pa.scalar(None, pa.string()))
        else:
            cells = _py_cells(col)
            rest = list(range(n))
            values = None
        numbers: dict[int, str] = {}
        raws: dict[int, str] = {}
        for i, cell in zip(rest, cells, strict=True):
            if N.is_empty(cell):
                id_flags[i] = ("id_missing",)
                if required and i not in errs:
                    errs[i] = (f, "missing_required")
                continue
            number, fl = N.parse_id(cell, today=today)
            if number is not None:
                numbers[i] = number
            if fl:
                id_flags[i] = fl
                if number is None or "id_upgraded_15" in fl:
                    raws[i] = N.as_text(cell)
        if values is None:
            values = pa.array([numbers.get(i) for i in range(n)], pa.string())
        elif numbers:
            mask = [False] * n
            for i in numbers:
                mask[i] = True
            values = pc.replace_with_mask(
                values,
                pa.array(mask, pa.bool_()),
                pa.array([numbers[i] for i in sorted(numbers)], pa.string()),
            )
        raw_arr = None
        if raws:
            raw_list: list[str | None] = [None] * n
            for i, r in raws.items():
                raw_list[i] = r
            raw_arr = pa.array(raw_list, pa.string())
        return values, raw_arr

    # ------------------------------------------------------------------ one batch

    def validate(self, batch: Batch) -> pa.Table:
        """Validate a batch; returns the rows to write (lake schema). Quarantined rows, flags
        and duplicate counts accumulate on the validator."""
        b = self.bind(batch.header, merge=batch.merge_keys)
        feed = self.feed
        n = len(batch)
        self.rows_read += n + len(batch.problems)
        cols = batch.column_lists() if n else [[] for _ in batch.header]
        errs: Errors = {}
        flags: dict[int, list[str]] = {}
        id_flags: dict[int, tuple[str, ...]] = {}
        values: dict[str, pa.Array] = {}
        id_raw = None
        if b.extra and n:
            cols = list(cols)
            for name, more in b.extra.items():
                j = b.index[name]
                merged = list(_py_cells(cols[j]))
                for k in more:
                    other = _py_cells(cols[k])
                    merged = [
                        o if N.is_empty(m) and not N.is_empty(o) else m
                        for m, o in zip(merged, other, strict=True)
                    ]
                cols[j] = merged
        for f in feed.fields:
            at = b.index.get(f.name)
            if at is None or n == 0:
                values[f.name] = pa.nulls(n, self.types[f.name])
                if f.type == "id_number" and at is None:
                    id_flags.update((i, ("id_missing",)) for i in range(n))
                continue
            if f.type == "id_number":
                values[f.name], id_raw = self._id_column(f, cols[at], n, errs, id_flags)
            else:
                values[f.name] = self._column(f, cols[at], n, errs, flags)
        if id_raw is None:
            id_raw = pa.nulls(n, pa.string())

        if feed.person_level and n:
            self._identity(n, values, errs, id_flags)
        keep = self._dedupe(n, values, id_raw, errs)

        self._record_quarantine(batch, errs)
        counts = self.flagged
        for src in (id_flags, flags):
            for i, fl in src.items():
                if i not in errs:
                    for x in fl:
                        counts[x] = counts.get(x, 0) + 1
        self.accepted += n - len(errs)

        arrays = []
        for fld in self.schema:
            name = fld.name
            if name == "id_number_raw":
                arrays.append(id_raw)
            elif name == "id_flag":
                if id_flags:
                    flag_col: list[str | None] = [None] * n
                    for i, fl in id_flags.items():
                        flag_col[i] = ",".join(fl)
                    arrays.append(pa.array(flag_col, pa.string()))
                else:
                    arrays.append(pa.nulls(n, pa.string()))
            elif name == "_line":
                arrays.append(pa.array(batch.lines, pa.int64()))
            elif name == "_sheet":
                arrays.append(
                    pa.nulls(n, pa.string())
                    if batch.sheet is None
                    else pa.array([batch.sheet] * n, pa.string())
                )
            else:
                arrays.append(values[name])
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        if keep is None:  # every row without an error
            if errs:
                mask = [True] * n
                for i in errs:
                    mask[i] = False
                table = table.filter(pa.array(mask, pa.bool_()))
        elif len(keep) != n:
            mask = [False] * n
            for i in keep:
                mask[i] = True
            table = table.filter(pa.array(mask, pa.bool_()))
        return table

    def _record_quarantine(self, batch: Batch, errs: Errors) -> None:
        q = []
        if errs:
            idx = list(errs)
            for i, raw in zip(idx, batch.raws(idx), strict=True):
                f, code = errs[i]
                q.append(
                    QuarantinedRow(
                        batch.lines[i], batch.sheet, f.name if f else None, reason(code, f), raw
                    )
                )
        for p in batch.problems:
            q.append(QuarantinedRow(p.line, p.sheet, None, reason(p.code), p.raw))
        q.sort(key=lambda r: r.line or 0)
        for r in q:
            self.reasons[r.reason.code] = self.reasons.get(r.reason.code, 0) + 1
            if len(self.quarantine) < self.max_quarantine:
                self.quarantine.append(r)
            else:
                self.quarantine_not_listed += 1
        self.quarantined += len(q)

    def _identity(
        self,
        n: int,
        values: dict[str, Any],
        errs: Errors,
        id_flags: dict[int, tuple[str, ...]],
    ) -> None:
        """A person-level row needs a valid ID, or a name with a birth date, a phone, or an
        ID-shaped number that fails only its check (a typo: still linkable within one edit)."""

        def valid(name: str) -> Any:
            a = values.get(name)
            return pa.array([False] * n, pa.bool_()) if a is None else pc.is_valid(a)

        near_id = pa.array(
            [bool(set(id_flags.get(i, ())) & NEAR_ID_FLAGS) for i in range(n)], pa.bool_()
        )
        ok = pc.or_(
            valid("id_number"),
            pc.and_(valid("name"), pc.or_(pc.or_(valid("birth_date"), valid("phone")), near_id)),
        )
        if pc.all(ok).as_py():
            return
        for i in pc.indices_nonzero(pc.invert(ok)).to_pylist():
            if i not in errs:
                errs[i] = (None, "no_identity")

    def _content_hashes(self, n: int, values: dict[str, Any], id_raw: Any) -> list[int]:
        """A 64-bit hash of each row's canonical content (DuckDB's hash over the columns)."""
        if self._duck is None:
            self._duck = duckdb.connect()
        cols = {f"c{j}": values[f.name] for j, f in enumerate(self.feed.fields)}
        cols["raw"] = id_raw
        tbl = pa.table(cols)
        self._duck.register("_batch", tbl)
        try:
            args = ", ".join(cols)
            out = self._duck.sql(f"SELECT hash({args}) FROM _batch").to_arrow_table()
        finally:
            self._duck.unregister("_batch")
        hashes: list[int] = out.column(0).to_pylist()
        return hashes

    def _dedupe(
        self, n: int, values: dict[str, Any], id_raw: Any, errs: Errors
    ) -> list[int] | None:
        """Exact duplicates of an earlier accepted row (same key, same content) are counted
        and not written; the same key with different content is ``duplicate_key_conflict``.
        Returns the rows to keep, or None for "every row without an error"."""
        if n == 0:
            return []
        key_arr = values[self.key]
        hashes = self._content_hashes(n, values, id_raw)
        seen = self.seen
        if errs:
            mask = [True] * n
            for i in errs:
                mask[i] = False
            ok_mask = pa.array(mask, pa.bool_())
            ok_idx = pc.indices_nonzero(ok_mask).to_pylist()
            keys = key_arr.filter(ok_mask).to_pylist()
            hs = [hashes[i] for i in ok_idx]
        else:
            ok_idx = None
            keys = key_arr.to_pylist()
            hs = hashes
        distinct = set(keys)
        if (
            len(distinct) == len(keys)
            and None not in distinct
            and not any(map(seen.__contains__, distinct))
        ):
            seen.update(zip(keys, hs, strict=True))  # the usual case: every key is new
            return None
        key_field = self.feed.field(self.key)
        raws = id_raw.to_pylist() if self.key == "id_number" else None
        keep = []
        for j, key in enumerate(keys):
            i = j if ok_idx is None else ok_idx[j]
            if key is None:
                if raws is not None and raws[i]:
                    key = ("raw", N.code(raws[i]))
                else:
                    errs[i] = (key_field, "missing_required")
                    continue
            h = hs[j]
            prev = seen.get(key)
            if prev is None:
                seen[key] = h
                keep.append(i)
            elif prev == h:
                self.duplicates += 1
            else:
                errs[i] = (key_field, "duplicate_key_conflict")
        return keep


def identity_missing(
    feed: Feed, index: dict[str, int], unknown: list[str], garbled: tuple[str, str] | None
) -> str | None:
    """Why a header lacks what the catalogue needs to identify a person (the ID-number column,
    or name and birth date when the feed has no ID number), naming the headers that matched
    no field; ``None`` when it has it. Chinese, then " / " and English."""
    names = {f.name for f in feed.fields}
    if not feed.person_level:
        return None
    if "id_number" in names:
        if "id_number" in index:
            return None
        f = feed.field("id_number")
        lacking_zh, lacking_en = f"没有{f.label}列", f"no {f.label} (id_number) column"
        accepted = "、".join((f.label, *f.aliases))
    elif {"name", "birth_date"} <= names:
        gone = [feed.field(n) for n in ("name", "birth_date") if n not in index]
        if not gone:
            return None
        lacking_zh = "没有" + "、".join(f"{g.label}列" for g in gone)
        lacking_en = "no " + " and ".join(f"{g.label} ({g.name})" for g in gone) + " column"
        accepted = "、".join(x for g in gone for x in (g.label, *g.aliases))
    else:
        return None
    if unknown:
        named = "、".join(f"“{h}”" for h in unknown)
        zh = f"{lacking_zh}：无法识别的列 {named}；请改为 {accepted} 之一"
        en = f"{lacking_en}: unrecognised column(s) {named}; rename to one of {accepted}"
    else:
        zh = f"{lacking_zh}；请加上该列（{accepted}）"
        en = f"{lacking_en}; add the column (one of {accepted})"
    if garbled:
        zh, en = f"{zh}；{garbled[0]}", f"{en}; {garbled[1]}"
    return f"{zh} / {en}"


def mojibake_hint(headers: list[str]) -> tuple[str, str] | None:
    """(Chinese, English) when headers look like text decoded with the wrong encoding: UTF-8
    read as GBK (or Latin-1) and saved again, or GBK read as UTF-8 (replacement characters)."""
    for h in headers:
        if "\ufffd" in h:
            return (
                f"表头“{h}”含有替换字符（�）：文件疑似以GBK编码却被当作UTF-8打开后另存；"
                "请从原系统重新导出",
                f"header {h!r} holds replacement characters: the file looks like GBK text read "
                "as UTF-8 and saved again; export it again from the source system",
            )
        for wrong, right in (("gbk", "utf-8"), ("latin-1", "utf-8"), ("latin-1", "gbk")):
            try:
                fixed = h.encode(wrong).decode(right)
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if fixed != h and any("\u4e00" <= ch <= "\u9fff" for ch in fixed):
                was = "GBK" if right == "gbk" else "UTF-8"
                read = "GBK" if wrong == "gbk" else "Latin-1"
                return (
                    f"表头“{h}”疑似乱码（{was}文本被当作{read}读取后另存，原文应为“{fixed}”）；"
                    f"请以{was}重新导出",
                    f"header {h!r} looks garbled ({was} text read as {read} and saved again; it "
                    f"reads {fixed!r}); export the file again as {was}",
                )
    return None
