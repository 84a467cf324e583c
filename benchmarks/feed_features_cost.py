"""What the generic feed features (:mod:`doudi.engine.monitoring.feed_features`) cost on a
district: engine seconds of the run whose features train a model (every feed), training
seconds, and engine seconds of a run scored by a model that keeps them (its feeds only) —
against the same without them, same sitting.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.feed_features_cost \\
        --dir /work/var/d130-copy [--visits 4500,500] [--repeat 3]

``--dir``: a synthetic district with ``lake/`` and ``truth/`` (``records.csv`` gives perfect
linkage, so no link run is needed; ``households.csv`` the outcomes). As in operation the
feeds are first keyed to those persons (:mod:`doudi.engine.monitoring.keyed`). One month of
visits: the top of the scorecard-only run's queue plus random households (outcome = truth),
the model trained on them with and without the generic features (each ``train`` is what a
retraining run calls twice: the model, and the promotion gate's candidate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 11, 1)


def _persons(truth: Path) -> pd.DataFrame:
    records = pd.read_csv(truth / "records.csv", dtype=str, keep_default_na=False)
    codes, _ = pd.factorize(records["person_id"])
    return pd.DataFrame(
        {
            "source": records["feed"],
            "record_key": records["record_key"],
            "person_key": codes.astype("int64") + 1,
        }
    ).drop_duplicates(["source", "record_key"])


def _policy(feed_features: bool) -> Any:
    from doudi.engine.monitoring import Policy, default_policy

    doc = default_policy()
    doc["model"] = {**doc["model"], "feed_features": feed_features}
    return Policy.from_dict(doc)


def _outcomes(first: Any, truth: Path, queue: int, random_visits: int) -> pd.Series:
    h = first.households
    ranked = h.sort_values(["score", "hukou_no"], ascending=[False, True])["hukou_no"]
    top = ranked.head(queue).tolist()
    t = pd.read_csv(truth / "households.csv", dtype={"hukou_no": str}).set_index("hukou_no")
    rest = sorted(set(t.index) - set(top))
    picked = np.random.default_rng(1).choice(rest, size=random_visits, replace=False).tolist()
    return t["hardship"].reindex(top + picked).fillna(0).astype(bool)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--visits", default="4500,500", help="queue,random")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import monitor
    from doudi.engine.monitoring.feed_features import PREFIX
    from doudi.engine.monitoring.keyed import build as build_keyed
    from doudi.engine.monitoring.model import load, train

    queue, random_visits = (int(x) for x in a.visits.split(","))
    lake, catalogue = Lake(a.dir / "lake"), load_catalogue()
    persons = _persons(a.dir / "truth")
    on, off = _policy(True), _policy(False)
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "keyed.duckdb"
        build_keyed(lake, catalogue, persons, store)
        kw: dict[str, Any] = {"as_of": AS_OF, "keyed": store}
        plain = monitor(lake, catalogue, persons, policy=off, **kw)
        training = monitor(lake, catalogue, persons, policy=on, training=True, **kw)
        y = _outcomes(plain, a.dir / "truth", queue, random_visits)
        generic = [c for c in training.features.columns if c.startswith(PREFIX)]
        models = {}
        for name, feats in (
            ("without", training.features.drop(columns=generic)),
            ("with", training.features),
        ):
            cpu, wall = time.process_time(), time.perf_counter()
            data, ev = train(feats, y, min_outcomes=on.model.min_outcomes)
            models[name] = data
            kept = [c for c in load(data)["features"] if c.startswith(PREFIX)] if data else []
            print(
                f"train {name} generic features: {time.perf_counter() - wall:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU; {ev['outcomes']} outcomes, CV AUC "
                f"{ev.get('roc_auc')}; generic features kept: {len(kept)} of "
                f"{len(generic) if name == 'with' else 0} ({len({c.split(':')[1] for c in kept})} feeds)"
            )
        runs: dict[str, list[dict[str, float]]] = {"without": [], "with": []}
        for _ in range(a.repeat):
            for name, policy in (("without", off), ("with", on)):
                r = monitor(lake, catalogue, persons, policy=policy, model=models[name], **kw)
                runs[name].append(r.timings)
    print(
        f"\n{plain.counts['households']} households; as of {AS_OF}; load average {os.getloadavg()}"
    )
    print(
        f"run whose features train the model (every feed): engine {training.timings['engine']:.2f} s"
        f", of which generic feed features {training.timings.get('feed_features', 0):.2f} s "
        f"(the same run without them: {plain.timings['engine']:.2f} s); steps "
        f"{training.timings}; without: {plain.timings}"
    )
    for name in ("without", "with"):
        best = min(runs[name], key=lambda t: t["engine"])
        print(
            f"scoring run, model {name} generic features: engine best {best['engine']:.2f} s "
            f"(all {[t['engine'] for t in runs[name]]}); generic feed features "
            f"{best.get('feed_features', 0):.2f} s; scores {best['scores']:.2f} s; steps {best}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
