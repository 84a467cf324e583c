"""Files as departments deliver them: their own headers (from the catalogue's accepted ones),
date / money / phone styles that differ by office, CSV in UTF-8 or GBK, XLSX, JSON Lines and
Parquet. Returns each written table (with its hidden columns) for the truth files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from doudi.engine.catalogue import load_catalogue

from .xlsx import write_strings, write_xlsx

REGISTER_HEADERS = {
    "person_no": "人员编号",
    "hukou_no": "户号",
    "name": "姓名",
    "id_number": "公民身份号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "address": "住址",
    "community_code": "社区代码",
    "community_name": "社区名称",
    "street_name": "街道名称",
    "phone": "联系电话",
}
PLATFORM_FEEDS = ("yibao_outpatient", "yibao_enrolment")
_CN_GRADE = "一二三四"


def catalogue():
    return load_catalogue()


def _headers(rng, feed, columns) -> dict[str, str]:
    out = {}
    for f in feed.fields:
        if f.name not in columns:
            continue
        if feed.id == "gongan_hukou":
            out[f.name] = REGISTER_HEADERS[f.name]
            continue
        chinese = [a for a in (f.label, *f.aliases) if not a.isascii()]
        ascii_ = [a for a in f.aliases if a.isascii()]
        if feed.id in PLATFORM_FEEDS and (ascii_ or f.name.isascii()):
            out[f.name] = ascii_[0] if ascii_ else f.name
        elif chinese:
            out[f.name] = (
                f.label if rng.random() < 0.5 else chinese[int(rng.random() * len(chinese))]
            )
        else:
            out[f.name] = f.name
    return out


def _str(a) -> pa.Array:
    return pc.cast(a, pa.string())


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _yuan(values) -> pa.Array:
    """Integer fen → float 元 (exact to the fen in its shortest form), nulls kept."""
    v = pd.array(values, dtype="Int64")
    mask = np.asarray(v.isna())
    x = np.asarray(v.fillna(0), dtype=np.int64) / 100
    return pa.array(x, pa.float64(), mask=mask)


def _date_text(values, style) -> pa.Array:
    d = np.asarray(values, dtype="datetime64[D]")
    ok = ~np.isnat(d)
    iso = np.datetime_as_string(np.where(ok, d, np.datetime64("2000-01-01")), unit="D")
    if style == "iso":
        out = pa.array(iso)
    elif style == "compact":
        out = pc.replace_substring(pa.array(iso), "-", "")
    elif style == "time":  # a date with a time part, as some systems export
        out = _join(pa.array(iso), " 00:00:00")
    else:
        y = d.astype("datetime64[Y]").astype(np.int64) + 1970
        m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
        dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
        y, m, dd = (_str(pa.array(x)) for x in (y, m, dd))
        out = _join(y, "/", m, "/", dd) if style == "slash" else _join(y, "年", m, "月", dd, "日")
    return pc.if_else(pa.array(ok), out, "")


def _money_text(values, style) -> pa.Array:
    v = pd.array(values, dtype="Int64")
    ok = ~np.asarray(v.isna())
    x = np.asarray(v.fillna(0), dtype=np.int64)
    yuan, fen = np.divmod(np.abs(x), 100)
    sign = pa.array(np.where(x < 0, "-", ""))
    y = _str(pa.array(yuan))
    f = pc.utf8_lpad(_str(pa.array(fen)), width=2, padding="0")
    if style == "comma":
        y = pa.array([f"{a:,}" for a in yuan])
        out = _join(sign, y, ".", f)
    elif style == "short":
        frac = pc.utf8_rtrim(pc.utf8_rtrim(_join(".", f), characters="0"), characters=".")
        out = _join(sign, y, frac)
    elif style == "yen":
        out = _join(sign, "¥", y, ".", f)
    else:
        out = _join(sign, y, ".", f)
    return pc.if_else(pa.array(ok), out, "")


def _phone_text(values, style) -> pa.Array:
    v = pc.fill_null(_text(values), "")
    mobile = pc.and_(pc.equal(pc.utf8_length(v), 11), pc.utf8_is_digit(v))
    if style == "dash":
        alt = _join(
            pc.utf8_slice_codeunits(v, 0, 3),
            "-",
            pc.utf8_slice_codeunits(v, 3, 7),
            "-",
            pc.utf8_slice_codeunits(v, 7, 11),
        )
    elif style == "plus":
        alt = _join("+86 ", v)
    else:
        return v
    return pc.if_else(mobile, alt, v)


def _month_text(values, style) -> pa.Array:
    s = pc.replace_substring(_text(values), "-", "")
    y, m = pc.utf8_slice_codeunits(s, 0, 4), pc.utf8_slice_codeunits(s, 4, 6)
    if style == "dash":
        return _join(y, "-", m)
    if style == "cn":
        return _join(y, "年", _str(pc.cast(m, pa.int64())), "月")
    return _join(y, m)


def _text(values) -> pa.Array:
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object)
    arr = pa.array(values, from_pandas=True)
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    return pc.fill_null(arr, "")


def render_text(rng, feed, df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """The table as the strings a department's export would hold (CSV and text cells)."""
    style = {
        "date": rng.choice(
            ["iso", "slash", "cn", "compact", "time"], p=[0.4, 0.2, 0.15, 0.15, 0.1]
        ),
        "money": rng.choice(["plain", "comma", "short", "yen"], p=[0.55, 0.2, 0.15, 0.1]),
        "phone": rng.choice(["plain", "dash", "plus"], p=[0.7, 0.2, 0.1]),
        "month": rng.choice(["compact", "dash", "cn"], p=[0.45, 0.4, 0.15]),
        "grade": rng.choice(["digit", "cn", "ji"]),
    }
    if feed.id == "gongan_hukou":
        style.update(date="iso", phone="plain")
    if fmt == "jsonl":  # platform exports use ISO dates
        style["date"] = rng.choice(["iso", "time"])
    out = {}
    for f in feed.fields:
        if f.name not in df:
            continue
        v = df[f.name]
        if f.type == "date":
            out[f.name] = _date_text(v, style["date"])
        elif f.type == "money":
            out[f.name] = _money_text(v, style["money"])
        elif f.type == "phone":
            out[f.name] = _phone_text(v, style["phone"])
        elif f.type == "month":
            out[f.name] = _month_text(v, style["month"])
        elif f.type == "boolean":
            out[f.name] = pa.array(np.where(v.to_numpy().astype(bool), "是", "否"))
        elif f.type == "integer" and f.name == "disability_grade":
            g = style["grade"]
            out[f.name] = pa.array(
                [
                    str(x)
                    if g == "digit"
                    else (f"{_CN_GRADE[int(x) - 1]}级" if g == "cn" else f"{x}级")
                    for x in v
                ]
            )
        else:
            out[f.name] = _text(v)
    return pa.table(out)


def write(rng, table, folder: Path, cat) -> Path:
    feed = cat[table.feed]
    df = table.df
    cols = [f.name for f in feed.fields if f.name in df]
    headers = _headers(rng, feed, cols)
    if table.fmt == "csv":
        text = render_text(rng, feed, df, "csv")
        text = text.rename_columns([headers[c] for c in text.column_names])
        path = folder / f"{table.stem}.csv"
        bom = table.encoding == "utf-8" and rng.random() < 0.3
        _write_csv(path, text, table.encoding, "\r\n" if rng.random() < 0.4 else "\n", bom)
        return path
    if table.fmt == "jsonl":
        text = render_text(rng, feed, df, "jsonl")
        parts = []
        for j, f in enumerate(ff for ff in feed.fields if ff.name in df):
            key = ("{" if j == 0 else ",") + json.dumps(headers[f.name], ensure_ascii=False) + ":"
            if f.type == "money":
                value = pc.cast(_yuan(df[f.name]), pa.string())
            else:
                v = text[f.name]
                v = pc.replace_substring(pc.replace_substring(v, "\\", "\\\\"), '"', '\\"')
                value = pc.if_else(
                    pc.equal(v, ""), pa.scalar(None, pa.string()), _join('"', v, '"')
                )
            parts += [key, pc.fill_null(value, "null")]
        lines = _join(*parts, "}\n")
        path = folder / f"{table.stem}.jsonl"
        with open(path, "wb") as fh:
            write_strings(fh, lines)
        return path
    if table.fmt == "parquet":
        arrays, names = [], []
        for f in feed.fields:
            if f.name not in df:
                continue
            v = df[f.name]
            if f.type == "date":
                arr = pa.array(pd.to_datetime(v).dt.date, pa.date32())
            elif f.type == "money":
                arr = _yuan(v)
            elif f.type == "integer":
                arr = pa.array(v.astype("Int64"), pa.int64())
            else:
                arr = pa.array(_text(v), pa.string())
            arrays.append(arr)
            names.append(headers[f.name])
        path = folder / f"{table.stem}.parquet"
        pq.write_table(pa.Table.from_arrays(arrays, names=names), path)
        return path
    return _write_xlsx(rng, table, feed, df, headers, folder)


def _write_xlsx(rng, table, feed, df, headers, folder: Path) -> Path:
    path = folder / f"{table.stem}.xlsx"
    typed_dates = rng.random() < 0.6
    text = render_text(rng, feed, df, "xlsx")
    groups = (
        [(name, idx) for name, idx in df.groupby(table.sheet_by, sort=True).indices.items()]
        if table.sheet_by
        else [("Sheet1", np.arange(len(df)))]
    )
    fields = [f for f in feed.fields if f.name in df]
    sheets = []
    for sheet, idx in groups:
        cols = []
        for f in fields:
            if f.type == "date" and typed_dates:
                cols.append(("date", df[f.name].iloc[idx].to_numpy()))
            elif f.type == "money":
                cols.append(("num", _yuan(df[f.name].iloc[idx])))
            elif f.type == "integer" and f.name != "disability_grade":
                v = pd.array(df[f.name].iloc[idx], dtype="Int64")
                cols.append(("num", pa.array(v.to_numpy(float, na_value=np.nan), from_pandas=True)))
            else:
                cols.append(("str", text[f.name].to_numpy(zero_copy_only=False)[idx]))
        sheets.append((str(sheet), [headers[f.name] for f in fields], cols))
    write_xlsx(path, sheets)
    return path


def _write_csv(path: Path, text: pa.Table, encoding: str, eol: str, bom: bool) -> None:
    buf = pa.BufferOutputStream()
    try:  # most offices export without quotes; a value with a comma forces them
        pacsv.write_csv(
            text, buf, pacsv.WriteOptions(quoting_style="none", quoting_header="none", eol=eol)
        )
    except pa.ArrowInvalid:
        buf = pa.BufferOutputStream()
        pacsv.write_csv(text, buf, pacsv.WriteOptions(quoting_header="none", eol=eol))
    data = buf.getvalue().to_pybytes()
    if encoding != "utf-8":  # GBK has only the full-width yen sign
        data = data.decode("utf-8").replace("¥", "￥").encode(encoding)
    with open(path, "wb") as fh:
        fh.write((b"\xef\xbb\xbf" if bom else b"") + data)
