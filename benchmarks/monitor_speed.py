"""Monitoring speed: engine time for indicators, scores and warnings on a district (DuckDB,
2 threads), side by side with a straightforward pandas implementation of the same indicators
(:mod:`doudi.engine.monitoring.reference`), as a ratio from the same run.

    .venv/bin/python benchmarks/monitor_speed.py --dir /tmp/d130/district \\
        --persons /tmp/d130/monitor-cache/persons.parquet

``--persons``: cached persons (``source``, ``record_key``, ``person_key``) of the district's
identity resolution; without it the benchmark links the district first (not timed). As a link
run does, the benchmark then stores the feeds keyed to those persons
(:mod:`doudi.engine.monitoring.keyed`; its time and size are printed). The engine runs
``--repeat`` times reading that store, as in operation, and ``--repeat-joined`` times without
it, joining every feed to the persons in the run (the best of each is reported; the first run
in a process also imports scikit-learn). The pandas reference runs once, then the two are
checked to agree. When the district has ``truth/`` (a synthetic one), the timed runs have the
statistical model on, as in operation: trained on ``--visits`` simulated home visits to a
first, scorecard-only run's warnings.

Timings vary with the machine: the last line prints how long this one takes for a fixed
Python loop and a fixed DuckDB query, to compare machines by.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 11, 1)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, required=True, help="a district with lake/")
    parser.add_argument("--persons", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repeat-joined", type=int, default=2)
    parser.add_argument(
        "--visits",
        type=int,
        default=10_000,
        help="simulated home visits the statistical model is trained on",
    )
    args = parser.parse_args()

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy
    from doudi.engine.monitoring.keyed import build as build_keyed

    lake, catalogue = Lake(args.dir / "lake"), load_catalogue()
    if args.persons and args.persons.exists():
        persons = pd.read_parquet(
            args.persons, columns=["source", "record_key", "person_key"], dtype_backend="pyarrow"
        )
    else:
        from doudi.engine.linkage.district import link_district

        persons = link_district(lake, catalogue).persons
    policy = Policy.from_dict(default_policy())
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "keyed.duckdb"
        t = time.perf_counter()
        stored = build_keyed(lake, catalogue, persons, store)
        build_s = time.perf_counter() - t
        print(
            f"feeds keyed to persons (once per link run): {build_s:.1f} s, "
            f"{sum(stored.values()):,} records, {store.stat().st_size / 1e6:.0f} MB"
        )
        return _timed(args, lake, catalogue, persons, policy, store)


def _timed(args, lake, catalogue, persons, policy, store) -> int:
    from doudi.engine.monitoring import monitor
    from doudi.engine.monitoring.reference import compare_with_sql, reference_indicators

    model = None
    truth = args.dir / "truth" / "households.csv"
    if truth.exists():
        # the statistical model on, as in operation: trained on simulated home visits to the
        # scorecard's warnings (their true outcome), as monitor_quality.py does
        from doudi.engine.monitoring.model import train

        first = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, keyed=store)
        warned = sorted(first.households.loc[first.households["level"].notna(), "hukou_no"])
        visited = sorted(
            np.random.default_rng(1).choice(
                warned, size=min(args.visits, len(warned)), replace=False
            )
        )
        y = pd.read_csv(truth, dtype={"hukou_no": str}).set_index("hukou_no")["hardship"]
        model, _ = train(
            first.features,
            y.reindex(visited).fillna(0).astype(bool),
            min_outcomes=policy.model.min_outcomes,
        )
        print(
            f"scorecard-only run (no visit outcomes yet): {first.timings['engine']:.2f} s, "
            f"{first.counts['warnings']} warnings; model trained on {len(visited)} visits"
        )
    runs, joined = [], []
    for _ in range(args.repeat):
        result = monitor(
            lake, catalogue, persons, policy=policy, as_of=AS_OF, model=model, keyed=store
        )
        runs.append(result.timings)
    for _ in range(args.repeat_joined):
        joined.append(
            monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, model=model).timings
        )
    best = min(runs, key=lambda t: t["engine"])
    t = time.perf_counter()
    ref = reference_indicators(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    pandas_s = time.perf_counter() - t
    mismatches = compare_with_sql(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    print(
        f"\nDistrict {args.dir}: {result.counts['households']} households, "
        f"{result.counts['warnings']} warnings, {len(ref)} indicators and triggers; "
        f"statistical model {result.model_status}.\n"
    )

    def indicators_s(t: dict) -> float:
        return t["connect"] + t["base"] + t["indicators"] + t["fetch"]

    columns = [("feeds from the keyed store", best)]
    if joined:
        columns.append(("feeds joined in the run", min(joined, key=lambda t: t["engine"])))
    print(
        "| step | "
        + " | ".join(f"DuckDB, {name} (s)" for name, _ in columns)
        + " | pandas reference (s) |"
    )
    print("|---|" + "---:|" * (len(columns) + 1))
    print(
        "| indicators (read feeds, facts per household) | "
        + " | ".join(f"{indicators_s(t):.2f}" for _, t in columns)
        + f" | {pandas_s:.2f} |"
    )
    for label, key in (
        ("scores, suppression, triggers, explanations", "scores"),
        ("person tags", "tags"),
    ):
        print(f"| {label} | " + " | ".join(f"{t[key]:.2f}" for _, t in columns) + " | — |")
    print(
        "| **engine total** | "
        + " | ".join(f"**{t['engine']:.2f}**" for _, t in columns)
        + " | — |"
    )
    print(
        "| pandas ÷ DuckDB, indicators | "
        + " | ".join(f"{pandas_s / indicators_s(t):.1f}×" for _, t in columns)
        + " | |"
    )
    print(
        f"\nAll runs (s): keyed store {[r['engine'] for r in runs]}, joined "
        f"{[r['engine'] for r in joined]}; best run's steps: {best}"
    )
    print(
        f"pandas and DuckDB agree on every indicator: {mismatches == {}}"
        + ("" if not mismatches else f" — {mismatches}")
    )
    print(f"this machine: {_calibration()}")
    return 0 if not mismatches else 1


def _calibration() -> str:
    """Seconds for a fixed Python loop and a fixed DuckDB query (2 threads), best of 3."""
    import duckdb

    def loop() -> None:
        total = 0
        for i in range(10_000_000):
            total += i

    con = duckdb.connect()
    con.execute("SET threads = 2")
    python_s, duckdb_s = [], []
    for _ in range(3):
        t = time.perf_counter()
        loop()
        python_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        con.execute("SELECT sum(hash(i)) FROM range(100000000) AS t(i)").fetchall()
        duckdb_s.append(time.perf_counter() - t)
    con.close()
    return (
        f"Python loop of 10 million steps {min(python_s):.2f} s; DuckDB hash-sum of 100 "
        f"million integers on 2 threads {min(duckdb_s):.2f} s"
    )


if __name__ == "__main__":
    sys.exit(main())
