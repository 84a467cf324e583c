"""The lake: one Parquet file per feed and delivery, and a manifest per feed.

Layout::

    root/<feed_id>/<content_hash>.parquet   one accepted delivery (rows in the feed schema)
    root/<feed_id>/_manifest.json           {"feed", "semantics", "deliveries": [{"hash",
                                             "file", "rows"}], "current": hash | null}
    root/.locks/<feed_id>.lock               advisory lock held while a delivery is written

The manifest has no timestamps, so an interrupted-then-resumed ingest and an uninterrupted one
give identical lakes. A delivery exists only once the manifest lists it: Parquet is written to
``.tmp-*.parquet`` and renamed, then the manifest is written to a temporary file, fsynced and
renamed over the old one. Leftovers of a killed run (temporary files, a renamed Parquet file the
manifest never listed) are removed by the next write to that feed.

Snapshot feeds: the newest delivery becomes ``current`` (older files stay for history); the view
reads the current file only. Event feeds: ``current`` is null, deliveries append, rows whose
record key is already in an earlier delivery are dropped (counted as duplicates); the view reads
every delivery.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from doudi.engine.catalogue import Feed

MANIFEST = "_manifest.json"
# a feed's manifest: {"feed", "semantics", "deliveries": [{"hash", "file", "rows"}], "current"}
Manifest = dict[str, Any]
ROW_GROUP_ROWS = 128 * 1024
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_str(s: str | os.PathLike[str]) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _ident(s: str) -> str:
    return '"' + str(s).replace('"', '""') + '"'


def _parquet_list(paths: Iterable[str | os.PathLike[str]]) -> str:
    return "[" + ", ".join(_sql_str(p) for p in paths) + "]"


def arrow_type(field_type: str) -> pa.DataType:
    return {
        "date": pa.date32(),
        "money": pa.int64(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
    }.get(field_type, pa.string())


def feed_schema(feed: Feed) -> pa.Schema:
    """The lake schema: canonical fields, then id_number_raw/id_flag (person-level feeds),
    then _line and _sheet."""
    cols = [pa.field(f.name, arrow_type(f.type)) for f in feed.fields]
    if feed.person_level:
        cols += [pa.field("id_number_raw", pa.string()), pa.field("id_flag", pa.string())]
    cols += [pa.field("_line", pa.int64()), pa.field("_sheet", pa.string())]
    return pa.schema(cols)


class Lake:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Lake({str(self.root)!r})"

    # ------------------------------------------------------------------ reading

    def feed_dir(self, feed_id: str) -> Path:
        return self.root / feed_id

    def manifest(self, feed_id: str) -> Manifest | None:
        path = self.feed_dir(feed_id) / MANIFEST
        try:
            manifest: Manifest = json.loads(path.read_text(encoding="utf-8"))
            return manifest
        except FileNotFoundError:
            return None

    def feed_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if not p.name.startswith(".") and (p / MANIFEST).is_file()
        )

    def files(self, feed_id: str) -> list[Path]:
        """The Parquet files a view of the feed reads."""
        m = self.manifest(feed_id)
        if m is None or not m:
            return []
        d = self.feed_dir(feed_id)
        if m["semantics"] == "snapshot":
            # The current snapshot plus the supplements (corrected rows) delivered since.
            wanted = [m["current"], *m.get("supplements", [])]
            by_hash = {e["hash"]: d / e["file"] for e in m["deliveries"]}
            return [by_hash[h] for h in wanted if h in by_hash]
        return [d / e["file"] for e in m["deliveries"]]

    def has_delivery(self, feed_id: str, content_hash: str) -> bool:
        m = self.manifest(feed_id)
        return m is not None and any(e["hash"] == content_hash for e in m["deliveries"])

    def connect(
        self, catalogue: Iterable[Feed] | None = None, *, database: str = ":memory:"
    ) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection with one view per feed (snapshot: the current file; events: all
        deliveries). With a catalogue, feeds without deliveries get an empty typed view."""
        con = duckdb.connect(database)
        done = set()
        for feed_id in self.feed_ids():
            files = self.files(feed_id)
            if not files:
                continue
            con.execute(
                f"CREATE OR REPLACE VIEW {_ident(feed_id)} AS SELECT * FROM "
                f"read_parquet({_parquet_list(files)}, union_by_name = true)"
            )
            done.add(feed_id)
        if catalogue is not None:
            for feed in catalogue:
                if feed.id in done:
                    continue
                cols = ", ".join(
                    f"CAST(NULL AS {_duck_type(f.type)}) AS {_ident(f.name)}"
                    for f in feed_schema(feed)
                )
                con.execute(
                    f"CREATE OR REPLACE VIEW {_ident(feed.id)} AS SELECT {cols} WHERE false"
                )
        return con

    def state(self) -> dict[str, Any]:
        """A plain description of the lake for tests: manifests, the files on disk, and per
        listed file its row count and a checksum of its rows (content and order)."""
        out: dict[str, Any] = {}
        if not self.root.is_dir():
            return out
        con = duckdb.connect()
        try:
            for d in sorted(
                p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")
            ):
                m = self.manifest(d.name)
                files: dict[str, dict[str, Any]] = {}
                for e in (m or {}).get("deliveries", []):
                    path = d / e["file"]
                    row = con.execute(
                        "SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM "
                        f"read_parquet({_sql_str(path)}, file_row_number = true) t"
                    ).fetchone()
                    assert row is not None  # an aggregate gives one row
                    rows, checksum = row
                    files[e["file"]] = {"rows": rows, "checksum": checksum}
                on_disk = sorted(p.name for p in d.iterdir())
                out[d.name] = {"manifest": m, "files": files, "on_disk": on_disk}
        finally:
            con.close()
        return out

    def held(self, feed_id: str) -> list[str]:
        """Hashes of the feed's snapshot deliveries held for confirmation."""
        m = self.manifest(feed_id)
        return [e["hash"] for e in (m or {}).get("deliveries", []) if e.get("held")]

    def confirm(self, feed_id: str, content_hash: str) -> bool:
        """Put a held snapshot delivery in force (it replaces the current snapshot). Returns
        False when no such held delivery exists."""
        return self._decide(feed_id, content_hash, confirm=True)

    def withdraw(self, feed_id: str, content_hash: str) -> bool:
        """Drop a held snapshot delivery: unlisted and deleted; the current one stays."""
        return self._decide(feed_id, content_hash, confirm=False)

    def _decide(self, feed_id: str, content_hash: str, *, confirm: bool) -> bool:
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        fd = os.open(locks / f"{feed_id}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            m = self.manifest(feed_id)
            entry = next(
                (
                    e
                    for e in (m or {}).get("deliveries", [])
                    if e["hash"] == content_hash and e.get("held")
                ),
                None,
            )
            if m is None or entry is None:
                return False
            folder = self.feed_dir(feed_id)
            if confirm:
                del entry["held"]
                m["current"], m["supplements"] = content_hash, []
                _write_manifest(folder, m)
            else:
                m["deliveries"] = [e for e in m["deliveries"] if e is not entry]
                _write_manifest(folder, m)
                (folder / entry["file"]).unlink(missing_ok=True)
            return True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # ------------------------------------------------------------------ writing

    def delivery(
        self, feed: Feed, content_hash: str, schema: pa.Schema, *, supplement: bool = False
    ) -> Delivery:
        """``supplement``: for a snapshot feed, add these rows to the current snapshot (corrected
        quarantined rows) instead of replacing it."""
        return Delivery(self, feed, content_hash, schema, supplement=supplement)


def _duck_type(arrow: pa.DataType) -> str:
    if arrow == pa.date32():
        return "DATE"
    if arrow == pa.int64():
        return "BIGINT"
    if arrow == pa.bool_():
        return "BOOLEAN"
    return "VARCHAR"


class Delivery:
    """Writing one delivery of one feed. Use as a context manager::

        with lake.delivery(feed, content_hash, schema) as d:
            if d.duplicate: ...
            d.write(table) ...
            written, dropped = d.commit()

    Leaving the block without ``commit()`` (an exception, a refused file) removes the
    temporary file: the lake stays exactly as it was.
    """

    def __init__(
        self,
        lake: Lake,
        feed: Feed,
        content_hash: str,
        schema: pa.Schema,
        *,
        supplement: bool = False,
    ) -> None:
        self.lake = lake
        self.supplement = supplement and feed.semantics == "snapshot"
        self.feed = feed
        self.hash = content_hash
        self.schema = schema
        self.dir = lake.feed_dir(feed.id)
        self.tmp = self.dir / f".tmp-{content_hash[:16]}-{os.getpid()}.parquet"
        self.final = self.dir / f"{content_hash}.parquet"
        self._lock_fd: int | None = None
        self._writer: pq.ParquetWriter | None = None
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._buffer: list[pa.Table] = []
        self._buffered = 0
        self.rows = 0
        self.duplicate = False
        self.committed = False
        self._published = False
        self._made_dir = False
        self.manifest: Manifest | None = None
        self.hold = False

    def __enter__(self) -> Delivery:
        locks = self.lake.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(locks / f"{self.feed.id}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self.manifest = self.lake.manifest(self.feed.id)
        self.duplicate = self.manifest is not None and any(
            e["hash"] == self.hash for e in self.manifest["deliveries"]
        )
        if not self.duplicate and self.dir.is_dir():
            self._clean()
        return self

    def _ensure_dir(self) -> None:
        if not self.dir.is_dir():
            self.dir.mkdir(parents=True)
            self._made_dir = True

    def __exit__(self, *exc: object) -> None:
        try:
            if not self.committed:
                self.abort()
        finally:
            if self._lock_fd is not None:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
                self._lock_fd = None

    def _clean(self) -> None:
        """Remove what a killed run left: temporary files, and Parquet files no manifest lists."""
        listed = {e["file"] for e in (self.manifest or {}).get("deliveries", [])}
        for p in self.dir.iterdir():
            name = p.name
            if (
                name.startswith(".tmp-")
                or name.startswith(MANIFEST + ".tmp")
                or (name.endswith(".parquet") and not name.startswith(".") and name not in listed)
            ):
                p.unlink(missing_ok=True)

    @property
    def staged(self) -> int:
        """Rows handed to this delivery so far."""
        return self.rows + self._buffered

    def write(self, table: pa.Table) -> None:
        """Queue rows for the background writer (Parquet encoding releases the GIL, so it
        overlaps with validation on another core)."""
        if table.num_rows == 0:
            return
        self._buffer.append(table)
        self._buffered += table.num_rows
        if self._buffered >= ROW_GROUP_ROWS:
            self._send()

    def _send(self) -> None:
        if not self._buffer:
            return
        table = pa.concat_tables(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        self._buffer, self._buffered = [], 0
        self.rows += table.num_rows
        if self._thread is None:
            self._ensure_dir()
            self._thread = threading.Thread(
                target=self._write_loop, name="lake-writer", daemon=True
            )
            self._thread.start()
        self._check_writer()
        self._queue.put(table)

    def _write_loop(self) -> None:
        while True:
            table = self._queue.get()
            if table is None:
                return
            if self._error is not None:
                continue  # keep draining so the producer never blocks
            try:
                if self._writer is None:
                    self._writer = pq.ParquetWriter(
                        self.tmp,
                        self.schema,
                        compression=COMPRESSION,
                        compression_level=COMPRESSION_LEVEL,
                    )
                self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._error = exc

    def _check_writer(self) -> None:
        if self._error is not None:
            raise self._error

    def _stop_writer(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _close_writer(self) -> None:
        self._send()
        self._stop_writer()
        self._check_writer()
        if self._writer is None:  # nothing written: an empty file with the schema
            self._ensure_dir()
            self._writer = pq.ParquetWriter(
                self.tmp, self.schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL
            )
        self._writer.close()
        self._writer = None

    def previous_rows(self) -> int | None:
        """Rows of the snapshot in force before this delivery (``None``: none yet)."""
        m = self.manifest
        if not m or m.get("current") is None:
            return None
        rows = {e["hash"]: e["rows"] for e in m["deliveries"]}
        return int(rows.get(m["current"], 0)) + sum(
            int(rows.get(h, 0)) for h in m.get("supplements", [])
        )

    def commit(self, *, hold: bool = False) -> tuple[int, int]:
        """Make the delivery visible. Returns (rows written, rows dropped because their
        record key is already in an earlier delivery of an event feed). ``hold``: a snapshot
        is written and listed as held, and the current snapshot stays in force until
        :meth:`Lake.confirm` (or :meth:`Lake.withdraw`)."""
        self.hold = hold and self.feed.semantics == "snapshot" and not self.supplement
        self._close_writer()
        dropped = 0
        earlier = [self.dir / e["file"] for e in (self.manifest or {}).get("deliveries", [])]
        if self.feed.semantics == "events" and earlier and self.rows:
            dropped = self._drop_known_keys(earlier)
        written = self.rows - dropped
        _fsync_file(self.tmp)
        os.replace(self.tmp, self.final)
        try:
            self._publish(written)
        except BaseException:
            if not self._published:  # not listed: the delivery does not exist
                self.final.unlink(missing_ok=True)
            raise
        self.committed = True
        return written, dropped

    def _publish(self, written: int) -> None:
        """Write the new manifest (temporary file, fsync, rename): the commit point."""
        _fsync_dir(self.dir)
        m: Manifest = self.manifest or {
            "feed": self.feed.id,
            "semantics": self.feed.semantics,
            "deliveries": [],
            "current": None,
        }
        snapshot = self.feed.semantics == "snapshot"
        entry: dict[str, Any] = {"hash": self.hash, "file": self.final.name, "rows": written}
        if self.hold:
            current, supplements = m["current"], list(m.get("supplements", []))
            entry["held"] = True
        elif self.supplement and m["current"] is not None:
            current, supplements = m["current"], [*m.get("supplements", []), self.hash]
        else:
            current = self.hash if snapshot else None
            supplements = []
        m = {
            "feed": self.feed.id,
            "semantics": self.feed.semantics,
            "deliveries": [*m["deliveries"], entry],
            "current": current,
        }
        if snapshot:
            m["supplements"] = supplements
        _write_manifest(self.dir, m)
        self._published = True
        self.manifest = m

    def _drop_known_keys(self, earlier: list[Path]) -> int:
        """Rewrite the staged file without rows whose key an earlier delivery holds."""
        key = self.feed.record_key

        def kexpr(alias: str) -> str:
            if key == "id_number" and "id_number_raw" in self.schema.names:
                return f"coalesce({alias}.{_ident(key)}, {alias}.id_number_raw)"
            return f"{alias}.{_ident(key)}"

        con = duckdb.connect()
        out = self.dir / f".tmp-{self.hash[:16]}-{os.getpid()}-dedup.parquet"
        try:
            con.execute("SET preserve_insertion_order = true")
            known = (
                f"SELECT DISTINCT {kexpr('x')} AS k FROM "
                f"read_parquet({_parquet_list(earlier)}, union_by_name = true) x"
            )
            cols = ", ".join(f"s.{_ident(n)}" for n in self.schema.names)
            reader = con.sql(
                f"SELECT {cols} FROM read_parquet({_sql_str(self.tmp)}, file_row_number = true) s "
                f"WHERE NOT EXISTS (SELECT 1 FROM ({known}) e WHERE e.k = {kexpr('s')}) "
                "ORDER BY s.file_row_number"
            ).to_arrow_reader(ROW_GROUP_ROWS)
            kept = 0
            with pq.ParquetWriter(
                out, self.schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL
            ) as w:
                for rb in reader:
                    if rb.num_rows:
                        w.write_table(
                            pa.Table.from_batches([rb]).cast(self.schema),
                            row_group_size=ROW_GROUP_ROWS,
                        )
                        kept += rb.num_rows
        finally:
            con.close()
        os.replace(out, self.tmp)
        return self.rows - kept

    def abort(self) -> None:
        self._buffer = []
        try:
            self._stop_writer()
        except Exception:  # noqa: BLE001 - best effort while failing
            pass
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # noqa: BLE001 - best effort while failing
                pass
            self._writer = None
        self._buffer = []
        self.tmp.unlink(missing_ok=True)
        if self._made_dir:  # a first delivery that failed: leave no trace
            try:
                self.dir.rmdir()
            except OSError:
                pass


def _write_manifest(folder: Path, m: Manifest) -> None:
    """Write a manifest (temporary file, fsync, rename): the commit point."""
    tmp = folder / f"{MANIFEST}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(m, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.replace(tmp, folder / MANIFEST)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
