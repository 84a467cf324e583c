"""Cell normalisers: exact canonical values for every form departments use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from doudi.engine import idnumber
from doudi.engine.catalogue import Field
from doudi.engine.intake import normalize as N
from doudi.engine.intake import validate as V

D = dt.date


# ------------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  王建国 ", "王建国"),
        ("ＡＢＣ１２３", "ABC123"),  # full-width → half-width
        ("武汉市\u3000武昌区   积玉桥", "武汉市 武昌区 积玉桥"),  # ideographic space, runs
        ("a\tb\nc", "a b c"),
        (12.0, "12"),
        (3.5, "3.5"),
    ],
)
def test_text(raw, expected):
    assert N.text(raw) == expected


def test_name_drops_padding_inside_chinese_names_only():
    assert N.name("张　三") == "张三"
    assert N.name(" 李  四 ") == "李四"
    assert N.name("买买提·艾力") == "买买提·艾力"
    assert N.name("Li  Ming") == "Li Ming"


def test_code_drops_all_whitespace():
    assert N.code(" DC 001 ２ ") == "DC0012"
    assert N.code(1234567.0) == "1234567"


# ------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-08", D(2024, 1, 8)),
        ("2024/1/8", D(2024, 1, 8)),
        ("2024.1.8", D(2024, 1, 8)),
        ("2024年1月8日", D(2024, 1, 8)),
        ("2024年01月08号", D(2024, 1, 8)),
        ("20240108", D(2024, 1, 8)),
        ("２０２４－０１－０８", D(2024, 1, 8)),  # full-width
        ("2024-01-08 00:00:00", D(2024, 1, 8)),
        ("2024-1-8T13:45", D(2024, 1, 8)),
        ("45299", D(2024, 1, 8)),  # Excel serial as text
        (45299, D(2024, 1, 8)),
        (45299.0, D(2024, 1, 8)),
        (45299.75, D(2024, 1, 8)),  # serial with a time of day
        (61, D(1900, 3, 1)),  # after Excel's phantom 1900-02-29
        (59, D(1900, 2, 28)),
        (1, D(1900, 1, 1)),
        (20240108, D(2024, 1, 8)),
        (dt.datetime(2024, 1, 8, 9, 30), D(2024, 1, 8)),
        (D(2024, 1, 8), D(2024, 1, 8)),
        (Decimal("45299"), D(2024, 1, 8)),
    ],
)
def test_dates(raw, expected):
    assert N.parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2023-02-29",
        "2024-13-01",
        "2024/1-8",
        "1899-12-31",
        "2101-01-01",
        "2024",
        "240108",
        "1月8日",
        "yesterday",
        60,
        0,
        -5,
        True,
        "2024-01-08x",
        dt.time(12, 0),
    ],
)
def test_bad_dates(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_date(raw)
    assert exc.value.code == "bad_date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01", "2024-01"),
        ("2024/1", "2024-01"),
        ("2024.1", "2024-01"),
        ("2024年1月", "2024-01"),
        ("2024年1月份", "2024-01"),
        ("202401", "2024-01"),
        (202401, "2024-01"),
        ("2024-01-31", "2024-01"),
        (D(2024, 1, 31), "2024-01"),
        (45299.0, "2024-01"),  # an Excel date cell in a month column
    ],
)
def test_months(raw, expected):
    assert N.parse_month(raw) == expected


@pytest.mark.parametrize("raw", ["2024-13", "202400", "2024", "24-01", "一月"])
def test_bad_months(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_month(raw)
    assert exc.value.code == "bad_month"


# ------------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("1,234.50", 123450),
        ("¥1234.5", 123450),
        ("￥1234.5", 123450),  # full-width yen sign
        ("1234.50元", 123450),
        ("１２３４", 123400),
        ("0.01", 1),
        (".5", 50),
        ("-12.30", -1230),
        ("¥-12", -1200),
        ("1.500", 150),  # extra decimals allowed only when they are zeros
        (" 2 000.00 ", 200000),
        ("12,345,678.9", 1234567890),
        (1234, 123400),
        (1234.5, 123450),
        (0.1 + 0.2, 30),  # float noise within 10⁻⁶ 元 of a fen
        (1234.56, 123456),
        (Decimal("19.99"), 1999),
    ],
)
def test_money_is_exact_fen(raw, fen):
    value = N.parse_money(raw)
    assert value == fen and type(value) is int


@pytest.mark.parametrize(
    "raw",
    [
        "1.005",
        "12.345",
        "1,23.00",
        "1,2345",
        "12元5角",
        "1.5万",
        "-¥-1",
        "abc",
        "",
        "1e3",
        0.005,
        float("nan"),
        True,
    ],
)
def test_bad_money(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_money(raw)
    assert exc.value.code == "bad_money"


# ------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", 3),
        ("+3", 3),
        ("-3", -3),
        ("1,234", 1234),
        ("3.0", 3),
        ("３", 3),
        ("一级", 1),
        ("二级", 2),
        ("三级", 3),
        ("四级", 4),
        ("1级", 1),
        ("十级", 10),
        ("三", 3),
        (4.0, 4),
        (7, 7),
        (Decimal("5"), 5),
    ],
)
def test_integers(raw, expected):
    assert N.parse_integer(raw) == expected


@pytest.mark.parametrize("raw", ["3.5", "1,23", "three", "一级半", 3.5, True, ""])
def test_bad_integers(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_integer(raw)
    assert exc.value.code == "bad_integer"


def test_integer_beyond_bigint_is_out_of_range():
    with pytest.raises(N.Invalid) as exc:
        N.parse_integer("9" * 20)
    assert exc.value.code == "out_of_range"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.50", "12.50"),
        ("1,234.5", "1234.5"),
        ("-0.25", "-0.25"),
        ("007.5", "7.5"),
        (".5", "0.5"),
        ("-0.00", "0.00"),
        (3, "3"),
        (2.5, "2.5"),
        (Decimal("1.10"), "1.10"),
    ],
)
def test_decimals_keep_exact_text(raw, expected):
    assert N.parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["1e3", "1.2.3", "abc", "NaN", float("inf")])
def test_bad_decimals(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_decimal(raw)
    assert exc.value.code == "bad_decimal"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("有", True),
        ("无", False),
        (True, True),
        (0, False),
        (1.0, True),
    ],
)
def test_booleans(raw, expected):
    assert N.parse_boolean(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", 2, "是的"])
def test_bad_booleans(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_boolean(raw)
    assert exc.value.code == "bad_boolean"


# ------------------------------------------------------------------------------ phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("027-87654321", "027-87654321"),
        ("(027)87654321", "027-87654321"),
        ("02787654321", "027-87654321"),
        ("010-62345678", "010-62345678"),
        ("0710-3456789", "0710-3456789"),
        ("0710-34567890", "0710-34567890"),
    ],
)
def test_phones(raw, expected):
    assert N.parse_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "12812345678",
        "1381234567",
        "87654321",
        "027-0765432",
        "0710-123456",
        "138123456789",
        "call me",
    ],
)
def test_bad_phones_are_phone_invalid(raw):
    with pytest.raises(N.Invalid) as exc:
        N.parse_phone(raw)
    assert exc.value.code == "phone_invalid"


# ------------------------------------------------------------------------------ ID numbers

GOOD = idnumber.make("420106", D(1970, 1, 1), 123)  # 420106197001011232


def _with_check(first17: str) -> str:
    return first17 + idnumber.check_char(first17)


@pytest.mark.parametrize(
    ("raw", "number", "flags"),
    [
        (GOOD, GOOD, ()),
        (f" {GOOD[:6]} {GOOD[6:14]} {GOOD[14:]} ", GOOD, ()),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", ()),
        ("110105491231002", "11010519491231002X", ("id_upgraded_15",)),
        (_with_check("42999919700101123"), "429999197001011238", ("id_area_unknown",)),
        (GOOD[:17] + "3", None, ("id_check_digit",)),
        ("42010619700101123", None, ("id_format",)),
        ("abc", None, ("id_format",)),
        (_with_check("99010619700101123"), None, ("id_format",)),  # no such province
        (_with_check("42010619700230123"), None, ("id_birth_date",)),  # 30 February
        (_with_check("42010618990101123"), None, ("id_birth_date",)),  # before 1900
        (_with_check("42010621000101123"), None, ("id_birth_date",)),  # in the future
        ("", None, ("id_missing",)),
        (True, None, ("id_format",)),
        (420106197001011232.0, None, ("id_check_digit",)),  # an XLSX number: digits lost
    ],
)
def test_parse_id(raw, number, flags):
    assert N.parse_id(raw, today=D(2026, 1, 1)) == (number, flags)


def test_fast_id_agrees_with_the_general_parser():
    today = dt.date.today()
    samples = [
        GOOD,
        GOOD[:17] + "X",
        "11010519491231002X",
        "110105194912310021",
        _with_check("42999919700101123"),
        _with_check("42010620991231123"),
        "4201061970010112",
        "42010619700101123x",
        "٤٢٠١٠٦١٩٧٠٠١٠١١٢٣٢",
    ]
    for s in samples:
        fast = N.fast_id(s)
        if fast is not None:
            assert N.parse_id(s, today=today) == (fast, ())
    N._load_areas()
    assert N.fast_id(GOOD) == GOOD


def test_arrow_id_check_matches_python():
    today = dt.date.today()
    cells = [
        GOOD,
        GOOD[:17] + "0",
        "11010519491231002X",
        "110105491231002",
        _with_check("42999919700101123"),
        _with_check("42010619700230123"),
        "",
        "x" * 18,
        "４２０１０６１９７００１０１１２３２",
        _with_check("42010620991231123"),
        None,
    ]
    mask = V.arrow_valid_ids(pa.array(cells, pa.string()), today).to_pylist()
    N._load_areas()
    assert mask == [c is not None and N.fast_id(c) is not None for c in cells]
    assert mask[:3] == [True, False, True]


# ------------------------------------------------------------------------------ fast paths


def _field(type_, **kw):
    return Field(name="f", type=type_, label="字段", **kw)


@pytest.mark.parametrize(
    ("field", "cells"),
    [
        (_field("code", max_length=8), ["DB0001", "DB00000001", "DB 01", "x-1", "=1", "ＡＢ1"]),
        (_field("name"), ["王建国", "张　三", "ＡＢ", "Li", "@x", "ﬁ"]),
        (_field("string", max_length=3), ["abc", "abcd", "中文字", "中文字符", "+1", "a b"]),
        (_field("phone"), ["13812345678", "1381234567", "23812345678", "+8613812345678"]),
        (_field("money", min=0, max=100), ["12.34", "100", "100.01", "0012.5", "1.234", "-1"]),
        (_field("integer", min=1, max=4), ["1", "4", "5", "0", "007", "1.0"]),
        (_field("date"), ["2024-01-08", "2024-02-30", "1899-01-01", "2024-1-08"]),
    ],
)
def test_fast_paths_agree_with_general_normalisers(field, cells):
    fast = V._make_fast(field)
    check = V._make_check(field)
    for cell in cells:
        got = fast(cell)
        if got is V._MISS:
            continue
        assert got == check(cell), cell


def test_formula_detection():
    f = _field("string")
    check = V._make_check(f)
    for cell in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", " =1", "＝1"]:
        with pytest.raises(N.Invalid) as exc:
            check(cell)
        assert exc.value.code == "formula", cell
    assert check("a=b") == "a=b"


@pytest.mark.parametrize(
    ("field", "cells"),
    [
        (_field("code", max_length=6), ["DB0001", "DB00001", "db 1", "", "王1", "x-1", "=1"]),
        (_field("name"), ["Li", "王建国", "A1", " x", "@x"]),
        (_field("string"), ["abc123", "a b", "-1", "ＡＢ"]),
        (_field("phone"), ["13812345678", "1381234567", "12812345678", "+8613812345678", ""]),
    ],
)
def test_arrow_simple_cells_are_canonical(field, cells):
    """Cells the Arrow kernels pass through unchanged are exactly canonical already."""
    check = V._make_check(field)
    mask = V.Validator._simple(field, pa.array(cells, pa.string())).to_pylist()
    for cell, simple in zip(cells, mask, strict=True):
        if simple:
            assert check(cell) == cell, cell
    assert mask[0] is True
