"""Benchmark the synthetic district generator.

    python benchmarks/synth_district.py [--households 130000] [--seed 20261129] [--workers N]

Generates into a temporary directory (deleted afterwards) and prints households, persons,
wall-clock seconds, the peak resident memory of this process and of the largest helper
process, and the output per format and per feed (files, rows, megabytes).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from doudi.synth import generate


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    peak = resource.getrusage(who).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: auto)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="doudi-synth-") as tmp:
        started = time.perf_counter()
        summary = generate(
            Path(tmp), households=args.households, seed=args.seed, workers=args.workers
        )
        wall = time.perf_counter() - started
        sizes = {f.path: (Path(tmp) / f.path).stat().st_size for f in summary.files}
        size = sum(p.stat().st_size for p in summary.paths)
    print(f"households: {summary.households}")
    print(f"persons:    {summary.persons}")
    print(f"seconds:    {wall:.2f}")
    print(
        f"peak RSS:   {peak_rss_mib():.0f} MiB (helper process: "
        f"{peak_rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB)"
    )
    print(f"output:     {size / 1e6:.1f} MB in {len(summary.paths)} files")
    by_format: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in summary.files:
        kind = "truth" if f.feed is None else f.format
        totals = by_format[(kind, f.encoding)]
        totals[0] += 1
        totals[1] += f.rows
        totals[2] += sizes[f.path]
    print("\nformat   encoding    files        rows      MB")
    for (kind, encoding), (files, rows, nbytes) in sorted(by_format.items()):
        print(f"{kind:8s} {encoding:10s} {files:6d} {rows:11,d} {nbytes / 1e6:7.1f}")
    print("\nfeed                      format  encoding         rows      MB")
    for f in sorted(summary.files, key=lambda f: f.path):
        if f.feed:
            print(
                f"{f.feed:25s} {f.format:7s} {f.encoding:10s} {f.rows:11,d} {sizes[f.path] / 1e6:7.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
