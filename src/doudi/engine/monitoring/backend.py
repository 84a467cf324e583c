"""Where the monitoring SQL runs: DuckDB (default, in-process) or Apache Spark (local or a
cluster session), one definition of every step.

Steps are written once in DuckDB's dialect and only use what both engines share: integer
arithmetic, ``CASE``, ``coalesce``/``greatest``/``least``, ``year``/``month``/``day``, date
and string literals, window functions and joins. The Spark backend transpiles them with
sqlglot (as :mod:`doudi.engine.linkage.backends` does for linkage). Every comparison that
decides a fired indicator is on integers, so both backends fire exactly the same indicators.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd
import sqlglot

from doudi.engine.catalogue import Catalogue
from doudi.engine.frames import none_for_missing
from doudi.engine.lake import Lake


class MonitorBackend:
    """Shared interface: :meth:`create` keeps a step's result as a named table,
    :meth:`fetch` brings a (small) result back as pandas."""

    name: str
    record_keys: dict[str, str]  # feed -> the catalogue's record key of the feed

    def create(self, name: str, sql: str) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def view(self, name: str, sql: str) -> None:  # pragma: no cover - overridden
        """A named query, evaluated where it is used (nothing is computed now)."""
        raise NotImplementedError

    def keyed_feeds(self, persons: pd.DataFrame) -> set[str]:
        """Feeds this backend reads from a keyed store (:mod:`.keyed`) as ``keyed.<feed>``
        for these persons; the others are joined to them."""
        return set()

    def fetch(self, sql: str) -> pd.DataFrame:  # pragma: no cover - overridden
        raise NotImplementedError

    def fetch_lists(self, sql: str, ints: Collection[str] = ()) -> dict[str, list[Any]]:
        """A result as columns of Python values, ``None`` where missing (``ints``: the
        integer columns, which pandas may have widened to floats)."""
        df = self.fetch(sql)
        out = {}
        for c in df.columns:
            col = pd.to_numeric(df[c]).astype("Int64") if c in ints else df[c]
            out[str(c)] = none_for_missing(col).tolist()
        return out

    def fetch_arrays(self, sql: str) -> dict[str, Any]:
        """A result as one array per column (numpy, masked where missing, or pandas), for
        the engine's own normalising (:func:`.indicators.ints`): no frame in between."""
        df = self.fetch(sql)
        return {str(c): df[c] for c in df.columns}

    def register(self, name: str, df: pd.DataFrame) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def columns(self, name: str) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def close(self) -> None:
        pass


class DuckDBMonitorBackend(MonitorBackend):
    name = "duckdb"

    def __init__(
        self,
        lake: Lake,
        catalogue: Catalogue,
        *,
        threads: int = 2,
        keyed: str | os.PathLike[str] | None = None,
    ) -> None:
        from . import keyed as keyed_mod

        self.con = lake.connect(catalogue)
        self.record_keys = {feed.id: feed.record_key for feed in catalogue}
        self.con.execute(f"SET threads = {int(threads)}")
        # the feeds the keyed store holds for the lake's current deliveries, and for which
        # persons (its fingerprint)
        self._keyed = {} if keyed is None else keyed_mod.attach(self.con, lake, keyed)
        # The run's tables are temporary and die with the connection: checkpointing them each
        # time the write-ahead log passes 16 MB (DuckDB's default) only costs time — 0.2–0.5 s
        # a time, several times a run.
        self.con.execute("SET checkpoint_threshold = '1TB'")
        # every result the engine reads back is ordered explicitly (or sorted after)
        self.con.execute("SET preserve_insertion_order = false")

    def create(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def keyed_feeds(self, persons: pd.DataFrame) -> set[str]:
        from .keyed import persons_fingerprint

        if not self._keyed:
            return set()
        fingerprint = persons_fingerprint(persons)
        return {feed for feed, built_for in self._keyed.items() if built_for == fingerprint}

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
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
        self.con.unregister(f"{name}_df")

    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE {name}").fetchall()]

    def close(self) -> None:
        self.con.close()


class SparkMonitorBackend(MonitorBackend):
    """Feeds are read from the lake's Parquet files (the same files DuckDB's views read); a
    feed with no delivery gets an empty view typed from the catalogue (via DuckDB)."""

    name = "spark"

    def __init__(
        self,
        lake: Lake,
        catalogue: Catalogue,
        *,
        spark: Any = None,
        threads: int = 2,
        feeds: Iterable[str] = (),
    ) -> None:
        from doudi.engine.linkage.backends import local_spark_session

        self.spark = spark or local_spark_session(cores=threads)
        self.record_keys = {feed.id: feed.record_key for feed in catalogue}
        self._tables: list[str] = []
        self._cached: list[Any] = []
        self._broadcast = None
        if spark is None:
            # A local session shares one driver's memory with whatever ran before it (a
            # linkage's cached tables): broadcasting a join's small side can then run out of
            # memory. Sort-merge joins need no such headroom; the setting is restored on close.
            key = "spark.sql.autoBroadcastJoinThreshold"
            self._broadcast = self.spark.conf.get(key)
            self.spark.conf.set(key, "-1")
        duck = lake.connect(catalogue)
        try:
            for feed in feeds:
                files = [str(p) for p in lake.files(feed)]
                if files:
                    df = self.spark.read.option("mergeSchema", "true").parquet(*files)
                else:
                    empty = _arrow(duck.sql(f'SELECT * FROM "{feed}" LIMIT 0'))
                    df = self.spark.createDataFrame(empty.to_pandas(), schema=_spark_schema(empty))
                df.createOrReplaceTempView(feed)
                self._tables.append(feed)
        finally:
            duck.close()

    def _sql(self, sql: str) -> str:
        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def create(self, name: str, sql: str) -> None:
        df = self.spark.sql(self._sql(sql)).cache()
        df.count()  # materialise once, as DuckDB's CREATE TABLE does
        df.createOrReplaceTempView(name)
        self._tables.append(name)
        self._cached.append(df)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(self._sql(sql)).createOrReplaceTempView(name)
        self._tables.append(name)

    def fetch(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.spark.sql(self._sql(sql)).toPandas()
        return frame

    def register(self, name: str, df: pd.DataFrame) -> None:
        import pyarrow as pa

        df = df.apply(lambda c: none_for_missing(c) if isinstance(c.dtype, pd.ArrowDtype) else c)
        table = pa.Table.from_pandas(df, preserve_index=False)
        sdf = self.spark.createDataFrame(df, schema=_spark_schema(table))
        sdf.createOrReplaceTempView(name)
        self._tables.append(name)

    def columns(self, name: str) -> list[str]:
        return list(self.spark.table(name).columns)

    def close(self) -> None:
        for name in self._tables:
            self.spark.catalog.dropTempView(name)
        for df in self._cached:  # free the session's memory for whatever runs next
            df.unpersist()
        self._cached.clear()
        if self._broadcast is not None:
            self.spark.conf.set("spark.sql.autoBroadcastJoinThreshold", self._broadcast)


def _arrow(relation: Any) -> Any:
    """A DuckDB relation as an Arrow table (``to_arrow_table`` from DuckDB 1.4 on, its
    older name before)."""
    to_table = getattr(relation, "to_arrow_table", None) or relation.fetch_arrow_table
    return to_table()


def _spark_schema(table: Any) -> Any:
    import pyarrow as pa
    from pyspark.sql import types as T

    def conv(t: Any) -> Any:
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_integer(t):
            return T.LongType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_date(t):
            return T.DateType()
        if pa.types.is_timestamp(t):
            return T.TimestampType()
        return T.StringType()

    return T.StructType([T.StructField(f.name, conv(f.type), True) for f in table.schema])


def make_monitor_backend(
    name: str,
    lake: Lake,
    catalogue: Catalogue,
    *,
    spark: Any = None,
    threads: int = 2,
    feeds: Iterable[str] = (),
    keyed: str | os.PathLike[str] | None = None,
) -> MonitorBackend:
    """``keyed``: the path of a keyed store (:mod:`.keyed`); DuckDB reads the feeds it still
    holds from it, Spark ignores it."""
    if name == "duckdb":
        return DuckDBMonitorBackend(lake, catalogue, threads=threads, keyed=keyed)
    if name == "spark":
        return SparkMonitorBackend(lake, catalogue, spark=spark, threads=threads, feeds=feeds)
    raise ValueError(f"unknown backend {name!r}: expected 'duckdb' or 'spark'")
