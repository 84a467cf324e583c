"""What every reader shares: batches, row problems, file-level refusals, header detection."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from doudi.engine.intake.normalize import as_text
from doudi.engine.intake.results import Reason

BATCH_SIZE = 10_000
HEADER_SEARCH_ROWS = 10  # a header row may sit below a title row or two
MAX_RAW_TEXT = 2_000

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}

FILE_ERRORS = {
    "unknown_feed": ("无法确定文件属于哪个数据项", "Cannot tell which feed the file belongs to"),
    "empty_file": ("文件为空", "The file is empty"),
    "no_rows": ("文件只有表头，没有数据行", "The file has a header but no data rows"),
    "too_large": ("文件超过大小上限", "The file is larger than the limit"),
    "unsupported_type": ("不支持的文件类型", "Unsupported file type"),
    "missing_columns": ("缺少必需的列", "Required columns are missing"),
    "missing_identity": ("缺少识别人员的列", "The column that identifies people is missing"),
    "duplicate_columns": ("多列对应同一字段", "Several columns map to the same field"),
    "zip_bomb": ("压缩文件解压后过大（疑似压缩炸弹）", "The archive expands too much (zip bomb)"),
    "unreadable": ("文件已损坏或无法读取", "The file is corrupt or unreadable"),
    "bad_encoding": (
        "文件编码无法识别（应为UTF-8或GBK/GB18030）",
        "Unrecognised text encoding (expected UTF-8 or GBK/GB18030)",
    ),
    "internal_error": ("处理文件时发生内部错误", "Internal error while processing the file"),
}


class IntakeError(Exception):
    """A file-level refusal; ``reason.code`` is one of :data:`FILE_ERRORS`."""

    # the file's content hash, when the refusal came after it was computed
    sha256: str | None = None

    def __init__(self, code: str, zh_detail: str = "", en_detail: str = ""):
        zh, en = FILE_ERRORS[code]
        if zh_detail:
            zh = f"{zh}：{zh_detail}"
        if en_detail:
            en = f"{en}: {en_detail}"
        self.reason = Reason(code, zh, en)
        super().__init__(f"{code}: {en}")


@dataclass(frozen=True)
class XlsxLimits:
    """Zip-bomb guard for XLSX: refuse before calamine inflates anything."""

    max_uncompressed: int = 1 << 30  # all entries together
    max_ratio: float = 200.0  # uncompressed / compressed, per entry …
    ratio_min_bytes: int = 32 << 20  # … once an entry has inflated past this size
    max_entries: int = 10_000


@dataclass
class RowProblem:
    line: int | None
    sheet: str | None
    code: str  # "ragged_row" | "bad_json"
    raw: dict[str, str]
    detail: str = ""


@dataclass
class Batch:
    sheet: str | None
    header: tuple[str, ...]
    lines: list[int]
    rows: list[list[Any]] | None = None  # row-major cells, each len(header) …
    columns: list[Any] | None = None  # … or column-major: Arrow arrays (CSV fast mode, Parquet)
    problems: list[RowProblem] = field(default_factory=list)
    text: bool = False  # every cell is a str (CSV)
    merge_keys: bool = False  # JSON: several keys may name one field (first non-empty wins)

    def __len__(self) -> int:
        return len(self.lines)

    def column_lists(self) -> list[Any]:
        if self.columns is None:
            self.columns = (
                list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.header]
            )
        return self.columns

    def row(self, i: int) -> list[Any]:
        if self.rows is not None:
            return self.rows[i]
        return [col[i].as_py() if hasattr(col, "type") else col[i] for col in self.column_lists()]

    def raw(self, i: int) -> dict[str, str]:
        return raw_dict(self.header, self.row(i))

    def raws(self, idx: list[int]) -> list[dict[str, str]]:
        """The raw dicts of several rows (gathered column-wise for Arrow columns)."""
        if self.rows is not None or not idx:
            return [self.raw(i) for i in idx]
        cols = []
        for col in self.column_lists():
            if hasattr(col, "type"):
                import pyarrow as pa

                cols.append(col.take(pa.array(idx, pa.int64())).to_pylist())
            else:
                cols.append([col[i] for i in idx])
        return [raw_dict(self.header, cells) for cells in zip(*cols, strict=True)]

    def __iter__(self) -> Iterator[tuple[tuple[int, str | None], dict[str, Any]]]:
        for i, line in enumerate(self.lines):
            yield (line, self.sheet), dict(zip(self.header, self.row(i), strict=False))


def raw_dict(header: Sequence[str], cells: Iterable[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for j, cell in enumerate(cells):
        key = header[j] if j < len(header) and header[j] else f"_col{j + 1}"
        if key in out:
            key = f"{key}#{j + 1}"
        text = as_text(cell)
        out[key] = text if len(text) <= MAX_RAW_TEXT else text[:MAX_RAW_TEXT] + "…"
    return out


def detect_format(path: str | Path) -> str | None:
    name = Path(path).name.lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    return None


HeaderScore = Callable[[list[str]], int]
PathArg = str | os.PathLike[str]
# per table (sheet name, or None): its first non-blank rows as text, where a header may be
Peek = list[tuple[str | None, list[list[str]]]]


class Reader(Protocol):
    """What every format's reader offers the pipeline."""

    encoding: str | None
    skipped_sheets: list[str]

    def peek(self) -> Peek: ...

    def __iter__(self) -> Iterator[Batch]: ...


def pick_header(rows: list[list[str]], score: HeaderScore | None) -> tuple[int, int]:
    """Index of the header among the first non-blank rows, and its score."""
    if score is None or not rows:
        return 0, 0
    best, best_score = 0, 0
    for i, cells in enumerate(rows):
        s = score(cells)
        if s > best_score:
            best, best_score = i, s
    return best, best_score


def header_text(cells: Iterable[Any]) -> tuple[str, ...]:
    return tuple(as_text(c).strip().lstrip("\ufeff") for c in cells)
