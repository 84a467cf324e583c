"""Streaming readers: CSV, XLSX (and XLS), JSON Lines, JSON arrays and Parquet.

A reader yields :class:`Batch` objects of at most ``batch_size`` rows. A batch carries the
original header of its table (a CSV file, an XLSX sheet, a JSON object's keys, a Parquet
schema), the 1-based location of every row, the cells (text from CSV/JSON, typed values from
XLSX/Parquet: numbers, dates, booleans) and the rows the reader could not shape
(:class:`RowProblem`: ``ragged_row``, ``bad_json``). Iterating a batch gives
``((line, sheet), {original header: cell})`` pairs; the validator reads it column-wise.

Nothing loads a whole file, except XLSX — calamine materialises one sheet at a time, bounded by
the Excel row limit and by the zip guard, which refuses zip bombs before calamine runs — and a
``.json`` array (bounded by the size limit; JSON Lines streams).

CSV goes through Arrow's C++ parser when the file is regular (the usual case) and through the
``csv`` module otherwise; both give the same rows, line numbers and problems (tested).

File-level problems raise :class:`IntakeError` carrying a :class:`Reason`.

One module per format (``csv_reader``, ``xlsx_reader``, ``json_reader``,
``parquet_reader``) on what ``base`` shares; :func:`open_reader` picks one.
"""

from __future__ import annotations

from doudi.engine.intake.readers.base import (
    BATCH_SIZE,
    HeaderScore,
    IntakeError,
    PathArg,
    Reader,
    XlsxLimits,
)
from doudi.engine.intake.readers.csv_reader import CSVReader, CSVScan
from doudi.engine.intake.readers.json_reader import JSONArrayReader, JSONLReader
from doudi.engine.intake.readers.parquet_reader import ParquetReader
from doudi.engine.intake.readers.xlsx_reader import XLSXReader


def open_reader(
    path: PathArg,
    fmt: str,
    *,
    header_score: HeaderScore | None = None,
    batch_size: int = BATCH_SIZE,
    xlsx_limits: XlsxLimits | None = None,
    scan: CSVScan | None = None,
) -> Reader:
    if fmt == "csv":
        return CSVReader(path, header_score=header_score, batch_size=batch_size, scan=scan)
    if fmt in ("xlsx", "xls"):
        return XLSXReader(
            path,
            header_score=header_score,
            batch_size=batch_size,
            limits=xlsx_limits,
            zipped=fmt == "xlsx",
        )
    if fmt == "jsonl":
        return JSONLReader(path, batch_size=batch_size)
    if fmt == "json":
        return JSONArrayReader(path, batch_size=batch_size)
    if fmt == "parquet":
        return ParquetReader(path, batch_size=batch_size)
    raise IntakeError("unsupported_type", fmt, fmt)
