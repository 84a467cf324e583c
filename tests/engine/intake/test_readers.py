"""Streaming readers: encodings, CSV quirks, XLSX sheets and guards, JSON Lines, Parquet."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from doudi.engine.intake.readers.base import IntakeError, XlsxLimits, detect_format
from doudi.engine.intake.readers.csv_reader import CSVReader, scan_encoding
from doudi.engine.intake.readers.json_reader import JSONLReader, iter_records
from doudi.engine.intake.readers.parquet_reader import ParquetReader
from doudi.engine.intake.readers.xlsx_reader import XLSXReader, check_zip

HEADER = "编号,姓名,金额"


def _score(cells):
    return sum(c in ("编号", "姓名", "金额") for c in cells)


def rows_of(reader):
    """[(line, sheet, {header: cell})] and [(line, code)] of problems, over all batches."""
    rows, problems = [], []
    for batch in reader:
        for (line, sheet), row in batch:
            rows.append(
                (line, sheet, {k: (v if isinstance(v, str) else v) for k, v in row.items()})
            )
        problems += [(p.line, p.code) for p in batch.problems]
    return rows, problems


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ------------------------------------------------------------------------------ formats


def test_detect_format():
    assert detect_format("a/b/x.CSV") == "csv"
    assert detect_format("x.tsv") == "csv"
    assert detect_format("x.xlsx") == "xlsx"
    assert detect_format("x.jsonl") == "jsonl"
    assert detect_format("x.parquet") == "parquet"
    assert detect_format("x.docx") is None


# ------------------------------------------------------------------------------ CSV encodings


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_csv_encodings(tmp_path, encoding, bom, expected, fast):
    text = f"{HEADER}\nA1,王建国,12.5\nA2,李秀英,3\n"
    p = write(tmp_path, "x.csv", bom + text.encode(encoding))
    reader = CSVReader(p, header_score=_score, fast=fast)
    rows, problems = rows_of(reader)
    assert reader.encoding == expected
    assert rows == [
        (2, None, {"编号": "A1", "姓名": "王建国", "金额": "12.5"}),
        (3, None, {"编号": "A2", "姓名": "李秀英", "金额": "3"}),
    ]
    assert problems == []


def test_gbk_after_ascii_lines_switches_without_restart(tmp_path):
    text = "id,name\n" + "".join(f"{i},x{i}\n" for i in range(50)) + "51,王五\n"
    p = write(tmp_path, "x.csv", text.encode("gbk"))
    rows, _ = rows_of(CSVReader(p))
    assert rows[-1] == (52, None, {"id": "51", "name": "王五"})


def test_utf8_file_with_a_gbk_line_is_refused_naming_the_line(tmp_path):
    data = f"{HEADER}\nA1,王建国,1\n".encode() + "A2,李秀英,2\n".encode("gbk") + b"A3,x,3\n"
    p = write(tmp_path, "x.csv", data)
    with pytest.raises(IntakeError) as exc:
        rows_of(CSVReader(p, header_score=_score))
    assert exc.value.reason.code == "bad_encoding"
    assert "第3行" in exc.value.reason.zh and "line 3" in exc.value.reason.en


def test_gbk_file_with_a_utf8_line_is_refused(tmp_path):
    data = f"{HEADER}\nA1,王建国,1\n".encode("gbk") + "A2,李秀英,2\n".encode()
    p = write(tmp_path, "x.csv", data)
    with pytest.raises(IntakeError) as exc:
        scan_encoding(p)
    assert exc.value.reason.code == "bad_encoding" and "line 3" in exc.value.reason.en


def test_gbk_line_that_is_also_valid_utf8_is_read_as_gbk(tmp_path):
    # 姚倩莹 in GBK (d2a6 d9bb d3a8) is valid UTF-8 too (ҦٻӨ): it is not a UTF-8 line in a
    # GBK file. A provident-fund export was refused whole over one such name.
    assert "姚倩莹".encode("gbk").decode("utf-8") == "ҦٻӨ"
    data = f"{HEADER}\nA1,王建国,1\nA2,姚倩莹,2\n".encode("gbk")
    p = write(tmp_path, "x.csv", data)
    assert scan_encoding(p)[0] == "gb18030"
    rows, problems = rows_of(CSVReader(p, header_score=_score))
    assert [r[2]["姓名"] for r in rows] == ["王建国", "姚倩莹"]
    assert problems == []


def test_binary_garbage_is_bad_encoding(tmp_path):
    p = write(tmp_path, "x.csv", b"id,name\n1,\xff\xfe\xfa\n")
    with pytest.raises(IntakeError) as exc:
        rows_of(CSVReader(p))
    assert exc.value.reason.code == "bad_encoding"


# ------------------------------------------------------------------------------ CSV quirks


@pytest.mark.parametrize("fast", [True, False])
def test_csv_quirks(tmp_path, fast):
    data = (
        "某区数据导出（2024年1月）\n"  # a title row above the header
        f"{HEADER}\r\n"
        'A1,"王建国",1\r\n'
        'A2,"多行\n地址",2\r\n'  # a quoted value with a newline
        "\r\n"  # a blank line
        "A3,李,3,,\r\n"  # stray trailing delimiters: accepted
        "A4,only two\r\n"  # ragged
        'A5,"q""uote",5\r\n'
        ",,\r\n"  # all cells empty: skipped like a blank line
        "A6,赵,6\r\n"
    )
    p = write(tmp_path, "x.csv", data.encode())
    reader = CSVReader(p, header_score=_score, fast=fast)
    rows, problems = rows_of(reader)
    assert reader.header_line == 2
    assert [(r[0], r[2]["编号"], r[2]["姓名"]) for r in rows] == [
        (3, "A1", "王建国"),
        (4, "A2", "多行\n地址"),
        (7, "A3", "李"),
        (9, "A5", 'q"uote'),
        (11, "A6", "赵"),
    ]
    assert problems == [(8, "ragged_row")]


@pytest.mark.parametrize("fast", [True, False])
def test_unbalanced_quote_quarantines_one_line_and_keeps_the_rest(tmp_path, fast):
    data = f'{HEADER}\nA1,x,1\nA2,"unclosed,2\nA3,y,3\nA4,z,4\n'
    p = write(tmp_path, "x.csv", data.encode())
    rows, problems = rows_of(CSVReader(p, header_score=_score, fast=fast))
    assert [(r[0], r[2]["编号"]) for r in rows] == [(2, "A1"), (4, "A3"), (5, "A4")]
    assert problems == [(3, "ragged_row")]


def test_unbalanced_quote_that_looks_like_a_multiline_value(tmp_path):
    # The stray quote pairs with a later quote: the "record" has the right cell count but
    # spans lines with an odd number of quotes — quarantined, the lines read again.
    data = f'{HEADER}\nA1,"x,1\nA2,y,2\nA3,"z",3\n'
    p = write(tmp_path, "x.csv", data.encode())
    rows, problems = rows_of(CSVReader(p, header_score=_score))
    assert (2, "ragged_row") in problems
    assert [r[2]["编号"] for r in rows][-2:] == ["A2", "A3"]


def test_tab_separated(tmp_path):
    p = write(tmp_path, "x.tsv", "编号\t姓名\t金额\nA1\t王\t1\n".encode())
    rows, _ = rows_of(CSVReader(p, header_score=_score))
    assert rows == [(2, None, {"编号": "A1", "姓名": "王", "金额": "1"})]


def test_header_only_yields_an_empty_batch(tmp_path):
    p = write(tmp_path, "x.csv", f"{HEADER}\n".encode())
    batches = list(CSVReader(p, header_score=_score))
    assert len(batches) == 1 and len(batches[0]) == 0
    assert batches[0].header == ("编号", "姓名", "金额")


def test_large_csv_is_batched_with_exact_lines(tmp_path):
    n = 25_000
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "\n" + "".join(f"A{i},n{i},{i}\n" for i in range(n)), encoding="utf-8")
    reader = CSVReader(p, header_score=_score, batch_size=10_000)
    total, last = 0, None
    for batch in reader:
        total += len(batch)
        if len(batch):
            last = batch.lines[-1]
    assert total == n and last == n + 1
    assert reader.mode == "fast"


# ------------------------------------------------------------------------------ XLSX


def _xlsx(path, sheets: dict[str, list[list]]):
    wb = xlsxwriter.Workbook(path)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif v is not None:
                    ws.write(r, c, v)
    wb.close()
    return path


def test_xlsx_sheets_title_rows_and_typed_cells(tmp_path):
    p = _xlsx(
        tmp_path / "x.xlsx",
        {
            "说明": [["本表由残联导出"], ["请勿修改表头"]],
            "一月": [
                ["一月名单"],
                ["编号", "姓名", "金额"],
                ["A1", "王", 12.5],
                ["A2", "李", dt.date(2024, 1, 8)],
                [None, None, None],
                [1001, "赵", 3],
            ],
            "二月": [["编号", "姓名", "金额"], ["B1", "钱", 45299]],
        },
    )
    reader = XLSXReader(p, header_score=_score)
    rows, problems = rows_of(reader)
    assert reader.sheets == ["一月", "二月"] and reader.skipped_sheets == ["说明"]
    assert rows == [
        (3, "一月", {"编号": "A1", "姓名": "王", "金额": 12.5}),
        (4, "一月", {"编号": "A2", "姓名": "李", "金额": dt.date(2024, 1, 8)}),
        (6, "一月", {"编号": 1001.0, "姓名": "赵", "金额": 3.0}),
        (2, "二月", {"编号": "B1", "姓名": "钱", "金额": 45299.0}),
    ]
    assert problems == []


def test_xlsx_without_a_matching_sheet_yields_the_best_header(tmp_path):
    p = _xlsx(tmp_path / "x.xlsx", {"a": [["foo", "bar"], [1, 2]]})
    batches = list(XLSXReader(p, header_score=_score))
    assert len(batches) == 1 and len(batches[0]) == 0


def test_truncated_xlsx_is_unreadable(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", {"s": [["编号", "姓名"], ["A1", "王"]]}).read_bytes()
    p = write(tmp_path, "t.xlsx", good[: len(good) // 2])
    with pytest.raises(IntakeError) as exc:
        list(XLSXReader(p))
    assert exc.value.reason.code == "unreadable"


def test_corrupt_xlsx_is_unreadable(tmp_path):
    p = write(tmp_path, "c.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100)
    with pytest.raises(IntakeError) as exc:
        list(XLSXReader(p))
    assert exc.value.reason.code == "unreadable"


def test_zip_that_is_not_a_workbook_is_unreadable(tmp_path):
    p = tmp_path / "z.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    with pytest.raises(IntakeError) as exc:
        list(XLSXReader(p))
    assert exc.value.reason.code == "unreadable"


def test_entry_with_a_bad_crc_is_unreadable(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", {"s": [["编号", "姓名"], ["A1", "王" * 200]]})
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    # flip a byte inside the compressed data of the sheet
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    data[start] ^= 0xFF
    p = write(tmp_path, "crc.xlsx", bytes(data))
    with pytest.raises(IntakeError) as exc:
        check_zip(p, XlsxLimits())
    assert exc.value.reason.code == "unreadable"


def _bomb(path, mib: int):
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            block = row * ((1 << 20) // len(row))
            for _ in range(mib):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def test_zip_bomb_by_ratio(tmp_path):
    p = _bomb(tmp_path / "bomb.xlsx", 64)
    assert p.stat().st_size < 2 << 20
    with pytest.raises(IntakeError) as exc:
        check_zip(p, XlsxLimits())
    assert exc.value.reason.code == "zip_bomb"


def test_zip_bomb_by_total_size(tmp_path):
    p = _bomb(tmp_path / "bomb.xlsx", 8)
    with pytest.raises(IntakeError) as exc:
        check_zip(p, XlsxLimits(max_uncompressed=4 << 20))
    assert exc.value.reason.code == "zip_bomb"


# ------------------------------------------------------------------------------ JSON, Parquet


def test_jsonl_bad_lines_are_problems(tmp_path):
    data = (
        '{"编号": "A1", "姓名": "王", "金额": 1.5}\n'
        "\n"
        '{"编号": "A2", "姓名": \n'
        "[1, 2]\n"
        '{"编号": "A3", "extra": {"k": 1}}\n'
    ).encode()
    rows, problems = rows_of(JSONLReader(write(tmp_path, "x.jsonl", data)))
    assert [(r[0], r[2]["编号"]) for r in rows] == [(1, "A1"), (5, "A3")]
    assert rows[1][2]["extra"] == '{"k": 1}'
    assert problems == [(3, "bad_json"), (4, "bad_json")]


def test_pushed_records():
    rows, problems = rows_of(iter_records([{"a": 1}, "nope", {"a": 2, "b": None}]))
    assert rows == [(1, None, {"a": 1, "b": None}), (3, None, {"a": 2, "b": None})]
    assert problems == [(2, "bad_json")]


def test_parquet_by_row_groups(tmp_path):
    table = pa.table(
        {
            "编号": ["A1", "A2", "A3"],
            "金额": [1.5, None, 3.0],
            "日期": pa.array([dt.date(2024, 1, 8)] * 3, pa.date32()),
        }
    )
    p = tmp_path / "x.parquet"
    pq.write_table(table, p, row_group_size=2)
    reader = ParquetReader(p, batch_size=2)
    batches = list(reader)
    assert [len(b) for b in batches] == [2, 1]
    rows, _ = rows_of(ParquetReader(p))
    assert rows[1] == (2, None, {"编号": "A2", "金额": None, "日期": dt.date(2024, 1, 8)})


def test_corrupt_parquet_is_unreadable(tmp_path):
    p = write(tmp_path, "x.parquet", b"PAR1 not really PAR1")
    with pytest.raises(IntakeError) as exc:
        list(ParquetReader(p))
    assert exc.value.reason.code == "unreadable"
