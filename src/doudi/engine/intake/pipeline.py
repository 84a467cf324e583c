"""Ingest one delivered file (or one pushed JSON batch) into the lake.

``ingest_file`` and ``ingest_records`` never raise for bad input: every outcome is a
:class:`FileResult` — ``ingested`` (rows accepted and/or quarantined), ``duplicate`` (the same
content was delivered before; nothing changes) or ``failed`` with a file-level ``error``
(``unsupported_type``, ``empty_file``, ``too_large``, ``unknown_feed``, ``missing_columns``,
``duplicate_columns``, ``no_rows``, ``bad_encoding``, ``zip_bomb``, ``unreadable``,
``internal_error``). A failed file leaves the lake exactly as it was, and for every other file
``result.balanced`` holds.

A delivery with no accepted row (every row quarantined) is reported as ``ingested`` but writes
nothing: an all-bad file must not replace a snapshot feed's current data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from doudi.engine.catalogue import Catalogue, Feed, load_catalogue, normalise_header
from doudi.engine.intake.readers import open_reader
from doudi.engine.intake.readers.base import Batch, IntakeError, XlsxLimits, detect_format
from doudi.engine.intake.readers.csv_reader import scan_csv
from doudi.engine.intake.readers.json_reader import iter_records
from doudi.engine.intake.results import FileResult, Reason
from doudi.engine.intake.validate import Validator
from doudi.engine.lake import Delivery, Lake

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 << 30  # 2 GiB
# A snapshot delivery with fewer accepted rows than this share of the snapshot in force is
# held for confirmation (a truncated export must not silently replace a full one).
DEFAULT_MIN_SNAPSHOT_RATIO = 0.8
PROGRESS_EVERY = 10_000


def _catalogue(catalogue: Catalogue | None) -> Catalogue:
    return load_catalogue() if catalogue is None else catalogue


def _lake(lake: Lake | str | os.PathLike[str]) -> Lake:
    return lake if isinstance(lake, Lake) else Lake(lake)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _score(feed: Feed, cells: list[str]) -> tuple[int, bool]:
    """(distinct fields a header row maps to, whether it maps the record key)."""
    hm = feed.header_map()
    fields = {hm.get(normalise_header(c)) for c in cells if c}
    fields.discard(None)
    return len(fields), feed.record_key in fields


def resolve_feed(
    path: Path,
    fmt: str,
    catalogue: Catalogue,
    feed_id: str | None = None,
    *,
    xlsx_limits: XlsxLimits | None = None,
) -> Feed:
    """The explicit feed id; else the parent folder's name; else the longest file-name prefix
    (cut at ``_`` or ``.``) that is a feed id; else the feed whose header map covers most of
    the file's header (and its record key). Otherwise ``unknown_feed``."""
    feeds = catalogue.feeds
    if feed_id is not None:
        if feed_id not in feeds:
            raise IntakeError("unknown_feed", f"数据项{feed_id}不存在", f"no feed {feed_id!r}")
        return feeds[feed_id]
    if path.parent.name in feeds:
        return feeds[path.parent.name]
    name = path.name
    cuts = sorted((i for i, ch in enumerate(name) if ch in "_."), reverse=True)
    for i in cuts:
        if name[:i] in feeds:
            return feeds[name[:i]]
    # By header: look at the first rows of every table in the file.
    tables = open_reader(path, fmt, xlsx_limits=xlsx_limits).peek()
    best: list[tuple[int, str]] = []
    for feed in feeds.values():
        top = 0
        for _, rows in tables:
            for cells in rows:
                n, has_key = _score(feed, cells)
                if has_key and n >= 2:
                    top = max(top, n)
        if top:
            best.append((top, feed.id))
    best.sort(reverse=True)
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        detail = (
            ("多个数据项同样匹配：" + "、".join(f for _, f in best[:3]))
            if best
            else "表头与任何数据项都不匹配"
        )
        raise IntakeError(
            "unknown_feed", detail, "ambiguous header" if best else "the header matches no feed"
        )
    return feeds[best[0][1]]


def ingest_file(
    path: str | os.PathLike[str],
    *,
    lake: Lake | str | os.PathLike[str],
    catalogue: Catalogue | None = None,
    feed_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int], None] | None = None,
    xlsx_limits: XlsxLimits | None = None,
    max_quarantine: int = 100_000,
    today: dt.date | None = None,
    min_snapshot_ratio: float = DEFAULT_MIN_SNAPSHOT_RATIO,
) -> FileResult:
    """Read, validate and write one delivered file. Never raises for bad input.

    A snapshot delivery is held (``status="held"``, written but not in force) when it has
    fewer accepted rows than ``min_snapshot_ratio`` of the snapshot in force, or lacks the
    column the catalogue identifies people by; an event file lacking it fails."""
    started = time.monotonic()
    path = Path(path)
    result = FileResult(source=str(path), feed_id=feed_id, content_hash="", status="failed")
    try:
        fmt = detect_format(path)
        if fmt is None:
            raise IntakeError(
                "unsupported_type", path.suffix or path.name, path.suffix or path.name
            )
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IntakeError("unreadable", "文件不存在或无法访问", str(exc)) from None
        if size == 0:
            raise IntakeError("empty_file")
        if size > max_bytes:
            raise IntakeError(
                "too_large", f"{size}字节，上限{max_bytes}字节", f"{size} bytes, limit {max_bytes}"
            )
        scan = None
        if fmt == "csv":  # hash and encoding in one pass, before any row is parsed
            try:
                scan = scan_csv(path)
            except IntakeError as exc:
                result.content_hash = getattr(exc, "sha256", "")
                raise
            result.content_hash = scan.sha256
        else:
            result.content_hash = sha256_file(path)
        cat = _catalogue(catalogue)
        feed = resolve_feed(path, fmt, cat, feed_id, xlsx_limits=xlsx_limits)
        result.feed_id = feed.id
        validator = Validator(feed, today=today, max_quarantine=max_quarantine)
        reader = open_reader(
            path, fmt, header_score=validator.header_score, xlsx_limits=xlsx_limits, scan=scan
        )
        try:
            _run(
                reader,
                validator,
                feed,
                _lake(lake),
                result,
                progress,
                min_snapshot_ratio=min_snapshot_ratio,
            )
        finally:
            validator.close()
        result.encoding = getattr(reader, "encoding", None)
        result.skipped_sheets = list(getattr(reader, "skipped_sheets", []))
    except IntakeError as exc:
        _fail(result, exc.reason)
    except Exception as exc:  # noqa: BLE001 - the process must never crash on a delivery
        _log_crash("intake of %s failed", path.name, exc)
        _fail(result, IntakeError("internal_error", type(exc).__name__, type(exc).__name__).reason)
    result.seconds = time.monotonic() - started
    return result


def canonical_json(records: list[Any]) -> bytes:
    return json.dumps(
        records, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def ingest_records(
    records: list[dict[str, Any]],
    *,
    feed_id: str,
    lake: Lake | str | os.PathLike[str],
    catalogue: Catalogue | None = None,
    source: str = "push",
    supplement: bool = False,
    progress: Callable[[int], None] | None = None,
    max_quarantine: int = 100_000,
    today: dt.date | None = None,
    min_snapshot_ratio: float = DEFAULT_MIN_SNAPSHOT_RATIO,
) -> FileResult:
    """Validate and write a pushed JSON batch (a list of objects). The content hash is the
    sha256 of a canonical JSON form (sorted keys, no spaces), so the same batch pushed twice
    is a duplicate. ``supplement=True`` adds the rows to a snapshot feed's current snapshot
    (corrected quarantined rows) instead of replacing it."""
    started = time.monotonic()
    result = FileResult(
        source=f"{source}:{feed_id}", feed_id=feed_id, content_hash="", status="failed"
    )
    try:
        if not isinstance(records, list):
            raise IntakeError("unreadable", "推送内容应为对象数组", "expected a list of objects")
        result.content_hash = hashlib.sha256(canonical_json(records)).hexdigest()
        if not records:
            raise IntakeError("empty_file", "没有记录", "no records")
        cat = _catalogue(catalogue)
        if feed_id not in cat.feeds:
            raise IntakeError("unknown_feed", f"数据项{feed_id}不存在", f"no feed {feed_id!r}")
        feed = cat.feeds[feed_id]
        validator = Validator(feed, today=today, max_quarantine=max_quarantine)
        try:
            _run(
                iter_records(records),
                validator,
                feed,
                _lake(lake),
                result,
                progress,
                supplement=supplement,
                min_snapshot_ratio=min_snapshot_ratio,
            )
        finally:
            validator.close()
    except IntakeError as exc:
        _fail(result, exc.reason)
    except Exception as exc:  # noqa: BLE001
        _log_crash("intake of a pushed batch for %s failed", feed_id, exc)
        _fail(result, IntakeError("internal_error", type(exc).__name__, type(exc).__name__).reason)
    result.seconds = time.monotonic() - started
    return result


def _log_crash(message: str, subject: str, exc: BaseException) -> None:
    """Log an unexpected error with its stack but without its message: messages of parsing
    errors can quote cell values, and logs never hold personal data."""
    import traceback

    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error(message + ": %s\n%s", subject, type(exc).__name__, frames)


def _fail(result: FileResult, reason: Reason) -> None:
    result.status = "failed"
    result.error = reason
    result.rows_read = result.accepted = result.quarantined = 0
    result.written = result.duplicates = 0
    result.flagged = {}
    result.reasons = {}
    result.quarantine = []
    result.quarantine_not_listed = 0
    result.lake_path = None


def _run(
    batches: Iterable[Batch],
    validator: Validator,
    feed: Feed,
    lake: Lake,
    result: FileResult,
    progress: Callable[[int], None] | None,
    *,
    supplement: bool = False,
    min_snapshot_ratio: float = DEFAULT_MIN_SNAPSHOT_RATIO,
) -> None:
    with lake.delivery(
        feed, result.content_hash, validator.schema, supplement=supplement
    ) as delivery:
        if delivery.duplicate:
            result.status = "duplicate"
            return
        next_mark = PROGRESS_EVERY
        bound = False
        for batch in batches:
            table = validator.validate(batch)
            bound = True
            delivery.write(table)
            while progress is not None and validator.rows_read >= next_mark:
                progress(next_mark)
                next_mark += PROGRESS_EVERY
        if not bound:
            raise IntakeError("empty_file", "没有表头", "no header row")
        if validator.rows_read == 0 and feed.semantics == "snapshot" and not supplement:
            # An empty snapshot would wipe the feed's current data: refuse it clearly. A first
            # one replaces nothing (a small district may have nobody in a feed): nothing is
            # written. For an event feed a header-only file means "no new events".
            if delivery.previous_rows() is not None:
                raise IntakeError(
                    "no_rows",
                    "现行全量数据继续有效；请重新导出完整数据",
                    "the snapshot in force stays; export the full data again",
                )
        result.rows_read = validator.rows_read
        result.accepted = validator.accepted
        result.quarantined = validator.quarantined
        result.duplicates = validator.duplicates
        result.flagged = dict(sorted(validator.flagged.items()))
        result.quarantine = validator.quarantine
        result.reasons = dict(sorted(validator.reasons.items()))
        result.quarantine_not_listed = validator.quarantine_not_listed
        result.unknown_headers = list(validator.unknown_headers)
        missing = validator.identity_missing
        if missing is not None and (feed.semantics != "snapshot" or supplement):
            zh, en = missing.split(" / ", 1)
            raise IntakeError("missing_identity", zh, en)
        if validator.accepted == 0:
            delivery.abort()
            result.status = "ingested"
            return
        # Nothing lost (checked before the commit point, so a bug cannot publish a bad lake).
        if (
            validator.accepted + validator.quarantined != validator.rows_read
            or delivery.staged + validator.duplicates != validator.accepted
        ):
            raise RuntimeError("row accounting does not balance")
        hold = _hold(feed, validator, delivery, supplement, min_snapshot_ratio, result)
        written, dropped = delivery.commit(hold=hold is not None)
        result.written = written
        result.duplicates += dropped
        result.lake_path = str(delivery.final)
        result.status = "ingested" if hold is None else "held"
        result.hold = hold


def _hold(
    feed: Feed,
    validator: Validator,
    delivery: Delivery,
    supplement: bool,
    min_ratio: float,
    result: FileResult,
) -> Reason | None:
    """Why this snapshot delivery must wait for a data officer's confirmation (``None``: it
    need not). An event file without its identity column has failed before this."""
    missing = validator.identity_missing
    if feed.semantics != "snapshot" or supplement:
        return None
    if missing is not None:
        zh, en = missing.split(" / ", 1)
        return Reason("missing_identity", f"缺少识别人员的列：{zh}", f"no identity column: {en}")
    previous = delivery.previous_rows()
    result.previous_rows = previous
    if previous and delivery.staged < min_ratio * previous:
        share = delivery.staged / previous
        return Reason(
            "snapshot_shrunk",
            f"本次全量数据只有{delivery.staged}行，是现行数据（{previous}行）的{share:.0%}，"
            f"低于{min_ratio:.0%}：可能是导出不完整；确认无误后再启用，否则撤回",
            f"this snapshot has {delivery.staged} rows, {share:.0%} of the {previous} in force "
            f"(below {min_ratio:.0%}): possibly a truncated export; confirm it if it is right, "
            "otherwise withdraw it",
        )
    return None
