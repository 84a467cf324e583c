"""The monitoring engine alone, on a data folder where `doudi link` has run: the inputs
`doudi monitor` gives the engine (lake, catalogue, persons, households, keyed store, feed
deliveries, the promoted statistical model if any) are read once, then the engine runs
``--repeat`` times in this process and each run's stage timings are printed (seconds, wall
and this process's CPU).

    DOUDI_VAR_DIR=/path/var .venv/bin/python benchmarks/monitor_engine.py --repeat 3

``--save FILE`` writes the last run's warnings (every household row, explanation included)
and person tags to a pickle; ``--compare FILE`` checks the last run's against such a file,
row by row, and exits 1 on any difference — to show that a speed change changed no result.
``--profile`` runs the last repetition under cProfile and prints the top functions
(``--sort``, ``--top``). Wall time depends on the machine's load: the load average is printed
before and after, and each run's CPU time (this process, DuckDB's threads included) beside.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 11, 1)


def _inputs(model: bool) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings.local")
    import django

    django.setup()
    from doudi.engine.monitoring import Policy
    from doudi.intake.selectors import catalogue, lake
    from doudi.monitoring import actions
    from doudi.monitoring.selectors import policy_in_force

    actions.policy_default_ensure()
    version = policy_in_force(on=AS_OF)
    assert version is not None
    current = actions.current_statistical_model() if model else None
    return {
        "lake": lake(),
        "catalogue": catalogue(),
        "persons": actions._persons(),
        "households": actions._households(),
        "keyed": actions._keyed(),
        "delivered": actions._delivered(),
        "policy": Policy.from_dict(version.document),
        "model": bytes(current.data) if current is not None else None,
    }


def _run(inputs: dict[str, Any], *, features: bool = False) -> Any:
    from doudi.engine.monitoring import monitor

    i = dict(inputs)
    # as `doudi monitor` scores: the features only when a model reads them (``features``:
    # always, to compare them with a run that kept them)
    return monitor(
        i.pop("lake"),
        i.pop("catalogue"),
        i.pop("persons"),
        as_of=AS_OF,
        features=features,
        **i,
    )


def _outcome(result: Any) -> dict[str, Any]:
    hh = result.households
    return {
        "households": hh.to_dict("records"),
        "tags": result.persons_tags.to_dict("records"),
        "features": result.features,
        "counts": result.counts,
        "feeds": result.feeds,
        "model_status": result.model_status,
    }


def _compare(now: dict[str, Any], before: dict[str, Any]) -> list[str]:
    import pandas as pd

    problems = []
    for key in ("households", "tags"):
        a, b = now[key], before[key]
        if len(a) != len(b):
            problems.append(f"{key}: {len(a)} rows, was {len(b)}")
            continue
        diff = [n for n, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if diff:
            problems.append(f"{key}: {len(diff)} rows differ, first {a[diff[0]]} vs {b[diff[0]]}")
    try:
        pd.testing.assert_frame_equal(now["features"], before["features"], check_exact=True)
    except AssertionError as exc:
        problems.append(f"features: {exc}")
    for key in ("counts", "feeds", "model_status"):
        if now[key] != before[key]:
            problems.append(f"{key} differ: {now[key]} vs {before[key]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-model", action="store_true", help="scorecard only")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order (--profile)")
    parser.add_argument("--top", type=int, default=45, help="functions printed (--profile)")
    parser.add_argument(
        "--features",
        action="store_true",
        help="keep the model's features with the model off too (as a training pass does)",
    )
    args = parser.parse_args()
    inputs = _inputs(model=not args.no_model)
    print(f"load average {[round(x, 2) for x in os.getloadavg()]}", flush=True)
    result = None
    for n in range(args.repeat):
        last = n == args.repeat - 1
        c, w = time.process_time(), time.perf_counter()
        if last and args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            result = prof.runcall(_run, inputs, features=args.features)
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
        else:
            result = _run(inputs, features=args.features)
        cpu, wall = time.process_time() - c, time.perf_counter() - w
        print(f"run {n + 1}: wall {wall:.2f} s cpu {cpu:.2f} s  {result.timings}", flush=True)
    print(f"load average {[round(x, 2) for x in os.getloadavg()]}")
    assert result is not None
    outcome = _outcome(result)
    print(f"{result.counts['warnings']} warnings, model: {result.model_status}")
    if args.save:
        args.save.write_bytes(pickle.dumps(outcome))
    if args.compare:
        problems = _compare(outcome, pickle.loads(args.compare.read_bytes()))
        print("same results as before" if not problems else "\n".join(problems))
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
