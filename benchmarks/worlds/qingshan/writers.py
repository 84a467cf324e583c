"""Files in the shapes departments deliver: CSV (UTF-8, UTF-8 with BOM, GBK), XLSX (one sheet or
one per year), JSON Lines, Parquet. Values are formatted per file: dates in the style of the
department's system, money in 元 with two decimals, ID numbers always as text. Column-wise
(vectorised) so that a 130,000-household district is written in about a minute."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

DATE_FORMATS = {"iso": "%Y-%m-%d", "compact": "%Y%m%d", "dots": "%Y.%m.%d"}
UNPADDED = {"slash": ("/", "/", ""), "cn": ("年", "月", "日")}  # 2025/3/4, 2025年3月4日


def _is_str(s: pd.Series) -> np.ndarray:
    if s.dtype != object:
        return np.zeros(len(s), dtype=bool)
    return np.fromiter((type(v) is str for v in s.to_numpy()), dtype=bool, count=len(s))


def text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def dates(s: pd.Series, style: str = "iso") -> pd.Series:
    """Dates as text in a department's style; text already in the column (a deliberately
    impossible date) is kept as written; missing → empty."""
    raw = _is_str(s)
    d = pd.to_datetime(s.where(~raw, None), errors="coerce")
    if style in UNPADDED:
        a, b, c = UNPADDED[style]
        part = [d.dt.year, d.dt.month, d.dt.day]
        y, m, dd = (x.astype("Int64").astype(str) for x in part)
        out = (y + a + m + b + dd + c).astype(object)
        out[d.isna().to_numpy()] = None
    else:
        out = d.dt.strftime(DATE_FORMATS[style]).astype(object)
    out[raw] = s[raw]
    return out.where(out.notna(), "").astype(str)


def months(s: pd.Series, style: str = "dash") -> pd.Series:
    v = text(s)
    if style == "compact":
        return v.str.replace("-", "", regex=False)
    if style == "cn":
        y = v.str[:4]
        m = v.str[5:7].str.lstrip("0")
        return (y + "年" + m + "月").where(v != "", "")
    return v


def money(s: pd.Series) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    out = np.char.mod("%.2f", np.nan_to_num(v)).astype(object)
    out[np.isnan(v)] = ""
    return pd.Series(out, index=s.index)


def integers(s: pd.Series) -> pd.Series:
    v = pd.to_numeric(s, errors="coerce")
    return v.map(lambda x: "" if pd.isna(x) else str(int(x)))


def format_frame(
    df: pd.DataFrame, kinds: dict[str, str], date_style: str = "iso", month_style: str = "dash"
) -> pd.DataFrame:
    """Text cells for CSV/JSON: kinds maps column → date / month / money / int / text."""
    out = {}
    for col in df.columns:
        kind = kinds.get(col, "text")
        s = df[col]
        if kind == "date":
            out[col] = dates(s, date_style)
        elif kind == "month":
            out[col] = months(s, month_style)
        elif kind == "money":
            out[col] = money(s)
        elif kind == "int":
            out[col] = integers(s)
        else:
            out[col] = text(s)
    return pd.DataFrame(out, columns=df.columns, index=df.index)


def write_csv(path: Path, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    df.to_csv(
        path, index=False, encoding=encoding, lineterminator="\r\n" if encoding == "gbk" else "\n"
    )


def write_jsonl(path: Path, df: pd.DataFrame, numeric: tuple[str, ...] = ()) -> None:
    """One JSON object per line; empty cells are left out, numeric columns are numbers."""
    import json

    cols = list(df.columns)
    values = {c: df[c].to_numpy() for c in cols}
    for c in numeric:
        v = values[c]
        values[c] = np.array([None if x == "" else float(x) for x in v], dtype=object)
    with open(path, "w", encoding="utf-8") as fh:
        dumps = json.dumps
        for i in range(len(df)):
            rec = {c: values[c][i] for c in cols if values[c][i] not in ("", None)}
            fh.write(dumps(rec, ensure_ascii=False))
            fh.write("\n")


def write_parquet(path: Path, df: pd.DataFrame, numeric: tuple[str, ...] = ()) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {}
    for c in df.columns:
        s = df[c]
        if c in numeric:
            v = np.round(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float), 2)
            arrays[c] = pa.array(v, pa.float64(), mask=np.isnan(v))
        else:
            t = text(s)
            arrays[c] = pa.array(t.to_numpy(dtype=object), pa.string(), mask=(t == "").to_numpy())
    pq.write_table(pa.table(arrays), path, compression="zstd")


def write_xlsx(
    path: Path,
    sheets: list[tuple[str, pd.DataFrame, dict[str, str]]],
    *,
    real_dates: bool = False,
    title: str | None = None,
) -> None:
    """Sheets of (name, frame with final headers, kinds by header). Money and integers as
    numbers, dates as Excel dates when ``real_dates`` (else ISO text), everything else text."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": dt.datetime(2000, 1, 1)})  # same bytes for the same seed
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True})
    for name, df, kinds in sheets:
        ws = wb.add_worksheet(name)
        r = 0
        if title:
            ws.write_string(r, 0, title, bold)
            r += 1
        ws.write_row(r, 0, list(df.columns), bold)
        r += 1
        columns = []  # (writer, values with None for blank)
        for c in df.columns:
            k = kinds.get(c, "text")
            s = df[c]
            if k == "date":
                raw = _is_str(s)
                d = pd.to_datetime(s.where(~raw, None), errors="coerce")
                if real_dates:
                    vals = np.array(
                        [None if pd.isna(x) else x.to_pydatetime() for x in d], dtype=object
                    )
                    vals[raw] = s[raw].to_numpy()
                    columns.append(("date", vals))
                else:
                    t = dates(s, "iso").to_numpy(dtype=object)
                    t[t == ""] = None
                    columns.append(("text", t))
            elif k in ("money", "int"):
                v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
                vals = np.round(v, 2).astype(object)
                vals[np.isnan(v)] = None
                if k == "int":
                    vals = np.array([None if x is None else int(x) for x in vals], dtype=object)
                columns.append(("number", vals))
            else:
                t = text(s).to_numpy(dtype=object)
                t[t == ""] = None
                columns.append(("text", t))
        n = len(df)
        for i in range(n):
            for j, (kind, vals) in enumerate(columns):
                v = vals[i]
                if v is None:
                    continue
                if kind == "text" or isinstance(v, str):
                    ws.write_string(r, j, v)
                elif kind == "number":
                    ws.write_number(r, j, v)
                else:
                    ws.write_datetime(r, j, v, date_fmt)
            r += 1
    wb.close()
