"""One backend layer for linkage and monitoring: DuckDB (default, in-process) and Apache Spark
implement the hooks of :class:`~.base.SqlBackend`; linkage reaches Splink through
:class:`~.splink.LinkageBackend` (:func:`make_backend`), monitoring runs its steps on a
backend opened on the lake (``DuckDBBackend.on_lake``, ``SparkBackend.on_lake``; with the
keyed store: :func:`doudi.engine.monitoring.backend.make_monitor_backend`)."""

from __future__ import annotations

from typing import Any

from .base import BACKENDS, BackendName, SqlBackend, unknown_backend
from .duckdb import DuckDBBackend
from .spark import SparkBackend, local_spark_session, transpile
from .splink import LinkageBackend

__all__ = [
    "BACKENDS",
    "BackendName",
    "DuckDBBackend",
    "LinkageBackend",
    "SparkBackend",
    "SqlBackend",
    "local_spark_session",
    "make_backend",
    "transpile",
]


def make_backend(
    name: str, *, threads: int = 2, spark: Any = None, memory_limit: str | None = None
) -> LinkageBackend:
    """A backend for linkage (Splink's database API on it)."""
    if name == "duckdb":
        return LinkageBackend(DuckDBBackend(threads=threads, memory_limit=memory_limit))
    if name == "spark":
        return LinkageBackend(SparkBackend(spark, cores=threads))
    raise unknown_backend(name)
