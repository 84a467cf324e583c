"""The DuckDB backend: in-process, the default for linkage and monitoring."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import duckdb
import pandas as pd

from doudi.engine.catalogue import Catalogue
from doudi.engine.lake import Lake

from .base import BackendName, SqlBackend


class DuckDBBackend(SqlBackend):
    """A DuckDB connection (in memory, or ``con`` — e.g. the lake's views)."""

    name: BackendName = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection | None = None,
        *,
        threads: int = 2,
        memory_limit: str | None = None,
    ) -> None:
        self.con = duckdb.connect(":memory:") if con is None else con
        self.record_keys = {}
        # a keyed store attached as ``keyed`` (:mod:`doudi.engine.monitoring.keyed`): feed ->
        # the fingerprint of the persons it was built for, and how to fingerprint persons
        self.keyed: dict[str, Any] = {}
        self.fingerprint: Callable[[pd.DataFrame], Any] | None = None
        self.shared = False  # see :meth:`on_lake`
        self._threads = int(threads)
        self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")

    @classmethod
    def on_lake(
        cls,
        lake: Lake,
        catalogue: Catalogue,
        *,
        threads: int = 2,
        shared: bool = False,
    ) -> DuckDBBackend:
        """A backend on the lake's feed views. ``shared``: the run's tables and views are
        made in the connection's own in-memory database rather than its temporary schema, so
        that a second cursor sees them (:meth:`beside`); they die with it all the same."""
        self = cls(lake.connect(catalogue), threads=threads)
        self.shared = shared
        self.record_keys = {feed.id: feed.record_key for feed in catalogue}
        # The run's tables are temporary and die with the connection: checkpointing them each
        # time the write-ahead log passes 16 MB (DuckDB's default) only costs time — 0.2–0.5 s
        # a time, several times a run.
        self.con.execute("SET checkpoint_threshold = '1TB'")
        # every result the engine reads back is ordered explicitly (or sorted after)
        self.con.execute("SET preserve_insertion_order = false")
        return self

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        return self.con

    @property
    def _temp(self) -> str:
        return "" if self.shared else "TEMP "

    def create(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE {self._temp}TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE {self._temp}VIEW {name} AS {sql}")

    def sibling(self) -> DuckDBBackend:
        """A backend on a second cursor of this connection: the same database (with
        ``shared`` tables: the same run tables), keyed store and record keys; for work in
        another thread. Close it when done."""
        other = DuckDBBackend(self.con.cursor(), threads=self._threads)
        other.record_keys, other.shared = self.record_keys, self.shared
        other.keyed, other.fingerprint = self.keyed, self.fingerprint
        return other

    def run_beside[T](self, work: Callable[[SqlBackend], T]) -> Future[T]:
        """With ``shared`` tables: on a :meth:`sibling` in a thread of its own (DuckDB
        releases the interpreter while it works), so the work runs beside the run's next
        steps and the Python work between them."""
        if not self.shared:
            return super().run_beside(work)
        other = self.sibling()

        def run() -> T:
            try:
                return work(other)
            finally:
                other.close()

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="doudi-beside")
        try:
            return pool.submit(run)
        finally:
            pool.shutdown(wait=False)

    def run_steps(
        self,
        steps: Sequence[tuple[str, Collection[str], Callable[[SqlBackend], None]]],
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        """With ``shared`` tables: on two :meth:`sibling` cursors, each in a thread, taking
        the steps in order — two steps that do not read each other run side by side. A query
        on a household-sized table runs on one or two of DuckDB's threads (it splits a scan
        by row groups of 122,880 rows): a second query beside it keeps the cores busy."""
        if not self.shared:
            super().run_steps(steps, on_done)
            return
        done: dict[str, Future[None]] = {}
        local = threading.local()
        lanes: list[DuckDBBackend] = []
        lock = threading.Lock()

        def lane() -> DuckDBBackend:
            mine: DuckDBBackend | None = getattr(local, "backend", None)
            if mine is None:
                mine = local.backend = self.sibling()
                with lock:
                    lanes.append(mine)
            return mine

        def run(name: str, reads: Collection[str], work: Callable[[SqlBackend], None]) -> None:
            for read in reads:  # taken in order: each was started before this step
                done[read].result()
            work(lane())
            if on_done is not None:
                on_done(name)

        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="doudi-steps")
        try:
            for name, reads, work in steps:
                unknown = set(reads) - set(done)
                if unknown:
                    raise ValueError(f"step {name} reads {sorted(unknown)}: not an earlier step")
                done[name] = pool.submit(run, name, reads, work)
        finally:
            pool.shutdown(wait=True)
            for other in lanes:
                other.close()
        for future in done.values():
            future.result()  # the first failure, in the steps' order

    def keyed_feeds(self, persons: pd.DataFrame) -> set[str]:
        if not self.keyed or self.fingerprint is None:
            return set()
        fingerprint = self.fingerprint(persons)
        return {feed for feed, built_for in self.keyed.items() if built_for == fingerprint}

    def fetch(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.con.execute(sql).df()
        return frame

    def fetch_lists(self, sql: str, ints: Collection[str] = ()) -> dict[str, list[Any]]:
        # numpy arrays (masked where missing) turn into Python values fastest
        return {c: a.tolist() for c, a in self.con.execute(sql).fetchnumpy().items()}

    def fetch_arrays(self, sql: str) -> dict[str, Any]:
        arrays: dict[str, Any] = self.con.execute(sql).fetchnumpy()
        return arrays

    def register(self, name: str, df: pd.DataFrame) -> None:
        self.con.register(f"{name}_df", df)
        self.con.execute(f"CREATE OR REPLACE {self._temp}TABLE {name} AS SELECT * FROM {name}_df")
        self.con.unregister(f"{name}_df")

    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE {name}").fetchall()]

    def splink_api(self) -> Any:
        from splink import DuckDBAPI

        return DuckDBAPI(self.con)

    def close(self) -> None:
        self.con.close()
