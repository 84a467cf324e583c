"""Ingest a whole synthetic district: rows per second and peak memory.

    .venv/bin/python benchmarks/ingest_district.py --households 130000

Generates the district into a temporary folder (not timed), then ingests every feed file into
a fresh lake with the engine's pipeline, as `doudi ingest DIR` does, and prints per-format and
total figures. Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "district"
        started = time.perf_counter()
        summary = generate(out, households=args.households, seed=args.seed)
        print(
            f"generated {summary.households} households, {summary.persons} people "
            f"in {time.perf_counter() - started:.1f} s"
        )
        lake, catalogue = Lake(Path(tmp) / "lake"), load_catalogue()
        files = sorted(p for p in (out / "feeds").rglob("*") if p.is_file())
        by_format: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        total_rows, balanced = 0, True
        started = time.perf_counter()
        for path in files:
            result = ingest_file(path, lake=lake, catalogue=catalogue)
            balanced &= result.status == "ingested" and result.balanced
            by_format[path.suffix][0] += result.rows_read
            by_format[path.suffix][1] += result.seconds
            total_rows += result.rows_read
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for suffix, (rows, secs) in sorted(by_format.items()):
            print(f"  {suffix:9} {rows:>10,} rows {secs:7.1f} s {rows / secs:>10,.0f} rows/s")
        print(
            f"ingested {len(files)} files, {total_rows:,} rows in {seconds:.1f} s: "
            f"{total_rows / seconds:,.0f} rows/s; peak memory {peak:,.0f} MiB; "
            f"every file balanced: {balanced}"
        )


if __name__ == "__main__":
    main()
