"""XLSX and XLS through calamine, one sheet at a time, behind a zip-bomb guard."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from doudi.engine.intake.readers.base import (
    BATCH_SIZE,
    HEADER_SEARCH_ROWS,
    Batch,
    HeaderScore,
    IntakeError,
    PathArg,
    XlsxLimits,
    header_text,
    pick_header,
)


def check_zip(path: PathArg, limits: XlsxLimits) -> None:
    """Refuse a zip bomb or a corrupt/truncated archive before calamine inflates it."""
    if not zipfile.is_zipfile(path):
        raise IntakeError(
            "unreadable",
            "不是有效的XLSX文件（不是zip格式，可能已截断）",
            "not a valid XLSX (not a zip archive, or truncated)",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise IntakeError("zip_bomb", f"包含{len(infos)}个条目", f"{len(infos)} entries")
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_uncompressed:
                raise IntakeError("zip_bomb", f"解压后{declared}字节", f"{declared} bytes inflated")
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
                    raise IntakeError(
                        "zip_bomb",
                        f"{info.filename}压缩比{ratio:.0f}",
                        f"{info.filename} compression ratio {ratio:.0f}",
                    )
            # Declared sizes can lie: inflate every entry, counting, and let zipfile check CRCs.
            total = 0
            for info in infos:
                n = 0
                with zf.open(info) as fh:
                    while chunk := fh.read(1 << 20):
                        n += len(chunk)
                        total += len(chunk)
                        if total > limits.max_uncompressed or (
                            n > limits.ratio_min_bytes
                            and n / max(info.compress_size, 1) > limits.max_ratio
                        ):
                            raise IntakeError(
                                "zip_bomb",
                                f"{info.filename}解压过大",
                                f"{info.filename} inflates too much",
                            )
    except IntakeError:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
        ValueError,
    ) as exc:
        raise IntakeError("unreadable", "XLSX文件已损坏", f"corrupt XLSX ({exc})") from None


def _blank(row: list[Any]) -> bool:
    return row.count("") + row.count(None) == len(row)


class XLSXReader:
    """Every worksheet whose header row maps to the feed (score ≥ ``min_sheet_score``)."""

    def __init__(
        self,
        path: PathArg,
        *,
        header_score: HeaderScore | None = None,
        batch_size: int = BATCH_SIZE,
        min_sheet_score: int = 2,
        limits: XlsxLimits | None = None,
        zipped: bool = True,
    ) -> None:
        self.path = Path(path)
        self.header_score = header_score
        self.batch_size = batch_size
        self.min_sheet_score = min_sheet_score
        self.limits = limits or XlsxLimits()
        self.zipped = zipped
        self.encoding: str | None = None
        self.skipped_sheets: list[str] = []
        self.sheets: list[str] = []
        self._checked = False

    def _open(self) -> Any:
        if self.zipped and not self._checked:
            check_zip(self.path, self.limits)
            self._checked = True
        from python_calamine import CalamineWorkbook

        try:
            return CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error classes (and ValueError)
            raise IntakeError(
                "unreadable", "无法打开工作簿", f"cannot open workbook ({exc})"
            ) from None

    def _sheets(self, wb: Any) -> Iterator[tuple[str, Any]]:
        from python_calamine import SheetTypeEnum

        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = wb.get_sheet_by_name(meta.name)
                rows = sheet.iter_rows()
            except Exception as exc:
                raise IntakeError(
                    "unreadable",
                    f"工作表“{meta.name}”无法读取",
                    f"sheet {meta.name!r} unreadable ({exc})",
                ) from None
            yield meta.name, rows

    @staticmethod
    def _head(rows: Iterable[list[Any]]) -> list[tuple[int, list[Any]]]:
        head = []
        for i, row in enumerate(rows):
            if not _blank(row):
                head.append((i + 1, row))
                if len(head) >= HEADER_SEARCH_ROWS:
                    break
        return head

    def peek(self) -> list[tuple[str | None, list[list[str]]]]:
        wb = self._open()
        try:
            return [
                (name, [list(header_text(r)) for _, r in self._head(rows)])
                for name, rows in self._sheets(wb)
            ]
        finally:
            wb.close()

    def __iter__(self) -> Iterator[Batch]:
        wb = self._open()
        best = None  # (score, name, header) of the best sheet, for the error message
        used = 0
        try:
            for name, rows in self._sheets(wb):
                head = self._head(rows)
                if not head:
                    self.skipped_sheets.append(name)
                    continue
                h, score = pick_header([list(header_text(r)) for _, r in head], self.header_score)
                header = header_text(head[h][1])
                if self.header_score is not None and score < self.min_sheet_score:
                    self.skipped_sheets.append(name)
                    if best is None or score > best[0]:
                        best = (score, name, header)
                    continue
                used += 1
                self.sheets.append(name)
                yield from self._sheet_rows(name, header, head[h + 1 :], head[-1][0], rows)
            if not used and best is not None:
                yield Batch(best[1], best[2], [], [])
        except IntakeError:
            raise
        except Exception as exc:
            raise IntakeError(
                "unreadable", "XLSX内容无法解析", f"cannot parse XLSX ({exc})"
            ) from None
        finally:
            wb.close()

    def _sheet_rows(
        self,
        name: str,
        header: tuple[str, ...],
        buffered: list[tuple[int, list[Any]]],
        last_line: int,
        rows: Iterable[list[Any]],
    ) -> Iterator[Batch]:
        bs = self.batch_size
        out: list[list[Any]] = [r for _, r in buffered]
        lines: list[int] = [line for line, _ in buffered]
        yielded = False
        line = last_line  # `rows` continues after the last sampled row
        for row in rows:
            line += 1
            if _blank(row):
                continue
            out.append(row)
            lines.append(line)
            if len(out) >= bs:
                yielded = True
                yield Batch(name, header, lines, out)
                out, lines = [], []
        if out or not yielded:
            yield Batch(name, header, lines, out)
