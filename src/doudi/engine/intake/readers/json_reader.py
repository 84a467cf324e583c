"""JSON Lines (streamed), JSON arrays, and records pushed through the API."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from doudi.engine.intake.readers.base import (
    BATCH_SIZE,
    MAX_RAW_TEXT,
    Batch,
    HeaderScore,
    IntakeError,
    PathArg,
    Peek,
    RowProblem,
)


def _jsonable_cell(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def records_to_batch(
    records: list[dict[str, Any]],
    lines: list[int],
    problems: list[RowProblem],
    sheet: str | None = None,
) -> Batch:
    keys: dict[str, None] = {}
    for r in records:
        for k in r:
            keys.setdefault(k, None)
    header = tuple(str(k) for k in keys)
    rows = [[_jsonable_cell(r.get(k)) for k in keys] for r in records]
    return Batch(sheet, header, lines, rows, problems=problems, merge_keys=True)


def _bad_json(line: int, text: str, detail: str) -> RowProblem:
    if len(text) > MAX_RAW_TEXT:
        text = text[:MAX_RAW_TEXT] + "…"
    return RowProblem(line, None, "bad_json", {"_text": text}, detail)


class JSONLReader:
    def __init__(
        self,
        path: PathArg,
        *,
        header_score: HeaderScore | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.encoding: str | None = "utf-8"
        self.skipped_sheets: list[str] = []

    def peek(self) -> Peek:
        keys: dict[str, None] = {}
        with open(self.path, "rb") as fh:
            for i, raw in enumerate(fh):
                if i >= 1000:
                    break
                try:
                    obj = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    continue
                if isinstance(obj, dict):
                    for k in obj:
                        keys.setdefault(str(k), None)
        return [(None, [list(keys)])]

    def __iter__(self) -> Iterator[Batch]:
        records: list[dict[str, Any]] = []
        lines: list[int] = []
        problems: list[RowProblem] = []
        yielded = False
        with open(self.path, "rb") as fh:
            for n, raw in enumerate(fh, start=1):
                if n == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except UnicodeDecodeError:
                    problems.append(
                        _bad_json(n, raw.decode("utf-8", "replace").rstrip("\r\n"), "not UTF-8")
                    )
                    obj = None
                except ValueError as exc:
                    problems.append(
                        _bad_json(n, raw.decode("utf-8", "replace").rstrip("\r\n"), str(exc))
                    )
                    obj = None
                else:
                    if isinstance(obj, dict):
                        records.append(obj)
                        lines.append(n)
                    else:
                        problems.append(
                            _bad_json(
                                n,
                                raw.decode("utf-8", "replace").rstrip("\r\n"),
                                "not a JSON object",
                            )
                        )
                if len(records) + len(problems) >= self.batch_size:
                    yielded = True
                    yield records_to_batch(records, lines, problems)
                    records, lines, problems = [], [], []
        if records or problems or not yielded:
            yield records_to_batch(records, lines, problems)


class JSONArrayReader(JSONLReader):
    """A ``.json`` file: a JSON array of objects (parsed whole — bounded by max_bytes), or
    JSON Lines when it starts with ``{``."""

    def _first_char(self) -> bytes:
        with open(self.path, "rb") as fh:
            head = fh.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
        return head[:1]

    def peek(self) -> Peek:
        if self._first_char() != b"[":
            return super().peek()
        return [(None, [list(records_to_batch(self._load()[:1000], [], []).header)])]

    def _load(self) -> list[Any]:
        try:
            with open(self.path, "rb") as fh:
                data = json.loads(fh.read().lstrip(codecs.BOM_UTF8))
        except (ValueError, UnicodeDecodeError) as exc:
            raise IntakeError("unreadable", "JSON格式错误", f"invalid JSON ({exc})") from None
        if not isinstance(data, list):
            raise IntakeError("unreadable", "JSON文件应为对象数组", "expected an array of objects")
        return data

    def __iter__(self) -> Iterator[Batch]:
        if self._first_char() != b"[":
            yield from super().__iter__()
            return
        data = self._load()
        yield from iter_records(data, self.batch_size)


def iter_records(data: list[Any], batch_size: int = BATCH_SIZE) -> Iterator[Batch]:
    """Batches of in-memory records (a pushed JSON batch); line = 1-based record number."""
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    problems: list[RowProblem] = []
    yielded = False
    for n, obj in enumerate(data, start=1):
        if isinstance(obj, dict):
            records.append(obj)
            lines.append(n)
        else:
            problems.append(
                _bad_json(n, json.dumps(obj, ensure_ascii=False, default=str), "not a JSON object")
            )
        if len(records) + len(problems) >= batch_size:
            yielded = True
            yield records_to_batch(records, lines, problems)
            records, lines, problems = [], [], []
    if records or problems or not yielded:
        yield records_to_batch(records, lines, problems)
