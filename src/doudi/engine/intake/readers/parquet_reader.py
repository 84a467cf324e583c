"""Parquet, read in record batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from doudi.engine.intake.readers.base import BATCH_SIZE, Batch, IntakeError


class ParquetReader:
    def __init__(self, path, *, header_score=None, batch_size: int = BATCH_SIZE):
        self.path = Path(path)
        self.batch_size = batch_size
        self.encoding = None
        self.skipped_sheets: list[str] = []

    def _open(self):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:
            raise IntakeError(
                "unreadable", "Parquet文件已损坏", f"corrupt Parquet ({exc})"
            ) from None

    def peek(self):
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
