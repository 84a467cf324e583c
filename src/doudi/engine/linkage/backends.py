"""The two backends linkage runs on: DuckDB (default, in-process) and Apache Spark.

A backend wraps a Splink database API and adds the few hooks the pipeline's own SQL steps
need. Those steps are written once, in DuckDB's dialect, with ``{jaro_winkler}`` standing for
the backend's Jaro-Winkler function (the one name the two dialects do not share); the Spark
backend transpiles them with sqlglot, as Splink does for its own SQL.

Nothing is downloaded at run time: Spark's similarity functions come from the jar that ships
inside the Splink wheel.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any, Literal

import pandas as pd
import sqlglot
from splink.internals.splink_dataframe import SplinkDataFrame

from doudi.engine.frames import frame_none_for_missing

BackendName = Literal["duckdb", "spark"]


class Backend:
    """Shared steps; subclasses set ``name`` and ``db_api`` and may override :meth:`dialect_sql`."""

    name: BackendName
    db_api: Any

    def dialect_sql(self, sql: str) -> str:
        return sql

    def render(self, template: str, **tables: str) -> str:
        """Fill table names and dialect function names into a DuckDB-dialect template."""
        dialect = self.db_api.sql_dialect
        sql = template.format(
            jaro_winkler=dialect.jaro_winkler_function_name,
            damerau_levenshtein=dialect.damerau_levenshtein_function_name,
            **tables,
        )
        return self.dialect_sql(sql)

    def table(self, template: str, **tables: str) -> SplinkDataFrame:
        """Run a SQL step and keep its result as a backend table (a SplinkDataFrame)."""
        result: SplinkDataFrame = self.db_api.query_sql(
            self.render(template, **tables), output_type="splink_df"
        )
        return result

    def frame(self, template: str, **tables: str) -> pd.DataFrame:
        """Run a SQL step and fetch its (small) result to pandas."""
        result: pd.DataFrame = self.db_api.query_sql(
            self.render(template, **tables), output_type="pandas"
        )
        return result

    def register(self, df: pd.DataFrame, name: str) -> SplinkDataFrame:
        registered: SplinkDataFrame = self.db_api.register(df, table_name=name)
        return registered

    def close(self) -> None:  # pragma: no cover - overridden
        pass


class DuckDBBackend(Backend):
    name: BackendName = "duckdb"

    def __init__(self, *, threads: int = 2, memory_limit: str | None = None) -> None:
        import duckdb
        from splink import DuckDBAPI

        self.connection = duckdb.connect(":memory:")
        self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        self.db_api = DuckDBAPI(self.connection)

    def close(self) -> None:
        self.connection.close()


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
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


class SparkBackend(Backend):
    name: BackendName = "spark"

    def __init__(self, *, spark: Any = None, cores: int = 2) -> None:
        from splink import SparkAPI

        self.spark = spark or local_spark_session(cores=cores)
        # Splink breaks long lineages with checkpoints, which need a directory.
        if self.spark.sparkContext.getCheckpointDir() is None:
            self.spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="doudi-spark-"))
        self.db_api = SparkAPI(spark_session=self.spark)  # type: ignore[no-untyped-call]

    def dialect_sql(self, sql: str) -> str:
        return sqlglot.transpile(sql, read="duckdb", write="spark")[0]

    def register(self, df: pd.DataFrame, name: str) -> SplinkDataFrame:
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
        registered: SplinkDataFrame = self.db_api.register(sdf, table_name=name)
        return registered


def make_backend(
    name: BackendName, *, threads: int = 2, spark: Any = None, memory_limit: str | None = None
) -> Backend:
    if name == "duckdb":
        return DuckDBBackend(threads=threads, memory_limit=memory_limit)
    if name == "spark":
        return SparkBackend(spark=spark, cores=threads)
    raise ValueError(f"unknown backend {name!r}: expected 'duckdb' or 'spark'")
