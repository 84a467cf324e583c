"""Department file shapes: how a feed's typed rows become CSV, XLSX, JSON Lines or Parquet.

A :class:`Layout` says how one department exports one feed: the format and encoding, the
header it writes for each canonical field (its own label or one of the catalogue's aliases),
the mix of date, month and money spellings its clerks and systems produce, and for XLSX how
rows are split over sheets. Typed values (``datetime.date``, money in integer fen, ``bool``)
are rendered here; noise (``noise.py``) replaces rendered cells with literal text.

XLSX files are written with XlsxWriter in ``constant_memory`` mode with a fixed creation date,
so the same rows give the same bytes. Parquet is written with pyarrow (strings, money as
DECIMAL(14,2)).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from doudi.engine.catalogue import Feed

FIXED_CREATED = dt.datetime(2026, 1, 1, 8, 0, 0)
EXCEL_EPOCH = dt.date(1899, 12, 30)

# Date spellings. "excel" (a date cell) and "serial" (a bare serial number) exist only in XLSX.
DATE_STYLES: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "cn": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "compact": lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
}
MONTH_STYLES: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: f"{d.year:04d}-{d.month:02d}",
    "slash": lambda d: f"{d.year}/{d.month:02d}",
    "cn": lambda d: f"{d.year}年{d.month}月",
    "compact": lambda d: f"{d.year:04d}{d.month:02d}",
    # XLSX-only date styles fall back to ISO months
    "excel": lambda d: f"{d.year:04d}-{d.month:02d}",
    "serial": lambda d: f"{d.year:04d}{d.month:02d}",
}


def money_sep(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def money_plain2(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def money_plain(fen: int) -> str:
    if fen % 100 == 0:
        return str(fen // 100)
    return f"{fen / 100:.2f}".rstrip("0")


MONEY_STYLES: dict[str, Callable[[int], str]] = {
    "sep": money_sep,
    "plain2": money_plain2,
    "plain": money_plain,
}
BOOLEAN_STYLES = {"是否": ("是", "否"), "YN": ("Y", "N"), "10": ("1", "0")}


@dataclass(frozen=True)
class Layout:
    format: str  # csv | xlsx | jsonl | parquet
    headers: dict[str, str]  # field → header written (others: the catalogue label)
    dates: tuple[tuple[str, float], ...] = (("iso", 1.0),)  # per-row style mix
    money: tuple[tuple[str, float], ...] = (("plain2", 1.0),)
    encoding: str = "utf-8"  # csv: utf-8-sig / gbk / utf-8
    newline: str = "\r\n"  # csv line ending
    boolean: str = "是否"
    sheet_names: tuple[str, ...] = ("Sheet1",)  # xlsx: the builder names each row's sheet

    @property
    def suffix(self) -> str:
        return {"csv": ".csv", "xlsx": ".xlsx", "jsonl": ".jsonl", "parquet": ".parquet"}[
            self.format
        ]

    @property
    def encoding_name(self) -> str:
        if self.format == "csv":
            return {"utf-8-sig": "utf-8-bom", "gbk": "gbk", "utf-8": "utf-8"}[self.encoding]
        return "binary" if self.format in ("xlsx", "parquet") else "utf-8"


class Renderer:
    """Turns typed rows into cells for one layout. One date and one money spelling per row.

    Only dates, months, money and booleans are converted; other values pass through
    (``None`` is an empty cell in every sink).
    """

    def __init__(self, feed: Feed, layout: Layout, columns: Sequence[str], rng: random.Random):
        self.rng = rng
        types = [feed.field(c).type for c in columns]
        fmt = layout.format
        self.date_cum = _cum(w for _, w in layout.dates)
        self.money_cum = _cum(w for _, w in layout.money)
        true, false = BOOLEAN_STYLES[layout.boolean]
        self.plans: list[list[list[tuple[int, Callable[[object], object]]]]] = []
        for date_style, _ in layout.dates:
            plan_row = []
            for money_style, _ in layout.money:
                plan = []
                for i, t in enumerate(types):
                    fn = _cell_fn(fmt, t, date_style, money_style, true, false)
                    if fn is not None:
                        plan.append((i, fn))
                plan_row.append(plan)
            self.plans.append(plan_row)
        self.dates_vary = len(self.date_cum) > 1
        self.money_varies = len(self.money_cum) > 1

    def render(self, row: Sequence[object]) -> list[object]:
        rng = self.rng
        di = _draw(self.date_cum, rng.random()) if self.dates_vary else 0
        mi = _draw(self.money_cum, rng.random()) if self.money_varies else 0
        cells = list(row)
        for i, fn in self.plans[di][mi]:
            v = cells[i]
            if v is not None:
                cells[i] = fn(v)
        return cells


def _cum(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _draw(cum: list[float], x: float) -> int:
    x *= cum[-1]
    for i, c in enumerate(cum):
        if x < c:
            return i
    return len(cum) - 1


def _yuan(fen: int) -> float:
    return fen / 100


def _excel_serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def _cell_fn(fmt: str, t: str, date_style: str, money_style: str, true: str, false: str):
    """The function rendering a non-empty value of type ``t``; ``None``: the value as it is."""
    if t == "date":
        if fmt == "xlsx" and date_style == "excel":
            return None  # a real date cell
        if fmt == "xlsx" and date_style == "serial":
            return _excel_serial  # a bare serial number
        return DATE_STYLES.get(date_style, DATE_STYLES["iso"])
    if t == "month":
        return MONTH_STYLES[date_style]
    if t == "money":
        if fmt in ("xlsx", "jsonl") and money_style != "sep":
            return _yuan  # a number cell / a JSON number
        if fmt == "parquet":
            return money_plain2  # cast to DECIMAL(14,2) when written
        return MONEY_STYLES[money_style]
    if t == "integer" and fmt in ("csv", "parquet"):
        return str
    if t == "boolean":
        return lambda b: true if b else false
    return None


# ---- sinks ------------------------------------------------------------------------------------------
class Sink:
    """Writes rendered rows. ``rows`` counts data rows (duplicates included)."""

    rows: int = 0

    def write(self, cells: list[object], sheet: str | None = None) -> None:
        raise NotImplementedError

    def close(self) -> dict[str, int] | None:
        raise NotImplementedError


class CsvSink(Sink):
    def __init__(self, path: Path, header: Sequence[str], layout: Layout):
        self.fh = path.open("w", encoding=layout.encoding, newline="", errors="strict")
        self.writer = csv.writer(self.fh, lineterminator=layout.newline)
        self.writer.writerow(header)
        self.rows = 0

    def write(self, cells, sheet=None):
        self.writer.writerow(cells)  # None is written as an empty field
        self.rows += 1

    def close(self):
        self.fh.close()
        return None


class JsonlSink(Sink):
    def __init__(self, path: Path, header: Sequence[str], layout: Layout):
        self.fh = path.open("w", encoding="utf-8", newline="\n")
        self.header = list(header)
        self.rows = 0

    def write(self, cells, sheet=None):
        record = dict(zip(self.header, cells, strict=True))  # None → null
        self.fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.rows += 1

    def close(self):
        self.fh.close()
        return None


class XlsxSink(Sink):
    def __init__(self, path: Path, header: Sequence[str], layout: Layout, types: Sequence[str]):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False}
        )
        self.wb.set_properties(
            {"created": FIXED_CREATED, "author": "", "title": "", "comments": ""}
        )
        bold = self.wb.add_format({"bold": True})
        self.date_fmt = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.money_fmt = self.wb.add_format({"num_format": "#,##0.00"})
        self.types = list(types)
        self.sheets = {}
        self.next_row: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        for name in layout.sheet_names:
            ws = self.wb.add_worksheet(name)
            for col, h in enumerate(header):
                ws.write_string(0, col, h, bold)
            self.sheets[name] = ws
            self.next_row[name] = 1
            self.counts[name] = 0
        self.default = layout.sheet_names[0]
        self.rows = 0

    def write(self, cells, sheet=None):
        name = sheet or self.default
        ws = self.sheets[name]
        r = self.next_row[name]
        for col, (c, t) in enumerate(zip(cells, self.types, strict=True)):
            if c is None or c == "":
                continue
            if isinstance(c, str):
                ws.write_string(r, col, c)
            elif isinstance(c, dt.date):
                ws.write_datetime(r, col, dt.datetime(c.year, c.month, c.day), self.date_fmt)
            elif t == "money":
                ws.write_number(r, col, c, self.money_fmt)
            else:
                ws.write_number(r, col, c)
        self.next_row[name] = r + 1
        self.counts[name] += 1
        self.rows += 1

    def close(self):
        self.wb.close()
        return dict(self.counts)


class ParquetSink(Sink):
    BATCH = 200_000

    def __init__(self, path: Path, header: Sequence[str], layout: Layout, types: Sequence[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.types = list(types)
        self.header = list(header)
        self.schema = pa.schema(
            [
                (h, pa.decimal128(14, 2) if t == "money" else pa.string())
                for h, t in zip(self.header, self.types, strict=True)
            ]
        )
        self.writer = pq.ParquetWriter(
            str(path), self.schema, compression="zstd", write_statistics=True
        )
        self.buffer: list[list] = []
        self.rows = 0

    def write(self, cells, sheet=None):
        self.buffer.append(cells)
        self.rows += 1
        if len(self.buffer) >= self.BATCH:
            self._flush()

    def _flush(self):
        pa = self.pa
        if not self.buffer:
            return
        arrays = []
        for values, t in zip(zip(*self.buffer, strict=True), self.types, strict=True):
            arr = pa.array([None if v == "" else v for v in values], pa.string())
            if t == "money":
                arr = arr.cast(pa.decimal128(14, 2))
            arrays.append(arr)
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.buffer = []

    def close(self):
        if not self.rows:  # an empty feed still has its columns
            self.writer.write_table(self.schema.empty_table())
        self._flush()
        self.writer.close()
        return None


def open_sink(path: Path, header: Sequence[str], layout: Layout, types: Sequence[str]) -> Sink:
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout.format == "csv":
        return CsvSink(path, header, layout)
    if layout.format == "jsonl":
        return JsonlSink(path, header, layout)
    if layout.format == "xlsx":
        return XlsxSink(path, header, layout, types)
    if layout.format == "parquet":
        return ParquetSink(path, header, layout, types)
    raise ValueError(f"unknown format {layout.format!r}")
