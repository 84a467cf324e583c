"""Benchmark the synthetic district generator.

    python benchmarks/synth_district.py [--households 130000] [--seed 20261129]

Generates into a temporary directory (deleted afterwards) and prints households, persons,
wall-clock seconds and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from doudi.synth import generate


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="doudi-synth-") as tmp:
        started = time.perf_counter()
        summary = generate(Path(tmp), households=args.households, seed=args.seed)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in summary.paths)
    print(f"households: {summary.households}")
    print(f"persons:    {summary.persons}")
    print(f"seconds:    {wall:.2f}")
    print(f"peak RSS:   {peak_rss_mib():.0f} MiB")
    print(f"output:     {size / 1e6:.1f} MB in {len(summary.paths)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
