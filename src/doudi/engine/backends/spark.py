"""The Spark backend: local mode on one machine, or a cluster's session (a province).

Nothing is downloaded at run time: Spark's similarity functions for linkage come from the jar
that ships inside the Splink wheel."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from typing import Any

import pandas as pd
import sqlglot

from doudi.engine.catalogue import Catalogue
from doudi.engine.frames import frame_none_for_missing, none_for_missing
from doudi.engine.lake import Lake

from .base import BackendName, SqlBackend


def local_spark_session(*, cores: int = 2, driver_memory: str = "4g") -> Any:
    """A local-mode Spark session with Splink's similarity UDF jar (shipped in its wheel)."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    # Python workers must run the driver's interpreter (the venv), not whatever is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("doudi-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", str(max(4, cores * 4)))
        .config("spark.default.parallelism", str(max(4, cores * 4)))
        .config("spark.ui.enabled", "false")
        # the engine reports its own progress; Spark's console bar only floods the logs
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def transpile(sql: str) -> str:
    """DuckDB-dialect SQL as Spark SQL."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


class SparkBackend(SqlBackend):
    """A Spark session: the given one, or a local one. The backend's views and cached tables
    are dropped on :meth:`close` (a session outlives a run: ``getOrCreate``)."""

    name: BackendName = "spark"

    def __init__(self, spark: Any = None, *, cores: int = 2) -> None:
        self.own_session = spark is None
        self.spark = spark or local_spark_session(cores=cores)
        self.record_keys = {}
        self._tables: list[str] = []
        self._cached: list[Any] = []
        self._broadcast: str | None = None
        # on a lake (:meth:`on_lake`): the lake's feeds read so far, and where to read more
        self._lake: Lake | None = None
        self._catalogue: Catalogue | None = None
        self._feeds: set[str] = set()

    @classmethod
    def on_lake(
        cls,
        lake: Lake,
        catalogue: Catalogue,
        *,
        spark: Any = None,
        threads: int = 2,
        feeds: Iterable[str] = (),
    ) -> SparkBackend:
        """Feeds are read from the lake's Parquet files (the same files DuckDB's views read);
        a feed with no delivery gets an empty view typed from the catalogue (via DuckDB)."""
        self = cls(spark, cores=threads)
        self.record_keys = {feed.id: feed.record_key for feed in catalogue}
        if self.own_session:
            # A local session shares one driver's memory with whatever ran before it (a
            # linkage's cached tables): broadcasting a join's small side can then run out of
            # memory. Sort-merge joins need no such headroom; the setting is restored on close.
            key = "spark.sql.autoBroadcastJoinThreshold"
            self._broadcast = self.spark.conf.get(key)
            self.spark.conf.set(key, "-1")
        self._lake, self._catalogue = lake, catalogue
        self.add_feeds(feeds)
        return self

    def add_feeds(self, feeds: Iterable[str]) -> None:
        if self._lake is None:
            return
        lake, catalogue = self._lake, self._catalogue
        duck = None
        try:
            for feed in feeds:
                if feed in self._feeds:
                    continue
                files = [str(p) for p in lake.files(feed)]
                if files:
                    df = self.spark.read.option("mergeSchema", "true").parquet(*files)
                else:
                    duck = duck or lake.connect(catalogue)
                    empty = _arrow(duck.sql(f'SELECT * FROM "{feed}" LIMIT 0'))
                    df = self.spark.createDataFrame(empty.to_pandas(), schema=_spark_schema(empty))
                df.createOrReplaceTempView(feed)
                self._tables.append(feed)
                self._feeds.add(feed)
        finally:
            if duck is not None:
                duck.close()

    def dialect_sql(self, sql: str) -> str:
        return transpile(sql)

    def create(self, name: str, sql: str) -> None:
        # materialised once, as DuckDB's CREATE TABLE does, and cut from the plan that made
        # it: a cached frame keeps its whole plan, so every later query on it planned the
        # steps before it again (a monitoring run on 1,500 households: 196 s with cache(),
        # 54 s so; the indicators' facts 83 s → 15 s). Its blocks are freed with the frame.
        df = self.spark.sql(self.dialect_sql(sql)).localCheckpoint(eager=True)
        df.createOrReplaceTempView(name)
        self._tables.append(name)
        self._cached.append(df)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(self.dialect_sql(sql)).createOrReplaceTempView(name)
        self._tables.append(name)

    def fetch(self, sql: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.spark.sql(self.dialect_sql(sql)).toPandas()
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

    def splink_api(self) -> Any:
        from splink import SparkAPI

        # Splink breaks long lineages with checkpoints, which need a directory.
        if self.spark.sparkContext.getCheckpointDir() is None:
            self.spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="doudi-spark-"))
        return SparkAPI(spark_session=self.spark)  # type: ignore[no-untyped-call]

    def splink_input(self, df: pd.DataFrame, name: str) -> Any:
        # Spark infers types from pandas object columns poorly when a column is all null;
        # give it an explicit all-string schema (booleans kept).
        from pyspark.sql.types import BooleanType, StringType, StructField, StructType

        fields = [
            StructField(c, BooleanType() if df[c].dtype == bool else StringType(), True)
            for c in df.columns
        ]
        rows = frame_none_for_missing(df).values.tolist()
        sdf = self.spark.createDataFrame(rows, schema=StructType(fields))
        # A Spark session outlives one linkage (getOrCreate): drop the previous run's view.
        self.spark.catalog.dropTempView(name)
        return sdf

    def close(self) -> None:
        for name in self._tables:
            self.spark.catalog.dropTempView(name)
        self._tables.clear()
        self._feeds.clear()
        # free the session's memory for whatever runs next: a checkpointed frame's blocks go
        # when nothing refers to it any more (Spark's cleaner), as its view is dropped above
        for df in self._cached:
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
