"""The hooks every SQL backend implements, shared by linkage and monitoring.

Steps are written once, in DuckDB's dialect, using only what DuckDB and Spark share (integer
arithmetic, ``CASE``, ``coalesce``/``greatest``/``least``, ``year``/``month``/``day``, date
and string literals, window functions and joins); a backend turns them into its own dialect
(:meth:`SqlBackend.dialect_sql`; Spark transpiles with sqlglot, as Splink does for its own
SQL). The hooks are few — keep a result as a table, name a query, fetch a small result, hand
over a frame, Splink's database API for linkage, close — in the manner of Splink's
``DatabaseAPI`` and dialect classes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import Future
from typing import Any, Literal

import pandas as pd

from doudi.engine.frames import none_for_missing

BackendName = Literal["duckdb", "spark"]
BACKENDS: tuple[BackendName, ...] = ("duckdb", "spark")


def unknown_backend(name: str) -> ValueError:
    return ValueError(f"unknown backend {name!r}: expected 'duckdb' or 'spark'")


class SqlBackend:
    """A place SQL runs. Subclasses implement the hooks below."""

    name: BackendName
    # feed -> the catalogue's record key of the feed (backends opened on a lake)
    record_keys: dict[str, str]

    def dialect_sql(self, sql: str) -> str:
        """DuckDB-dialect SQL in this backend's dialect."""
        return sql

    def create(self, name: str, sql: str) -> None:  # pragma: no cover - overridden
        """Run ``sql`` and keep its result as the table ``name``."""
        raise NotImplementedError

    def view(self, name: str, sql: str) -> None:  # pragma: no cover - overridden
        """A named query, evaluated where it is used (nothing is computed now)."""
        raise NotImplementedError

    def fetch(self, sql: str) -> pd.DataFrame:  # pragma: no cover - overridden
        """A (small) result as pandas."""
        raise NotImplementedError

    def register(self, name: str, df: pd.DataFrame) -> None:  # pragma: no cover - overridden
        """``df`` as the table ``name``."""
        raise NotImplementedError

    def columns(self, name: str) -> list[str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def splink_api(self) -> Any:  # pragma: no cover - overridden
        """Splink's database API on this backend (linkage)."""
        raise NotImplementedError

    def splink_input(self, df: pd.DataFrame, name: str) -> Any:
        """``df`` as Splink's ``register`` should receive it."""
        return df

    def add_feeds(self, feeds: Iterable[str]) -> None:
        """Make these feeds of the lake readable by their id, beside those the backend was
        opened with (DuckDB's lake connection reads every feed already)."""

    def keyed_feeds(self, persons: pd.DataFrame) -> set[str]:
        """Feeds this backend reads from a keyed store (:mod:`..monitoring.keyed`) as
        ``keyed.<feed>`` for these persons; the others are joined to them."""
        return set()

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
        the engine's own normalising: no frame in between."""
        df = self.fetch(sql)
        return {str(c): df[c] for c in df.columns}

    def run_beside[T](self, work: Callable[[SqlBackend], T]) -> Future[T]:
        """``work(backend)``, which may run beside the steps that follow on a backend of its
        own onto the same tables (it reads only tables that exist now and that no later step
        replaces, and creates only tables of its own); its result comes from the future.
        Here: run now, on this backend."""
        done: Future[T] = Future()
        try:
            done.set_result(work(self))
        except Exception as exc:  # raised where the result is asked for, as in a thread
            done.set_exception(exc)
        return done

    def run_steps(
        self,
        steps: Sequence[tuple[str, Collection[str], Callable[[SqlBackend], None]]],
        on_done: Callable[[str], None] | None = None,
    ) -> None:
        """Run each step ``(name, names of the steps it reads, work)`` as ``work(backend)``,
        a step only once the steps it reads have finished; ``on_done(name)`` after each.
        Here: in the given order, on this backend (which must list a step after those it
        reads). Returns once every step has finished; the first failure is raised."""
        for name, _, work in steps:
            work(self)
            if on_done is not None:
                on_done(name)

    def beside(self, sql: str) -> Future[dict[str, Any]]:
        """:meth:`fetch_arrays` of ``sql`` by :meth:`run_beside`."""
        return self.run_beside(lambda backend: backend.fetch_arrays(sql))

    def close(self) -> None:
        pass
