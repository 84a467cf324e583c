"""A backend on the lake for a monitoring run (:mod:`doudi.engine.backends`), with the link
run's keyed store attached when there is one (:mod:`.keyed`)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from doudi.engine.backends import DuckDBBackend, SparkBackend, SqlBackend
from doudi.engine.backends.base import unknown_backend
from doudi.engine.catalogue import Catalogue
from doudi.engine.lake import Lake


def make_monitor_backend(
    name: str,
    lake: Lake,
    catalogue: Catalogue,
    *,
    spark: Any = None,
    threads: int = 2,
    feeds: Iterable[str] = (),
    keyed: str | os.PathLike[str] | None = None,
) -> SqlBackend:
    """``keyed``: the path of a keyed store (:mod:`.keyed`); DuckDB reads the feeds it still
    holds from it, Spark ignores it."""
    if name == "duckdb":
        from . import keyed as keyed_mod

        # shared: the household profile runs on a second cursor (:meth:`~DuckDBBackend.beside`)
        backend = DuckDBBackend.on_lake(lake, catalogue, threads=threads, shared=True)
        if keyed is not None:
            # the feeds the store holds for the lake's current deliveries, and for which
            # persons (their fingerprint)
            backend.keyed = keyed_mod.attach(backend.con, lake, keyed)
            backend.fingerprint = keyed_mod.persons_fingerprint
        return backend
    if name == "spark":
        return SparkBackend.on_lake(lake, catalogue, spark=spark, threads=threads, feeds=feeds)
    raise unknown_backend(name)
