"""Monitoring speed: engine time for indicators, scores and warnings on a district (DuckDB,
2 threads), side by side with a straightforward pandas implementation of the same indicators
(:mod:`doudi.engine.monitoring.reference`), as a ratio from the same run.

    .venv/bin/python benchmarks/monitor_speed.py --dir /tmp/d130/district \\
        --persons /tmp/d130/monitor-cache/persons.parquet

``--persons``: cached persons (``source``, ``record_key``, ``person_key``) of the district's
identity resolution; without it the benchmark links the district first (not timed). The
engine runs ``--repeat`` times (the best is reported, the first includes cold file reads);
the pandas reference runs once, then the two are checked to agree. When the district has
``truth/`` (a synthetic one), the timed runs have the statistical model on, as in operation:
trained on ``--visits`` simulated home visits to a first, scorecard-only run's warnings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 11, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, required=True, help="a district with lake/")
    parser.add_argument("--persons", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--visits", type=int, default=10_000,
                        help="simulated home visits the statistical model is trained on")
    args = parser.parse_args()

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy, monitor
    from doudi.engine.monitoring.reference import compare_with_sql, reference_indicators

    lake, catalogue = Lake(args.dir / "lake"), load_catalogue()
    if args.persons and args.persons.exists():
        persons = pd.read_parquet(args.persons, columns=["source", "record_key", "person_key"],
                                  dtype_backend="pyarrow")
    else:
        from doudi.engine.linkage.district import link_district

        persons = link_district(lake, catalogue).persons
    policy = Policy.from_dict(default_policy())
    model = None
    truth = args.dir / "truth" / "households.csv"
    if truth.exists():
        # the statistical model on, as in operation: trained on simulated home visits to the
        # scorecard's warnings (their true outcome), as monitor_quality.py does
        from doudi.engine.monitoring.model import train

        first = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF)
        warned = sorted(first.households.loc[first.households["level"].notna(), "hukou_no"])
        visited = sorted(np.random.default_rng(1).choice(
            warned, size=min(args.visits, len(warned)), replace=False))
        y = pd.read_csv(truth, dtype={"hukou_no": str}).set_index("hukou_no")["hardship"]
        model, _ = train(first.features, y.reindex(visited).fillna(0).astype(bool),
                         min_outcomes=policy.model.min_outcomes)
        print(f"scorecard-only run (no visit outcomes yet): {first.timings['engine']:.2f} s, "
              f"{first.counts['warnings']} warnings; model trained on {len(visited)} visits")
    runs = []
    for _ in range(args.repeat):
        result = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, model=model)
        runs.append(result.timings)
    best = min(runs, key=lambda t: t["engine"])
    t = time.perf_counter()
    ref = reference_indicators(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    pandas_s = time.perf_counter() - t
    sql_indicators_s = best["connect"] + best["base"] + best["indicators"] + best["fetch"]
    mismatches = compare_with_sql(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    print(f"\nDistrict {args.dir}: {result.counts['households']} households, "
          f"{result.counts['warnings']} warnings, {len(ref)} indicators and triggers; "
          f"statistical model {result.model_status}.\n")
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
