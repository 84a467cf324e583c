"""Where a link run's results live: :class:`RunStore`.

A link run (identified by an integer id) leaves three things behind, all under one folder:

- its **persons** — every linked record's ``unique_id``, ``source``, ``record_key`` and
  ``person_key`` (Parquet);
- its **households** — each person's register household or the reason it has none
  (Parquet; :mod:`doudi.engine.linkage.households`);
- its **keyed feeds** — every monitored feed's records keyed to its persons, a cache for
  monitoring (DuckDB; :mod:`doudi.engine.monitoring.keyed`).

The store owns their names and how they are written (a temporary file renamed into place, so a
reader never sees half a file and a failure leaves an earlier file as it was) and read. Callers
hold only the run id: no code outside the engine builds a path to a run's files (a test greps
for it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from doudi.engine.catalogue import Catalogue
from doudi.engine.lake import Lake

PERSONS, HOUSEHOLDS, KEYED = "persons", "households", "keyed"


class RunStore:
    """A link run's persons, households and keyed feeds under ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"RunStore({str(self.root)!r})"

    # ----------------------------------------------------------------------- locations

    def persons_path(self, run: int) -> Path:
        """The run's persons file (for readers that take a path, e.g. the match index)."""
        return self.root / f"{PERSONS}-{int(run)}.parquet"

    def households_path(self, run: int) -> Path:
        return self.root / f"{HOUSEHOLDS}-{int(run)}.parquet"

    def keyed_path(self, run: int) -> Path:
        return self.root / f"{KEYED}-{int(run)}.duckdb"

    # ------------------------------------------------------------------------- persons

    def write_persons(self, run: int, persons: pd.DataFrame) -> Path:
        """Write the run's persons (replacing any earlier file of the run whole)."""
        return self._write_parquet(self.persons_path(run), persons)

    def has_persons(self, run: int) -> bool:
        return self.persons_path(run).exists()

    def read_persons(
        self, run: int, columns: Sequence[str] | None = None, *, arrow: bool = False
    ) -> pd.DataFrame | None:
        """The run's persons (``columns`` only, when given), or ``None`` when it has none.
        ``arrow``: Arrow-backed columns, which DuckDB reads without a copy."""
        return self._read_parquet(self.persons_path(run), columns, arrow=arrow)

    # ---------------------------------------------------------------------- households

    def write_households(self, run: int, households: pd.DataFrame) -> Path:
        return self._write_parquet(self.households_path(run), households)

    def has_households(self, run: int) -> bool:
        return self.households_path(run).exists()

    def read_households(
        self, run: int, columns: Sequence[str] | None = None, *, basis: str | None = None
    ) -> pd.DataFrame | None:
        """The run's household attachment (rows of ``basis`` only, when given), or ``None``
        when it has none."""
        filters = None if basis is None else [("basis", "==", basis)]
        return self._read_parquet(self.households_path(run), columns, filters=filters)

    # -------------------------------------------------------------------- keyed feeds

    def build_keyed(
        self, run: int, lake: Lake, catalogue: Catalogue, persons: pd.DataFrame
    ) -> dict[str, int]:
        """Store the monitored feeds keyed to the run's ``persons``
        (:func:`doudi.engine.monitoring.keyed.build`); returns rows per feed."""
        from doudi.engine.monitoring.keyed import build

        self.root.mkdir(parents=True, exist_ok=True)
        return build(lake, catalogue, persons, self.keyed_path(run))

    def keyed(self, run: int) -> Path | None:
        """The run's keyed-feed store, for :func:`doudi.engine.monitoring.monitor`
        (``keyed=``), or ``None`` when it has none."""
        path = self.keyed_path(run)
        return path if path.exists() else None

    def drop_keyed(self, run: int) -> None:
        """Delete the run's keyed-feed store (a cache: only the current run's is kept)."""
        self.keyed_path(run).unlink(missing_ok=True)

    # ------------------------------------------------------------------------- helpers

    def _write_parquet(self, target: Path, frame: pd.DataFrame) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        try:
            frame.to_parquet(tmp, index=False)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def _read_parquet(
        self,
        path: Path,
        columns: Sequence[str] | None,
        *,
        arrow: bool = False,
        filters: list[tuple[str, str, Any]] | None = None,
    ) -> pd.DataFrame | None:
        if not path.exists():
            return None
        kwargs: dict[str, Any] = {"columns": None if columns is None else list(columns)}
        if arrow:
            kwargs["dtype_backend"] = "pyarrow"
        if filters is not None:
            kwargs["filters"] = filters
        return pd.read_parquet(path, **kwargs)
