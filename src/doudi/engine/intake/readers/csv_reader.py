"""CSV: encoding detection (UTF-8 or GB18030), Arrow's parser when the file is regular,
the ``csv`` module otherwise — the same rows, line numbers and problems either way.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import queue
import re
import threading
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doudi.engine.intake.readers.base import (
    BATCH_SIZE,
    HEADER_SEARCH_ROWS,
    Batch,
    HeaderScore,
    IntakeError,
    PathArg,
    Peek,
    RowProblem,
    header_text,
    pick_header,
    raw_dict,
)


def _reads_as_chinese(text: str) -> bool:
    """Whether the UTF-8 reading of a line from a GB18030 file is plausibly Chinese text.

    Short GBK byte runs are often valid UTF-8 too (``姚倩莹`` in GBK, ``d2a6 d9bb d3a8``, reads
    as UTF-8 ``ҦٻӨ``): such a line is GBK like the rest, not a sign of mixing. A line really
    written in UTF-8 reads as CJK ideographs and punctuation."""
    others = [c for c in text if not c.isascii()]
    return bool(others) and all(
        "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or "\u3400" <= c <= "\u4dbf"
        or c in "\u00b7\u2014\u2026\u201c\u201d\u2018\u2019"
        for c in others
    )


class _Lines:
    """Decoded physical lines of a CSV file (split at LF), with push-back and recording of the
    lines each record consumed (to recover from an unbalanced quote).

    Encoding: a BOM decides (UTF-8, GB18030, UTF-16). Without one the file is read as strict
    UTF-8; the first line that is not UTF-8 switches to GB18030 — safe without restarting,
    because every earlier line was pure ASCII, which both encodings read identically. A
    non-UTF-8 line after UTF-8 text, a UTF-8 line in a GB18030 file, or a line neither
    encoding can read is a file-level ``bad_encoding`` error naming the line.
    """

    def __init__(
        self,
        fh: io.BufferedReader,
        *,
        encoding: str | None = None,
        skip: int = 0,
        bom: bool = True,
    ) -> None:
        self.fh = fh
        self.pending: list[str] = []  # pushed-back lines, last first
        self.rec: list[str] = []
        self.file_line = 0
        self.saw_non_ascii = False
        head = fh.peek(4)[:4] if bom else b""
        self.declared = False
        if head.startswith(codecs.BOM_UTF8):
            fh.read(3)
            self.encoding, self.declared = "utf-8", True
        elif head.startswith(b"\x84\x31\x95\x33"):
            fh.read(4)
            self.encoding, self.declared = "gb18030", True
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding, self.declared = "utf-16", True
        else:
            self.encoding = "utf-8"
        if encoding is not None:  # already established by a full scan of the file
            self.encoding, self.declared = encoding, True
        self._src: Iterator[Any]  # decoded str (UTF-16) or raw bytes lines
        if self.encoding == "utf-16":
            self._src = io.TextIOWrapper(fh, encoding="utf-16", errors="strict", newline="\n")
        else:
            self._src = iter(fh)
        if skip:
            for _ in itertools.islice(self._src, skip):
                self.file_line += 1

    def __iter__(self) -> _Lines:
        return self

    def push_back(self, lines: list[str]) -> None:
        self.pending.extend(reversed(lines))

    def __next__(self) -> str:
        if self.pending:
            line = self.pending.pop()
        else:
            line = self._read()
        self.rec.append(line)
        return line

    def _read(self) -> str:
        try:
            raw = next(self._src)
        except UnicodeDecodeError:
            raise IntakeError(
                "bad_encoding",
                f"第{self.file_line + 1}行无法按UTF-16解码",
                f"line {self.file_line + 1} is not valid UTF-16",
            ) from None
        self.file_line += 1
        if self.encoding == "utf-16":
            decoded: str = raw
            return decoded
        if self.encoding == "utf-8":
            try:
                text: str = raw.decode("utf-8")
            except UnicodeDecodeError:
                return self._not_utf8(raw)
            if not self.saw_non_ascii and not raw.isascii():
                self.saw_non_ascii = True
            return text
        # GB18030 mode
        if raw.isascii():
            ascii_text: str = raw.decode("ascii")
            return ascii_text
        if not self.declared:
            try:
                as_utf8 = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if _reads_as_chinese(as_utf8):
                    raise IntakeError(
                        "bad_encoding",
                        f"编码混杂：第{self.file_line}行是UTF-8编码，前面的行是GBK/GB18030",
                        f"mixed encodings: line {self.file_line} is UTF-8, earlier lines "
                        "GBK/GB18030",
                    )
        try:
            gb_text: str = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise IntakeError(
                "bad_encoding",
                f"第{self.file_line}行既不是UTF-8也不是GBK/GB18030编码",
                f"line {self.file_line} is neither UTF-8 nor GBK/GB18030",
            ) from None
        return gb_text

    def _not_utf8(self, raw: bytes) -> str:
        if self.declared or self.saw_non_ascii:
            raise IntakeError(
                "bad_encoding",
                f"编码混杂：第{self.file_line}行不是UTF-8编码，前面的行是UTF-8",
                f"mixed encodings: line {self.file_line} is not UTF-8, earlier lines are",
            )
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise IntakeError(
                "bad_encoding",
                f"第{self.file_line}行既不是UTF-8也不是GBK/GB18030编码",
                f"line {self.file_line} is neither UTF-8 nor GBK/GB18030",
            ) from None
        self.encoding = "gb18030"
        return text


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "".join(lines)
    counts = {d: sample.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass(frozen=True)
class CSVScan:
    sha256: str
    encoding: str  # "utf-8", "gb18030" or "utf-16"
    bare_cr: bool  # a CR that does not end a CRLF line break
    quote: bool  # the file contains a double quote


def scan_csv(path: PathArg) -> CSVScan:
    """One streamed pass over a text file before any row is parsed: its SHA-256 (computed in
    a second thread — hashlib releases the GIL) and its encoding. A file in neither UTF-8 nor
    GB18030, or mixing them, raises ``bad_encoding`` naming the first offending line (the
    exception carries ``sha256``)."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh, ThreadPoolExecutor(1) as pool:
        head = fh.peek(4)[:4]
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        gb_bom = head.startswith(b"\x84\x31\x95\x33")
        skip = 3 if head.startswith(codecs.BOM_UTF8) else 0
        utf8_ok = not (gb_bom or utf16)
        bare_cr = quote = False
        pending = None
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            chunk += fh.readline()  # end every chunk at a line break: decode whole lines
            if pending is not None:
                pending.result()
            pending = pool.submit(sha.update, chunk)
            if utf16:
                continue
            if not quote and b'"' in chunk:
                quote = True
            if not bare_cr and b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
                bare_cr = True  # chunks end at a line break, so CRLF is never split
            if utf8_ok:
                try:
                    (chunk[skip:] if skip else chunk).decode("utf-8")
                except UnicodeDecodeError:
                    utf8_ok = False
            skip = 0
        if pending is not None:
            pending.result()
    digest = sha.hexdigest()
    if utf16:
        return CSVScan(digest, "utf-16", False, True)
    if utf8_ok:
        return CSVScan(digest, "utf-8", bare_cr, quote)
    try:
        _scan_gb18030(path)
    except IntakeError as exc:
        exc.sha256 = digest
        raise
    return CSVScan(digest, "gb18030", bare_cr, quote)


_U8 = (
    rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2})"
)
# A line that is valid UTF-8 with at least one non-ASCII character (possessive: no backtracking).
_UTF8_LINE = re.compile(
    rb"^[\x00-\x09\x0b-\x7f]*+" + _U8 + rb"(?:[\x00-\x09\x0b-\x7f]|" + _U8 + rb")*+$", re.M
)


def _scan_gb18030(path: PathArg) -> None:
    """A file that is not UTF-8: GB18030, or an error naming the first offending line — the
    rules of :class:`_Lines`, checked a chunk at a time in C; only a chunk holding a problem
    (or the switch from ASCII to GB18030) is walked line by line."""
    with open(path, "rb") as fh:
        head = fh.peek(4)[:4]
        declared = head.startswith(b"\x84\x31\x95\x33")
        start = 4 if declared else 3 if head.startswith(codecs.BOM_UTF8) else 0
        fh.seek(start)
        lines_before = 0
        mode = "gb18030" if declared else "utf-8"
        saw_non_ascii = False
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return
            chunk += fh.readline()
            clean = True
            if mode == "utf-8":
                try:
                    chunk.decode("utf-8")
                except UnicodeDecodeError:
                    clean = False
                else:
                    saw_non_ascii = saw_non_ascii or not chunk.isascii()
            else:
                try:
                    chunk.decode("gb18030")
                except UnicodeDecodeError:
                    clean = False
                if clean and not declared and _UTF8_LINE.search(chunk):
                    clean = False
            if not clean:  # the exact rules, line by line, for this chunk
                src = _Lines(io.BufferedReader(io.BytesIO(chunk)), bom=False)
                src.file_line = lines_before
                src.saw_non_ascii = saw_non_ascii
                src.encoding, src.declared = mode, declared
                for _ in iter(src._read, None):
                    pass
                mode, saw_non_ascii = src.encoding, src.saw_non_ascii
            lines_before += chunk.count(b"\n")


def scan_encoding(path: PathArg) -> tuple[str, bool, bool]:
    scan = scan_csv(path)
    return scan.encoding, scan.bare_cr, scan.quote


class _Fallback(Exception):
    pass


class _Prefetch:
    """Call ``produce`` (e.g. Arrow's read_next_batch, which releases the GIL) in a thread,
    one item ahead, so parsing overlaps with validation."""

    _END = object()

    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="csv-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._produce()
            except StopIteration:
                item = self._END
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                item = exc
            while not self._stop.is_set():
                try:
                    self._queue.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if item is self._END or isinstance(item, BaseException):
                return

    def next(self) -> Any:
        item = self._queue.get()
        if item is self._END:
            raise StopIteration
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            try:
                self._queue.get(timeout=0.1)
            except queue.Empty:
                pass
        self._thread.join()


class CSVReader:
    """CSV (and TSV) with a detected encoding, delimiter and header row.

    Fast mode (the usual case: UTF-8 or GB18030, every record on one line) parses with Arrow's
    C++ CSV reader. Anything unusual — a value spanning lines, an unbalanced quote, a row with
    stray trailing delimiters, bare CR line ends — continues in the exact Python mode from the
    first line not yet delivered, so rows are never read twice or skipped.
    """

    FAST_BLOCK = 8 << 20

    def __init__(
        self,
        path: PathArg,
        *,
        header_score: HeaderScore | None = None,
        batch_size: int = BATCH_SIZE,
        fast: bool = True,
        scan: CSVScan | None = None,
    ) -> None:
        self.path = Path(path)
        self.scan = scan
        self.header_score = header_score
        self.batch_size = batch_size
        self.fast = fast
        self.encoding: str | None = None
        self.header_line: int | None = None
        self.mode: str | None = None  # "fast", "python" or "fast+python"
        self._quoted = True
        self.skipped_sheets: list[str] = []

    def peek(self) -> Peek:
        with open(self.path, "rb") as fh:
            records, _, _ = self._head(_Lines(fh))
            return [(None, [cells for _, cells, _ in records])]

    @staticmethod
    def _head(src: _Lines) -> tuple[list[tuple[int, list[str], int]], list[str], str]:
        """The first non-blank records, for header detection: (start line, cells, n lines),
        every line consumed so far, and the delimiter."""
        sample: list[str] = []
        for _ in range(HEADER_SEARCH_ROWS):
            try:
                sample.append(next(src))
            except StopIteration:
                break
        src.push_back(sample)
        delimiter = _sniff_delimiter(sample)
        consumed: list[str] = []
        src.rec = consumed
        reader = csv.reader(src, delimiter=delimiter)
        records: list[tuple[int, list[str], int]] = []
        while len(records) < HEADER_SEARCH_ROWS:
            before = len(consumed)
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error:
                cells = [consumed[before]] if len(consumed) > before else [""]
                reader = csv.reader(src, delimiter=delimiter)
            if any(c.strip() for c in cells):
                records.append((before + 1, cells, len(consumed) - before))
        return records, consumed, delimiter

    def __iter__(self) -> Iterator[Batch]:
        if self.scan is None:
            self.scan = scan_csv(self.path)
        encoding, bare_cr, self._quoted = self.scan.encoding, self.scan.bare_cr, self.scan.quote
        self.encoding = encoding
        with open(self.path, "rb") as fh:
            src = _Lines(fh, encoding=encoding)
            records, consumed, delimiter = self._head(src)
        if not records:
            return
        h, _ = pick_header([cells for _, cells, _ in records], self.header_score)
        start, cells, n = records[h]
        header = header_text(cells)
        end = start + n - 1
        self.header_line = start
        simple_head = all(s == i + 1 and k == 1 for i, (s, _, k) in enumerate(records[: h + 1]))
        resume = end + 1
        if (
            self.fast
            and encoding in ("utf-8", "gb18030")
            and not bare_cr
            and simple_head
            and len(header) > 1
        ):
            self.mode = "fast"
            fast_end = yield from self._fast(header, delimiter, end, encoding)
            if fast_end is None:
                return
            resume = fast_end
            self.mode = "fast+python"
        else:
            self.mode = "python"
        with open(self.path, "rb") as fh:
            src = _Lines(fh, encoding=encoding, skip=resume - 1)
            yield from self._rows(src, header, delimiter, resume - 1)

    # ---------------------------------------------------------------- fast mode (Arrow)

    def _fast(
        self, header: tuple[str, ...], delimiter: str, end: int, encoding: str
    ) -> Generator[Batch, None, int | None]:
        """Yield batches parsed by Arrow; return None when done, or the first line the
        Python mode must continue from."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        ncols = len(header)
        names = [f"c{j}" for j in range(ncols)]
        invalid: dict[int, str] = {}

        def handler(row: Any) -> str:
            if row.number is None or "\n" in row.text or "\r" in row.text:
                return "error"  # e.g. an unclosed quote swallowed lines: Python mode
            invalid[row.number] = row.text
            return "skip"

        try:
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(
                    use_threads=False,
                    block_size=self.FAST_BLOCK,
                    skip_rows=end,
                    column_names=names,
                    encoding="utf8" if encoding == "utf-8" else encoding,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=handler,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={nm: pa.string() for nm in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (_Fallback, pa.ArrowException, OSError, ValueError):
            return end + 1
        next_line = end + 1  # first physical line not yet delivered
        batches = _Prefetch(reader.read_next_batch)
        try:
            while True:
                try:
                    rb = batches.next()
                except StopIteration:
                    break
                except (_Fallback, pa.ArrowException, ValueError, UnicodeDecodeError):
                    return next_line
                resume = yield from self._fast_batch(rb, header, delimiter, invalid, next_line)
                if isinstance(resume, tuple):
                    return resume[0]
                next_line = resume
        finally:
            batches.close()
        # invalid rows after the last data row
        problems: list[RowProblem] = []
        for x in sorted(invalid):
            cells = self._cells(invalid[x], delimiter)
            if len(cells) > ncols and not any(c.strip() for c in cells[ncols:]):
                if problems:
                    yield Batch(
                        None,
                        header,
                        [],
                        columns=[pa.array([], pa.string())] * ncols,
                        problems=problems,
                        text=True,
                    )
                return x
            problems.append(
                RowProblem(
                    x,
                    None,
                    "ragged_row",
                    raw_dict(header, cells),
                    f"{len(cells)} cells, header has {ncols}",
                )
            )
        yield Batch(
            None,
            header,
            [],
            columns=[pa.array([], pa.string())] * ncols,
            problems=problems,
            text=True,
        )
        return None

    def _fast_batch(
        self,
        rb: Any,
        header: tuple[str, ...],
        delimiter: str,
        invalid: dict[int, str],
        next_line: int,
    ) -> Generator[Batch, None, int | tuple[int]]:
        """Deliver one Arrow batch; returns the next line, or (line,) to fall back there."""
        import pyarrow.compute as pc

        ncols = len(header)
        if True:  # (kept as a block: the body was the fast loop's)
            cols = rb.columns
            k: int = rb.num_rows
            if self._quoted:  # a value spanning lines: let the Python mode read it exactly
                for c in cols:
                    data = c.buffers()[2]
                    if data is not None:
                        raw = data.to_pybytes()
                        if b"\n" in raw or b"\r" in raw:
                            return (next_line,)
            pend = [x for x in sorted(list(invalid)) if x >= next_line]
            if not pend or pend[0] >= next_line + k:
                lines = list(range(next_line, next_line + k))
                last = next_line + k - 1
                used: list[int] = []
            else:
                lines, used, j, line = [], [], 0, next_line
                for _ in range(k):
                    while j < len(pend) and pend[j] == line:
                        used.append(line)
                        j += 1
                        line += 1
                    lines.append(line)
                    line += 1
                last = line - 1
            problems: list[RowProblem] = []
            for x in used:
                cells = self._cells(invalid[x], delimiter)
                if len(cells) > ncols and not any(c.strip() for c in cells[ncols:]):
                    return (next_line,)  # stray trailing delimiters: Python mode accepts them
                problems.append(
                    RowProblem(
                        x,
                        None,
                        "ragged_row",
                        raw_dict(header, cells),
                        f"{len(cells)} cells, header has {ncols}",
                    )
                )
                del invalid[x]
            total = None  # rows whose cells are all empty are blank lines: skipped
            for c in cols:
                n = pc.binary_length(c)
                total = n if total is None else pc.add(total, n)
            if k and pc.min(total).as_py() == 0:
                blank = pc.equal(total, 0)
                keep = pc.invert(blank)
                cols = [pc.filter(c, keep) for c in cols]
                lines = [ln for ln, b in zip(lines, blank.to_pylist(), strict=True) if not b]
            yield Batch(None, header, lines, columns=list(cols), problems=problems, text=True)
            return last + 1

    @staticmethod
    def _cells(text: str, delimiter: str) -> list[str]:
        try:
            return next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return [text]

    # ---------------------------------------------------------------- Python mode

    def _rows(
        self, src: _Lines, header: tuple[str, ...], delimiter: str, phys: int
    ) -> Iterator[Batch]:
        ncols = len(header)
        bs = self.batch_size
        reader = csv.reader(src, delimiter=delimiter)
        rows: list[list[str]] = []
        lines: list[int] = []
        problems: list[RowProblem] = []
        yielded = False
        while True:
            rec: list[str] = []
            src.rec = rec
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # e.g. a quoted field larger than the csv field limit
                start = phys + 1
                problems.append(
                    self._broken(rec[0] if rec else "", header, start, str(exc), delimiter)
                )
                src.push_back(rec[1:])
                phys = start
                reader = csv.reader(src, delimiter=delimiter)
                continue
            n = len(rec)
            start = phys + 1
            phys += n
            if len(cells) != ncols:
                if not any(cells):
                    continue  # blank line
                if len(cells) > ncols and not any(c.strip() for c in cells[ncols:]):
                    cells = cells[:ncols]  # trailing empty cells (stray delimiters)
                elif n > 1:
                    # A quote that never closes swallowed the following lines: quarantine the
                    # first line and read the rest again.
                    problems.append(
                        self._broken(rec[0], header, start, "unbalanced quote", delimiter)
                    )
                    src.push_back(rec[1:])
                    phys = start
                    reader = csv.reader(src, delimiter=delimiter)
                    continue
                else:
                    problems.append(
                        RowProblem(
                            start,
                            None,
                            "ragged_row",
                            raw_dict(header, cells),
                            f"{len(cells)} cells, header has {ncols}",
                        )
                    )
                    if len(rows) + len(problems) >= bs:
                        yielded = True
                        yield Batch(None, header, lines, rows, problems=problems, text=True)
                        rows, lines, problems = [], [], []
                    continue
            elif n > 1 and "".join(rec).count('"') % 2:
                problems.append(self._broken(rec[0], header, start, "unbalanced quote", delimiter))
                src.push_back(rec[1:])
                phys = start
                reader = csv.reader(src, delimiter=delimiter)
                continue
            elif not any(cells):
                continue
            rows.append(cells)
            lines.append(start)
            if len(rows) + len(problems) >= bs:
                yielded = True
                yield Batch(None, header, lines, rows, problems=problems, text=True)
                rows, lines, problems = [], [], []
        if rows or problems or not yielded:
            yield Batch(None, header, lines, rows, problems=problems, text=True)

    @staticmethod
    def _broken(
        line: str, header: tuple[str, ...], start: int, detail: str, delimiter: str = ","
    ) -> RowProblem:
        text = line.rstrip("\r\n")
        try:
            cells = next(csv.reader([text], delimiter=delimiter))
        except (csv.Error, StopIteration):
            cells = [text]
        raw = raw_dict(header, cells)
        return RowProblem(start, None, "ragged_row", raw, detail)
