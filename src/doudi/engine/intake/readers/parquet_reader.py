"""Parquet, read in record batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from doudi.engine.intake.readers.base import (
    BATCH_SIZE,
    Batch,
    HeaderScore,
    IntakeError,
    PathArg,
    Peek,
)


class ParquetReader:
    def __init__(
        self,
        path: PathArg,
        *,
        header_score: HeaderScore | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.encoding: str | None = None
        self.skipped_sheets: list[str] = []

    def _open(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:
            raise IntakeError(
                "unreadable", "Parquet文件已损坏", f"corrupt Parquet ({exc})"
            ) from None

    def peek(self) -> Peek:
        return [(None, [list(self._open().schema_arrow.names)])]

    def __iter__(self) -> Iterator[Batch]:
        pf = self._open()
        header = tuple(pf.schema_arrow.names)
        line = 0
        yielded = False
        try:
            for rb in pf.iter_batches(batch_size=self.batch_size):
                n = rb.num_rows
                cols = [rb.column(j) for j in range(rb.num_columns)]
                lines = list(range(line + 1, line + n + 1))
                line += n
                yielded = True
                yield Batch(None, header, lines, columns=cols)
        except IntakeError:
            raise
        except Exception as exc:
            raise IntakeError(
                "unreadable", "Parquet内容无法读取", f"cannot read Parquet ({exc})"
            ) from None
        if not yielded:
            yield Batch(None, header, [], columns=[[] for _ in header])
