"""Monitoring speed: engine time for indicators, scores and warnings on a district (DuckDB,
2 threads), side by side with a straightforward pandas implementation of the same indicators
(:mod:`doudi.engine.monitoring.reference`), as a ratio from the same run.

    .venv/bin/python benchmarks/monitor_speed.py --dir /tmp/d130/district \\
        --persons /tmp/d130/monitor-cache/persons.parquet

``--persons``: cached persons (``source``, ``record_key``, ``person_key``) of the district's
identity resolution; without it the benchmark links the district first (not timed). The
engine runs ``--repeat`` times (the best is reported, the first includes cold file reads);
the pandas reference runs once, then the two are checked to agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import pandas as pd

AS_OF = dt.date(2026, 11, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, required=True, help="a district with lake/")
    parser.add_argument("--persons", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy, monitor
    from doudi.engine.monitoring.reference import compare_with_sql, reference_indicators

    lake, catalogue = Lake(args.dir / "lake"), load_catalogue()
    if args.persons and args.persons.exists():
        persons = pd.read_parquet(args.persons)
    else:
        from doudi.engine.linkage.district import link_district

        persons = link_district(lake, catalogue).persons
    policy = Policy.from_dict(default_policy())
    runs = []
    for _ in range(args.repeat):
        result = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF)
        runs.append(result.timings)
    best = min(runs, key=lambda t: t["engine"])
    t = time.perf_counter()
    ref = reference_indicators(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    pandas_s = time.perf_counter() - t
    sql_indicators_s = best["connect"] + best["base"] + best["indicators"] + best["fetch"]
    mismatches = compare_with_sql(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    print(f"\nDistrict {args.dir}: {result.counts['households']} households, "
          f"{result.counts['warnings']} warnings, {len(ref)} indicators and triggers.\n")
    print("| step | DuckDB engine (s) | pandas reference (s) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| indicators (read feeds, facts per household) | {sql_indicators_s:.2f} | "
          f"{pandas_s:.2f} | {pandas_s / sql_indicators_s:.1f}× |")
    print(f"| scores, suppression, triggers, explanations | {best['scores']:.2f} | — | — |")
    print(f"| person tags | {best['tags']:.2f} | — | — |")
    print(f"| **engine total** | **{best['engine']:.2f}** | — | — |")
    print(f"\nAll runs (s): {[r['engine'] for r in runs]}; best run's steps: {best}")
    print(f"pandas and DuckDB agree on every indicator: {mismatches == {}}"
          + ("" if not mismatches else f" — {mismatches}"))
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
