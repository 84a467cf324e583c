"""Intake end to end: one test per bad input with its exact outcome, the lake's guarantees
(idempotence, snapshot replace, events append + dedupe, atomicity under SIGKILL)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from doudi.engine import idnumber
from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake import pipeline
from doudi.engine.intake.pipeline import ingest_file, ingest_records
from doudi.engine.intake.validate import FLAGS, REASONS
from doudi.engine.lake import Lake

COMMON = """
department = "测试局"
department_en = "Test bureau"
schedule = "monthly"
freshness_days = 45
legal_basis = "测试"
purpose = "测试"
retention = "测试"
"""

PEOPLE = (
    """
id = "t_people"
name = "测试人员"
name_en = "Test people"
semantics = "snapshot"
record_key = "rec_no"
"""
    + COMMON
    + """
[[fields]]
name = "rec_no"
type = "code"
label = "档案编号"
aliases = ["编号"]
required = true
max_length = 16

[[fields]]
name = "id_number"
type = "id_number"
label = "身份证号"
aliases = ["公民身份号码"]

[[fields]]
name = "name"
type = "name"
label = "姓名"

[[fields]]
name = "birth_date"
type = "date"
label = "出生日期"

[[fields]]
name = "phone"
type = "phone"
label = "联系电话"

[[fields]]
name = "category"
type = "enum"
label = "保障类别"
choices = ["城市低保", "农村低保"]
required = true

[[fields]]
name = "amount"
type = "money"
label = "金额"
min = 0
max = 100000

[[fields]]
name = "month"
type = "month"
label = "月份"

[[fields]]
name = "grade"
type = "integer"
label = "等级"
min = 1
max = 4

[[fields]]
name = "score"
type = "decimal"
label = "评分"

[[fields]]
name = "disabled"
type = "boolean"
label = "是否残疾"

[[fields]]
name = "note"
type = "string"
label = "备注"
max_length = 10
"""
)

EVENTS = (
    """
id = "t_events"
name = "测试事件"
name_en = "Test events"
semantics = "events"
record_key = "event_id"
person_level = false
"""
    + COMMON
    + """
[[fields]]
name = "event_id"
type = "code"
label = "事件编号"
required = true

[[fields]]
name = "amount"
type = "money"
label = "金额"

[[fields]]
name = "event_date"
type = "date"
label = "日期"
required = true
"""
)

BIG = (
    """
id = "t_big"
name = "大文件"
name_en = "Big file"
semantics = "snapshot"
record_key = "k"
person_level = false
"""
    + COMMON
    + """
[[fields]]
name = "k"
type = "code"
label = "编号"
required = true

[[fields]]
name = "who"
type = "string"
label = "名称"

[[fields]]
name = "amount"
type = "money"
label = "金额"

[[fields]]
name = "day"
type = "date"
label = "日期"
"""
)

CODES = (
    """
id = "t_codes"
name = "编码"
name_en = "Codes"
semantics = "snapshot"
record_key = "k"
person_level = false
"""
    + COMMON
    + """
[[fields]]
name = "k"
type = "code"
label = "编号"
required = true

[[fields]]
name = "ref"
type = "code"
label = "关联编号"
required = true
"""
)

HEADER = "档案编号,身份证号,姓名,出生日期,联系电话,保障类别,金额,月份,等级,评分,是否残疾,备注"
ID1 = idnumber.make("420106", dt.date(1970, 1, 1), 123)
ID2 = idnumber.make("420106", dt.date(1985, 6, 30), 456)
ID3 = idnumber.make("110105", dt.date(1949, 12, 31), 2)


def row(
    rec="R1",
    idn=ID1,
    name="王建国",
    birth="1970-01-01",
    phone="13812345678",
    cat="城市低保",
    amount='"1,234.50"',
    month="2024-01",
    grade="一级",
    score="12.5",
    disabled="是",
    note="",
):
    return ",".join(
        [rec, idn, name, birth, phone, cat, amount, month, grade, score, disabled, note]
    )


@pytest.fixture
def catalogue(tmp_path):
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for fid, text in (
        ("t_people", PEOPLE),
        ("t_events", EVENTS),
        ("t_big", BIG),
        ("t_codes", CODES),
    ):
        (folder / f"{fid}.toml").write_text(text, encoding="utf-8")
    return load_catalogue(folder)


@pytest.fixture
def lake(tmp_path):
    return Lake(tmp_path / "lake")


@pytest.fixture
def ingest(tmp_path, catalogue, lake):
    def run(name, content, *, encoding="utf-8", feed_id=None, **kw):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return ingest_file(path, lake=lake, catalogue=catalogue, feed_id=feed_id, **kw)

    return run


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def lake_rows(lake, feed, cols="*", order="_line"):
    con = lake.connect()
    try:
        return con.sql(f"SELECT {cols} FROM {feed} ORDER BY {order}").fetchall()
    finally:
        con.close()


def assert_failed(result, code):
    assert result.status == "failed", result
    assert result.error is not None and result.error.code == code, result.error
    assert result.rows_read == result.accepted == result.written == 0


# ------------------------------------------------------------------------------ the contract


def test_reason_codes_and_flags_are_the_contract():
    assert set(REASONS) == {
        "missing_required",
        "bad_date",
        "bad_month",
        "bad_money",
        "bad_integer",
        "bad_decimal",
        "bad_boolean",
        "out_of_range",
        "bad_choice",
        "too_long",
        "formula",
        "no_identity",
        "duplicate_key_conflict",
        "ragged_row",
        "bad_json",
    }
    assert set(FLAGS) == {
        "id_check_digit",
        "id_format",
        "id_birth_date",
        "id_missing",
        "id_upgraded_15",
        "id_area_unknown",
        "phone_invalid",
    }


# ------------------------------------------------------------------------------ good files


def test_valid_csv_lands_in_the_lake(ingest, lake):
    r = ingest(
        "t_people.csv",
        csv_text(
            row(),
            row(
                "R2",
                ID2,
                "李秀英",
                "1985/6/30",
                "027-87654321",
                "农村低保",
                "¥800",
                "2024年2月",
                "4",
                "-0.5",
                "否",
                "备注文字",
            ),
        ),
    )
    assert (r.status, r.rows_read, r.accepted, r.quarantined, r.written, r.duplicates) == (
        "ingested",
        2,
        2,
        0,
        2,
        0,
    )
    assert r.balanced and r.feed_id == "t_people" and r.encoding == "utf-8"
    assert lake_rows(lake, "t_people") == [
        (
            "R1",
            ID1,
            "王建国",
            dt.date(1970, 1, 1),
            "13812345678",
            "城市低保",
            123450,
            "2024-01",
            1,
            "12.5",
            True,
            None,
            None,
            None,
            2,
            None,
        ),
        (
            "R2",
            ID2,
            "李秀英",
            dt.date(1985, 6, 30),
            "027-87654321",
            "农村低保",
            80000,
            "2024-02",
            4,
            "-0.5",
            False,
            "备注文字",
            None,
            None,
            3,
            None,
        ),
    ]
    m = lake.manifest("t_people")
    assert m == {
        "feed": "t_people",
        "semantics": "snapshot",
        "current": r.content_hash,
        "deliveries": [{"hash": r.content_hash, "file": f"{r.content_hash}.parquet", "rows": 2}],
        "supplements": [],
    }


def test_lake_column_types(ingest, lake):
    ingest("t_people.csv", csv_text(row()))
    con = lake.connect()
    types = dict(con.sql("SELECT column_name, column_type FROM (DESCRIBE t_people)").fetchall())
    assert types == {
        "rec_no": "VARCHAR",
        "id_number": "VARCHAR",
        "name": "VARCHAR",
        "birth_date": "DATE",
        "phone": "VARCHAR",
        "category": "VARCHAR",
        "amount": "BIGINT",
        "month": "VARCHAR",
        "grade": "BIGINT",
        "score": "VARCHAR",
        "disabled": "BOOLEAN",
        "note": "VARCHAR",
        "id_number_raw": "VARCHAR",
        "id_flag": "VARCHAR",
        "_line": "BIGINT",
        "_sheet": "VARCHAR",
    }


def test_gbk_csv_is_read(ingest, lake):
    r = ingest("t_people.csv", csv_text(row(), row("R2", name="李秀英")), encoding="gbk")
    assert (r.status, r.encoding, r.accepted) == ("ingested", "gb18030", 2)
    assert [x[0] for x in lake_rows(lake, "t_people", "name")] == ["王建国", "李秀英"]


def test_python_and_arrow_csv_modes_give_the_same_lake(tmp_path, catalogue, monkeypatch):
    rows = [
        row(
            f"R{i}",
            [ID1, ID2, ID3, "bad", ""][i % 5],
            ["王", "张　三", "=x", "李"][i % 4],
            ["1970-01-01", "1970/1/1", "19700101", "1970-02-30"][i % 4],
            ["13812345678", "138", "", "027-87654321"][i % 4],
            ["城市低保", "农村低保", "x"][i % 3],
            ["1.5", "2", "3.456", "-1", "1,000"][i % 5],
            "2024-01",
            ["1", "二级", "9"][i % 3],
            "1.0",
            ["是", "N", "?"][i % 3],
            ["", "short", "much too long text"][i % 3],
        )
        for i in range(200)
    ]
    content = csv_text(*rows).encode()
    states = []
    for fast in (True, False):
        monkeypatch.setattr(pipeline, "open_reader", _reader_factory(fast))
        lake = Lake(tmp_path / f"lake{fast}")
        path = tmp_path / "t_people.csv"
        path.write_bytes(content)
        r = ingest_file(path, lake=lake, catalogue=catalogue)
        assert r.balanced
        states.append(
            (
                lake.state(),
                r.reasons,
                r.flagged,
                r.accepted,
                [(q.line, q.field, q.reason.code, q.raw) for q in r.quarantine],
            )
        )
    assert states[0] == states[1]


def _reader_factory(fast):
    from doudi.engine.intake.readers import open_reader
    from doudi.engine.intake.readers.csv_reader import CSVReader

    def factory(path, fmt, **kw):
        reader = open_reader(path, fmt, **kw)
        if isinstance(reader, CSVReader):
            reader.fast = fast
        return reader

    return factory


# ------------------------------------------------------------------------------ bad input


def test_unbalanced_quote(ingest, lake):
    rows = [row(f"R{i}", amount="12") for i in range(1, 5)]
    text = csv_text(rows[0], rows[1].replace("王建国", '"王建国'), rows[2], rows[3])
    r = ingest("t_people.csv", text)
    assert (r.status, r.rows_read, r.accepted, r.quarantined) == ("ingested", 4, 3, 1)
    (q,) = r.quarantine
    assert (q.line, q.reason.code, q.raw["档案编号"], q.raw["姓名"]) == (
        3,
        "ragged_row",
        "R2",
        "王建国,1970-01-01,13812345678,城市低保,12,2024-01,一级,12.5,是,",
    )
    assert [x[0] for x in lake_rows(lake, "t_people", "rec_no")] == ["R1", "R3", "R4"]


def test_ragged_rows(ingest, lake):
    text = csv_text(row("R1"), "R2,only,three", row("R3") + ",extra", row("R4") + ",,")
    r = ingest("t_people.csv", text)
    assert (r.rows_read, r.accepted, r.quarantined, r.reasons) == (4, 2, 2, {"ragged_row": 2})
    assert [q.line for q in r.quarantine] == [3, 4]
    assert r.quarantine[0].raw == {"档案编号": "R2", "身份证号": "only", "姓名": "three"}
    assert r.quarantine[1].raw["_col13"] == "extra"
    assert [x[0] for x in lake_rows(lake, "t_people", "rec_no")] == ["R1", "R4"]


def test_gbk_line_in_utf8_file(ingest, lake):
    data = csv_text(row("R1")).encode() + (row("R2", name="李秀英") + "\n").encode("gbk")
    r = ingest("t_people.csv", data)
    assert_failed(r, "bad_encoding")
    assert "第3行" in r.error.zh
    assert lake.state() == {}


def test_truncated_xlsx(ingest, tmp_path, lake):
    good = _xlsx(tmp_path / "g.xlsx", [HEADER.split(","), row().split(",")]).read_bytes()
    r = ingest("t_people.xlsx", good[: len(good) * 2 // 3])
    assert_failed(r, "unreadable")
    assert lake.state() == {}


def test_corrupt_xlsx(ingest, lake):
    r = ingest("t_people.xlsx", b"PK\x03\x04" + os.urandom(4000))
    assert_failed(r, "unreadable")


def test_xlsx_zip_bomb(ingest, tmp_path, lake):
    bomb = tmp_path / "bomb.xlsx"
    row_xml = b'<row><c t="inlineStr"><is><t>0000000000000000000000000000</t></is></c></row>'
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = row_xml * ((1 << 20) // len(row_xml))
            for _ in range(48):
                fh.write(block)
    assert bomb.stat().st_size < 1 << 20
    r = ingest("t_people.xlsx", bomb.read_bytes())
    assert_failed(r, "zip_bomb")
    assert lake.state() == {}


def test_file_over_the_size_limit(ingest, lake):
    r = ingest("t_people.csv", csv_text(row()), max_bytes=100)
    assert_failed(r, "too_large")
    assert lake.state() == {}


def test_empty_file(ingest):
    assert_failed(ingest("t_people.csv", b""), "empty_file")


def test_blank_lines_only(ingest):
    assert_failed(ingest("t_people.csv", "\n\n  \n"), "empty_file")


def test_header_only_file(ingest, lake):
    # a first snapshot with nobody in it replaces nothing: accepted, nothing written
    first = ingest("t_people.csv", HEADER + "\n")
    assert (first.status, first.rows_read, first.written, first.error) == ("ingested", 0, 0, None)
    assert lake.state() == {}
    ingest("t_people.csv", csv_text(row()))
    before = lake.state()
    r = ingest("t_people_2.csv", HEADER + "\n", feed_id="t_people")
    assert_failed(r, "no_rows")  # an empty snapshot would wipe the feed: refused
    assert "现行全量数据继续有效" in r.error.zh
    assert lake.state() == before


def test_header_only_event_file_means_no_new_events(ingest, lake):
    r = ingest("t_events.csv", "事件编号,金额,日期\n")
    assert (r.status, r.rows_read, r.accepted, r.written, r.error) == ("ingested", 0, 0, 0, None)
    assert lake.state() == {}


def test_unknown_headers_are_ignored_and_reported(ingest, lake):
    text = csv_text(
        "R1,王建国,1970-01-01,城市低保,x,y", header="编号,姓名,出生日期,保障类别,户籍地,Remarks "
    )
    r = ingest("t_people.csv", text)
    # a snapshot without its ID-number column is held, naming the headers it did not know
    assert (r.status, r.accepted, r.quarantined) == ("held", 1, 0)
    assert r.unknown_headers == ["户籍地", "Remarks"]
    assert r.hold is not None and r.hold.code == "missing_identity"
    assert "无法识别的列 “户籍地”、“Remarks”" in r.hold.zh
    assert lake.files("t_people") == []  # not in force
    assert lake.confirm("t_people", r.content_hash)
    assert lake_rows(lake, "t_people", "rec_no, id_flag") == [("R1", "id_missing")]


def test_missing_columns_are_named(ingest):
    r = ingest(
        "t_people.csv", csv_text("王建国,1970-01-01", header="姓名,出生日期"), feed_id="t_people"
    )
    assert_failed(r, "missing_columns")
    assert "档案编号（rec_no）" in r.error.zh and "保障类别（category）" in r.error.zh
    assert "rec_no" in r.error.en


def test_duplicate_columns(ingest):
    text = csv_text(row() + "," + ID2, header=HEADER + ",公民身份号码")
    assert_failed(ingest("t_people.csv", text), "duplicate_columns")


@pytest.mark.parametrize("cell", ["=1+1", "+1-1", "-2+3", "@SUM(A1)", "\t=1", '=HYPERLINK("x")'])
def test_formula_injection(ingest, lake, cell):
    quoted = '"' + cell.replace('"', '""') + '"'
    r = ingest("t_people.csv", csv_text(row("R1", note=quoted), row("R2")))
    assert (r.accepted, r.quarantined, r.reasons) == (1, 1, {"formula": 1})
    assert (r.quarantine[0].field, r.quarantine[0].raw["备注"]) == ("note", cell)
    assert [x[0] for x in lake_rows(lake, "t_people", "rec_no")] == ["R2"]


def test_negative_numbers_are_not_formulas(ingest, lake):
    r = ingest("t_people.csv", csv_text(row(score="-1.5")))
    assert (r.accepted, r.quarantined) == (1, 0)


def test_every_reason_code(ingest, lake):
    rows = [
        row("R01"),  # good
        row(
            "",
        ),  # missing_required (rec_no)
        row("R03", birth="1970-02-30"),  # bad_date
        row("R04", month="2024-13"),  # bad_month
        row("R05", amount="12.345"),  # bad_money
        row("R06", grade="1.5"),  # bad_integer
        row("R07", score="1e3"),  # bad_decimal
        row("R08", disabled="maybe"),  # bad_boolean
        row("R09", grade="5"),  # out_of_range
        row("R10", amount="-1"),  # out_of_range
        row("R11", cat="城镇低保"),  # bad_choice
        row("R12", note="一二三四五六七八九十一"),  # too_long
        row("R13", name="@cmd"),  # formula
        row("R14", idn="", phone="", birth=""),  # no_identity
        row("R15", idn="bad", phone="138", birth=""),  # no_identity (the bad phone is dropped)
        row("R01", name="王二"),  # duplicate_key_conflict
        row("R01"),  # exact duplicate: accepted, not written
        row("R18", cat=""),  # missing_required (category)
    ]
    r = ingest("t_people.csv", csv_text(*rows) + "R19,too,few\n")
    assert r.reasons == {
        "missing_required": 2,
        "bad_date": 1,
        "bad_month": 1,
        "bad_money": 1,
        "bad_integer": 1,
        "bad_decimal": 1,
        "bad_boolean": 1,
        "out_of_range": 2,
        "bad_choice": 1,
        "too_long": 1,
        "formula": 1,
        "no_identity": 2,
        "duplicate_key_conflict": 1,
        "ragged_row": 1,
    }
    assert (r.rows_read, r.accepted, r.quarantined, r.written, r.duplicates) == (19, 2, 17, 1, 1)
    assert r.balanced
    got = {(q.line, q.field, q.reason.code) for q in r.quarantine}
    assert (3, "rec_no", "missing_required") in got and (
        17,
        "rec_no",
        "duplicate_key_conflict",
    ) in got
    assert (11, "amount", "out_of_range") in got and (15, None, "no_identity") in got
    assert lake_rows(lake, "t_people", "rec_no, name") == [("R01", "王建国")]
    assert r.quarantine[0].reason.zh.startswith("档案编号：") and r.quarantine[0].reason.en


def test_bad_json_lines(ingest, lake):
    good = {
        "档案编号": "R1",
        "身份证号": ID1,
        "姓名": "王建国",
        "保障类别": "城市低保",
        "金额": 1234.5,
        "等级": 2,
    }
    text = json.dumps(good, ensure_ascii=False) + "\n{oops\n[1]\n"
    r = ingest("t_people.jsonl", text)
    assert (r.rows_read, r.accepted, r.quarantined, r.reasons) == (3, 1, 2, {"bad_json": 2})
    assert [q.line for q in r.quarantine] == [2, 3]
    assert lake_rows(lake, "t_people", "rec_no, amount, grade") == [("R1", 123450, 2)]


def test_id_problems_keep_the_row_with_flags(ingest, lake):
    area_unknown = "429999197001011238"
    rows = [
        row("R1", ID1[:17] + ("0" if ID1[17] != "0" else "1")),  # id_check_digit
        row("R2", "4201061970"),  # id_format
        row("R3", "420106197002301234"),  # id_birth_date
        row("R4", ""),  # id_missing
        row("R5", "110105491231002"),  # id_upgraded_15
        row("R6", area_unknown),  # id_area_unknown
        row("R7", phone="12345"),  # phone_invalid
    ]
    r = ingest("t_people.csv", csv_text(*rows))
    assert (r.accepted, r.quarantined) == (7, 0)
    assert r.flagged == {
        "id_area_unknown": 1,
        "id_birth_date": 1,
        "id_check_digit": 1,
        "id_format": 1,
        "id_missing": 1,
        "id_upgraded_15": 1,
        "phone_invalid": 1,
    }
    got = lake_rows(lake, "t_people", "rec_no, id_number, id_number_raw, id_flag, phone")
    assert got == [
        ("R1", None, rows[0].split(",")[1], "id_check_digit", "13812345678"),
        ("R2", None, "4201061970", "id_format", "13812345678"),
        ("R3", None, "420106197002301234", "id_birth_date", "13812345678"),
        ("R4", None, None, "id_missing", "13812345678"),
        ("R5", "11010519491231002X", "110105491231002", "id_upgraded_15", "13812345678"),
        ("R6", area_unknown, None, "id_area_unknown", "13812345678"),
        ("R7", ID1, None, None, None),
    ]


def test_exact_duplicates_are_written_once(ingest, lake):
    r = ingest(
        "t_people.csv",
        csv_text(row("R1"), row("R2"), row("R1"), row("R1").replace('"1,234.50"', "1234.5")),
    )
    assert (r.rows_read, r.accepted, r.written, r.duplicates, r.quarantined) == (4, 4, 2, 2, 0)
    assert lake_rows(lake, "t_people", "rec_no, _line") == [("R1", 2), ("R2", 3)]


def test_bad_cells_in_the_batch_that_turns_the_cache_off(ingest, lake):
    # 6,000 distinct amounts (the cache is switched off after this batch) with 7 bad ones
    # and 5 empty categories: every one must still be quarantined.
    rows = [
        row(
            f"R{i}",
            amount="1.005" if i % 900 == 0 else f"{i}.{i % 100:02d}",
            cat="" if i % 1300 == 1 else "城市低保",
        )
        for i in range(6000)
    ]
    r = ingest("t_people.csv", csv_text(*rows))
    assert r.reasons == {"bad_money": 7, "missing_required": 5}
    assert (r.accepted, r.written) == (5988, 5988)


def test_all_rows_quarantined_writes_nothing(ingest, lake):
    ingest("t_people.csv", csv_text(row("R1")))
    before = lake.state()
    r = ingest("t_people.csv", csv_text(row("R1", cat="x"), row("R2", cat="y")))
    assert (r.status, r.accepted, r.quarantined, r.written) == ("ingested", 0, 2, 0)
    assert lake.state() == before


# ------------------------------------------------------------------------------ other formats


def _xlsx(path, *sheets, names=None):
    wb = xlsxwriter.Workbook(path)
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for k, rows in enumerate(sheets):
        ws = wb.add_worksheet(names[k] if names else None)
        for r_, values in enumerate(rows):
            for c, v in enumerate(values):
                if isinstance(v, dt.date):
                    ws.write_datetime(r_, c, dt.datetime(v.year, v.month, v.day), fmt)
                elif v is not None and v != "":
                    ws.write(r_, c, v)
    wb.close()
    return path


def test_xlsx_sheets_dates_and_serials(ingest, tmp_path, lake):
    header = HEADER.split(",")
    p = _xlsx(
        tmp_path / "x.xlsx",
        [["填表说明：请勿修改"]],
        [
            ["某区低保名单"],
            header,
            [
                "R1",
                ID1,
                "王建国",
                dt.date(1970, 1, 1),
                13812345678,
                "城市低保",
                1234.5,
                "2024-01",
                1,
                2.5,
                "是",
                "",
            ],
            [
                "R2",
                ID2,
                "李秀英",
                31228,
                "",
                "农村低保",
                800,
                dt.date(2024, 2, 1),
                "二级",
                "",
                False,
                "",
            ],
        ],
        [header, [1003, ID3, "赵六", "1949-12-31", "", "城市低保", "12", "202403", 3, "", "", ""]],
        names=["说明", "一月", "二月"],
    )
    r = ingest("t_people.xlsx", p.read_bytes())
    assert (r.status, r.rows_read, r.accepted) == ("ingested", 3, 3), r.quarantine
    assert r.skipped_sheets == ["说明"]
    assert lake_rows(
        lake,
        "t_people",
        "rec_no, birth_date, phone, amount, month, grade, score, disabled, _sheet, _line",
        order="_sheet <> '一月', _line",
    ) == [
        ("R1", dt.date(1970, 1, 1), "13812345678", 123450, "2024-01", 1, "2.5", True, "一月", 3),
        ("R2", dt.date(1985, 6, 30), None, 80000, "2024-02", 2, None, False, "一月", 4),
        ("1003", dt.date(1949, 12, 31), None, 1200, "2024-03", 3, None, None, "二月", 2),
    ]


def test_parquet_delivery(ingest, tmp_path, lake):
    table = pa.table(
        {
            "档案编号": ["R1", "R2"],
            "身份证号": [ID1, None],
            "姓名": ["王建国", "李秀英"],
            "出生日期": pa.array([dt.date(1970, 1, 1), dt.date(1985, 6, 30)], pa.date32()),
            "保障类别": ["城市低保", "农村低保"],
            "金额": pa.array([1234.5, 10.0]),
            "等级": pa.array([1, 4], pa.int32()),
            "是否残疾": [True, None],
        }
    )
    p = tmp_path / "x.parquet"
    pq.write_table(table, p)
    r = ingest("t_people.parquet", p.read_bytes())
    assert (r.status, r.accepted, r.flagged) == ("ingested", 2, {"id_missing": 1})
    assert lake_rows(
        lake, "t_people", "rec_no, id_number, birth_date, amount, grade, disabled"
    ) == [
        ("R1", ID1, dt.date(1970, 1, 1), 123450, 1, True),
        ("R2", None, dt.date(1985, 6, 30), 1000, 4, None),
    ]


def test_parquet_nulls_in_a_column_without_cache(ingest, tmp_path, lake):
    n = 25_000
    refs = [f"X{i}" for i in range(n)]
    refs[15_000] = refs[24_000] = None  # unique values: no cache after the first batch
    table = pa.table({"编号": [f"K{i}" for i in range(n)], "关联编号": refs})
    p = tmp_path / "x.parquet"
    pq.write_table(table, p)
    r = ingest("t_codes.parquet", p.read_bytes())
    assert (r.accepted, r.reasons) == (n - 2, {"missing_required": 2})
    assert [(q.line, q.field) for q in r.quarantine] == [(15_001, "ref"), (24_001, "ref")]


def test_pushed_records(catalogue, lake):
    records = [
        {"档案编号": "R1", "身份证号": ID1, "姓名": "王建国", "保障类别": "城市低保"},
        {"rec_no": "R2", "id_number": ID2, "category": "农村低保", "amount": "12.5"},
        "not an object",
    ]
    r = ingest_records(records, feed_id="t_people", lake=lake, catalogue=catalogue)
    assert (r.source, r.status, r.accepted, r.quarantined, r.reasons) == (
        "push:t_people",
        "ingested",
        2,
        1,
        {"bad_json": 1},
    )
    again = ingest_records(list(records), feed_id="t_people", lake=lake, catalogue=catalogue)
    assert (again.status, again.content_hash) == ("duplicate", r.content_hash)
    assert (
        ingest_records([], feed_id="t_people", lake=lake, catalogue=catalogue).error.code
        == "empty_file"
    )
    assert (
        ingest_records(records, feed_id="nope", lake=lake, catalogue=catalogue).error.code
        == "unknown_feed"
    )


# ------------------------------------------------------------------------------ feed resolution


def test_feed_from_parent_folder_prefix_or_header(tmp_path, catalogue, lake):
    text = csv_text(row()).encode()
    folder = tmp_path / "t_people"
    folder.mkdir()
    (folder / "export.csv").write_bytes(text)
    assert ingest_file(folder / "export.csv", lake=lake, catalogue=catalogue).feed_id == "t_people"
    (tmp_path / "t_people_2024-01.csv").write_bytes(text + b"\n")
    r = ingest_file(tmp_path / "t_people_2024-01.csv", lake=lake, catalogue=catalogue)
    assert r.feed_id == "t_people"
    (tmp_path / "export.csv").write_bytes(text + b"\n\n")
    r = ingest_file(tmp_path / "export.csv", lake=lake, catalogue=catalogue)
    assert r.feed_id == "t_people"
    (tmp_path / "other.csv").write_bytes(b"a,b\n1,2\n")
    assert_failed(
        ingest_file(tmp_path / "other.csv", lake=lake, catalogue=catalogue), "unknown_feed"
    )


def test_unsupported_type(ingest):
    assert_failed(ingest("t_people.docx", b"PK..."), "unsupported_type")


# ------------------------------------------------------------------------------ lake semantics


def test_same_file_twice_is_a_duplicate(ingest, lake):
    text = csv_text(row("R1"), row("R2"))
    first = ingest("t_people.csv", text)
    state = lake.state()
    second = ingest("t_people.csv", text)
    assert (first.status, second.status) == ("ingested", "duplicate")
    assert second.content_hash == first.content_hash and second.balanced
    assert lake.state() == state


def test_snapshot_replaces(ingest, lake):
    a = ingest("t_people.csv", csv_text(row("R1"), row("R2")))
    b = ingest("t_people.csv", csv_text(row("R2"), row("R3")))
    assert [x[0] for x in lake_rows(lake, "t_people", "rec_no")] == ["R2", "R3"]
    m = lake.manifest("t_people")
    assert m["current"] == b.content_hash
    assert [d["hash"] for d in m["deliveries"]] == [a.content_hash, b.content_hash]


def test_events_append_and_dedupe(ingest, lake):
    head = "事件编号,金额,日期"
    a = ingest("t_events.csv", csv_text("E1,1,2024-01-01", "E2,2,2024-01-02", header=head))
    b = ingest(
        "t_events.csv",
        csv_text("E2,2,2024-01-02", "E3,3,2024-01-03", "E2,9,2024-01-09", header=head),
    )
    assert (a.written, a.duplicates) == (2, 0)
    # E2 is already in the lake (dropped, counted); the second E2 conflicts within the delivery
    assert (b.rows_read, b.accepted, b.quarantined, b.written, b.duplicates) == (3, 2, 1, 1, 1)
    assert b.reasons == {"duplicate_key_conflict": 1} and b.balanced
    assert lake_rows(lake, "t_events", "event_id, amount", order="event_id") == [
        ("E1", 100),
        ("E2", 200),
        ("E3", 300),
    ]
    m = lake.manifest("t_events")
    assert m["current"] is None and [d["rows"] for d in m["deliveries"]] == [2, 1]
    c = ingest("t_events.csv", csv_text("E1,5,2024-01-05", header=head))
    assert (c.accepted, c.written, c.duplicates) == (1, 0, 1)
    assert [d["rows"] for d in lake.manifest("t_events")["deliveries"]] == [2, 1, 0]


def test_failed_file_leaves_the_lake_as_it_was(ingest, lake, monkeypatch):
    ingest("t_people.csv", csv_text(row("R1")))
    before = lake.state()
    import doudi.engine.lake as lake_mod

    real = lake_mod.os.replace

    def crash_on_manifest(src, dst):
        if str(dst).endswith("_manifest.json"):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(lake_mod.os, "replace", crash_on_manifest)
    r = ingest("t_people.csv", csv_text(row("R2")))
    monkeypatch.undo()
    assert_failed(r, "internal_error")
    assert lake.state() == before


def test_empty_typed_view_with_catalogue(catalogue, lake):
    con = lake.connect(catalogue)
    assert con.execute("SELECT count(*) FROM t_events").fetchone() == (0,)


def test_progress_every_10000_rows(ingest):
    seen = []
    rows = "".join(f"K{i},x,{i},2024-01-01\n" for i in range(25_000))
    r = ingest("t_big.csv", "编号,名称,金额,日期\n" + rows, progress=seen.append)
    assert r.accepted == 25_000
    assert seen == [10_000, 20_000]


# ------------------------------------------------------------------------------ SIGKILL


def _big_csv(path, n):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("编号,名称,金额,日期\n")
        for start in range(0, n, 10_000):
            fh.write(
                "".join(
                    f"K{i:07d},名称{i % 977},{i % 5000}.{i % 100:02d},2024-01-{1 + i % 28:02d}\n"
                    for i in range(start, min(n, start + 10_000))
                )
            )


def test_sigkill_mid_write_then_resume_equals_uninterrupted(tmp_path, catalogue):
    folder = tmp_path / "catalogue"
    csv_path = tmp_path / "t_big.csv"
    _big_csv(csv_path, 300_000)
    killed = Lake(tmp_path / "killed")
    script = textwrap.dedent(f"""
        from doudi.engine.catalogue import load_catalogue
        from doudi.engine.intake.pipeline import ingest_file
        from doudi.engine.lake import Lake
        ingest_file({str(csv_path)!r}, lake=Lake({str(killed.root)!r}),
                    catalogue=load_catalogue({str(folder)!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    feed_dir = killed.root / "t_big"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if feed_dir.is_dir() and any(p.name.startswith(".tmp-") for p in feed_dir.iterdir()):
                break
            if proc.poll() is not None:
                pytest.fail("the ingest finished before it could be killed")
            time.sleep(0.005)
        else:
            pytest.fail("no temporary Parquet file appeared")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (feed_dir / "_manifest.json").exists()  # killed before the commit point
    assert any(p.name.startswith(".tmp-") for p in feed_dir.iterdir())

    resumed = ingest_file(csv_path, lake=killed, catalogue=catalogue)
    fresh_lake = Lake(tmp_path / "fresh")
    fresh = ingest_file(csv_path, lake=fresh_lake, catalogue=catalogue)
    assert resumed.status == fresh.status == "ingested"
    assert resumed.written == fresh.written == 300_000
    assert killed.state() == fresh_lake.state()
    assert not any(p.name.startswith(".tmp-") for p in feed_dir.iterdir())
