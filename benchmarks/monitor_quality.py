"""Monitoring quality on a synthetic district: precision and recall of the warnings against
the generator's hidden truth (truth/households.csv), for

- the combined model (scorecard + statistical model, the policy's combination rule),
- the scorecard alone (the statistical model off),
- the statistical model alone (score = 100 × probability, same bands),
- a single-trigger baseline: warn when any one indicator that adds points fires.

    .venv/bin/python benchmarks/monitor_quality.py --dir /tmp/d130/district
    .venv/bin/python benchmarks/monitor_quality.py --households 20000 --seed 7   # fresh district

The statistical model is trained on simulated home visits: a seeded random sample of
``--visits`` households the scorecard warned, with their true outcome, as the visits would
give. Identity resolution runs first (``link_district``) unless ``--persons`` gives a cached
``persons`` Parquet file. Prints markdown tables for docs/quality.md.

Precision = share of warnings that are true hardship. Recall = share of true-hardship
households warned. "Recall incl. helped" also counts as found a true-hardship household that
already holds a valid 低保 / 特困 tag (it is in the low-income database; suppression keeps it
from being warned again for the same cause).
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


def prepare(out: Path, households: int, seed: int) -> None:
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.intake.pipeline import ingest_file
    from doudi.engine.lake import Lake
    from doudi.synth import generate

    generate(out, households=households, seed=seed)
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)


def persons_for(district: Path, cached: Path | None) -> pd.DataFrame:
    if cached is not None and cached.exists():
        return pd.read_parquet(
            cached, columns=["source", "record_key", "person_key"], dtype_backend="pyarrow"
        )
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.linkage.district import link_district

    persons = link_district(Lake(district / "lake"), load_catalogue()).persons
    if cached is not None:
        persons.to_parquet(cached)
    return persons


def rates(warned: pd.Series, truth: pd.Series, helped: pd.Series) -> dict:
    w, y, h = warned.to_numpy(bool), truth.to_numpy(bool), helped.to_numpy(bool)
    tp = int((w & y).sum())
    return {
        "warned": int(w.sum()),
        "precision": tp / max(int(w.sum()), 1),
        "recall": tp / max(int(y.sum()), 1),
        "recall_incl_helped": int(((w | h) & y).sum()) / max(int(y.sum()), 1),
    }


def household_type(h: pd.DataFrame) -> pd.Series:
    return pd.Series(
        np.select(
            [
                h["size"] == 1,
                (h["n_elderly"] == h["size"]) & (h["size"] > 1),
                h["n_minor"] > 0,
                h["size"] >= 2,
            ],
            ["one person", "elderly only", "with minors", "adults"],
            default="no living member",
        ),
        index=h.index,
    )


def head_age_group(age: pd.Series) -> pd.Series:
    a = pd.to_numeric(age).astype(float)
    return pd.Series(
        np.select(
            [a.isna(), a < 40, a < 60, a < 80], ["unknown", "<40", "40–59", "60–79"], default="80+"
        ),
        index=age.index,
    )


def evaluate(district: Path, persons: pd.DataFrame, *, visits: int, visit_seed: int) -> dict:
    import dataclasses

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy, score_tables
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.indicators import compute_indicators, household_helps
    from doudi.engine.monitoring.model import train

    policy = Policy.from_dict(default_policy())
    backend = make_monitor_backend("duckdb", Lake(district / "lake"), load_catalogue())
    t = time.perf_counter()
    try:
        tables = compute_indicators(backend, persons, policy=policy, as_of=AS_OF)
    finally:
        backend.close()
    indicator_s = time.perf_counter() - t
    truth = pd.read_csv(district / "truth" / "households.csv", dtype={"hukou_no": str})
    hh = tables.households.set_index("hukou_no")
    index = pd.Index(sorted(set(hh.index) | set(truth["hukou_no"])), name="hukou_no")
    y = truth.set_index("hukou_no")["hardship"].reindex(index).fillna(0).astype(bool)
    helps = household_helps(tables.tags, AS_OF)
    helped = pd.Series(
        [bool({"dibao", "tekun"} & set(helps.get(h, {}))) for h in index], index=index
    )

    card = score_tables(tables, policy=policy, as_of=AS_OF)
    rows = card.households.set_index("hukou_no")
    warned_card = rows["level"].notna()
    candidates = sorted(warned_card[warned_card].index)
    rng = np.random.default_rng(visit_seed)
    visited = sorted(rng.choice(candidates, size=min(visits, len(candidates)), replace=False))
    outcomes = y.reindex(visited)
    model, evaluation = train(card.features, outcomes, min_outcomes=policy.model.min_outcomes)
    combined = score_tables(tables, policy=policy, as_of=AS_OF, model=model)
    alone_policy = Policy.from_dict(
        {
            **policy.to_dict(),
            "combination": {**policy.to_dict()["combination"], "model_weight": 1.0},
        }
    )
    alone = score_tables(tables, policy=alone_policy, as_of=AS_OF, model=model)
    del dataclasses

    levels = [b.level for b in policy.bands]
    results: dict = {
        "households": int(len(index)),
        "true_hardship": int(y.sum()),
        "helped_true": int((helped & y).sum()),
        "visits": len(visited),
        "visits_confirmed": int(outcomes.sum()),
        "model": evaluation,
        "indicator_s": round(indicator_s, 2),
    }
    table = {}
    for name, res in (
        ("combined", combined),
        ("scorecard alone", card),
        ("statistical model alone", alone),
    ):
        r = res.households.set_index("hukou_no")
        for n, level in enumerate(levels):
            at = r["level"].map(lambda v, n=n: v is not None and levels.index(v) >= n)
            warned = at.reindex(index).astype("boolean").fillna(False).astype(bool)
            table[(name, level)] = rates(warned, y, helped)
        if name == "combined":
            warned = r["level"].notna().reindex(index).astype("boolean").fillna(False).astype(bool)
            results["combined_warned"] = warned
            not_visited = ~index.isin(visited)
            table[("combined, households not visited", levels[0])] = rates(
                warned[not_visited], y[not_visited], helped[not_visited]
            )
    base = card.households.set_index("hukou_no")
    fired_any = (
        (base["reasons"].map(len) > 0).reindex(index).astype("boolean").fillna(False).astype(bool)
    )
    table[("single-trigger baseline", "any")] = rates(fired_any, y, helped)
    results["table"] = table
    # recall by street, head age and household type (combined, lowest band)
    h = hh.reindex(index)
    warned = results.pop("combined_warned")
    groups = {
        "street": h["street"].fillna("(none)"),
        "head age": head_age_group(h["head_age"]),
        "household type": household_type(h.fillna({"size": 0, "n_elderly": 0, "n_minor": 0})),
    }
    by = {}
    for gname, g in groups.items():
        rows_ = []
        for value in sorted(g.unique()):
            m = (g == value).to_numpy()
            yt = y.to_numpy()[m]
            if yt.sum() == 0:
                continue
            w = warned.to_numpy()[m]
            hl = helped.to_numpy()[m]
            rows_.append(
                (value, int(yt.sum()), (w & yt).sum() / yt.sum(), ((w | hl) & yt).sum() / yt.sum())
            )
        by[gname] = rows_
    results["by"] = by
    return results


def print_report(title: str, r: dict) -> None:
    print(f"\n### {title}\n")
    print(
        f"{r['households']} households, {r['true_hardship']} in true hardship "
        f"({r['helped_true']} of them already on 低保/特困). Statistical model trained on "
        f"{r['visits']} simulated home visits ({r['visits_confirmed']} confirmed) — "
        f"model status {r['model'].get('status')}, CV ROC AUC {r['model'].get('roc_auc')}, "
        f"average precision {r['model'].get('average_precision')}.\n"
    )
    print("| model | level (and above) | warnings | precision | recall | recall incl. helped |")
    print("|---|---|---:|---:|---:|---:|")
    for (name, level), v in r["table"].items():
        print(
            f"| {name} | {level} | {v['warned']} | {v['precision']:.3f} | {v['recall']:.3f} | "
            f"{v['recall_incl_helped']:.3f} |"
        )
    for gname, rows in r["by"].items():
        print(f"\nRecall by {gname} (combined, lowest band):\n")
        print(f"| {gname} | true hardship | recall | recall incl. helped |")
        print("|---|---:|---:|---:|")
        for value, n, rec, rec_h in rows:
            print(f"| {value} | {n} | {rec:.3f} | {rec_h:.3f} |")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, help="a district with lake/ and truth/")
    parser.add_argument("--persons", type=Path, help="cached persons Parquet (read or written)")
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--visit-seed", type=int, default=1)
    args = parser.parse_args()
    tmp = None
    district = args.dir
    if district is None:
        tmp = tempfile.TemporaryDirectory()
        district = Path(tmp.name) / "district"
        t = time.perf_counter()
        prepare(district, args.households, args.seed)
        print(
            f"generated and ingested {args.households} households (seed {args.seed}) in "
            f"{time.perf_counter() - t:.0f} s",
            file=sys.stderr,
        )
    persons = persons_for(district, args.persons)
    r = evaluate(district, persons, visits=args.visits, visit_seed=args.visit_seed)
    print_report(f"District {district} (visits seed {args.visit_seed})", r)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
