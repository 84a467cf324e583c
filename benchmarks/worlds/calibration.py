"""Which calibration map, and which trim of the random visits' weights in it (issue 16 items 2
and 5), over many draws of the random verification visits — engine only, offline.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.worlds.calibration --households 20000 \\
        --seed 1 --worlds A --draws 16 [--var var/worlds]

One month of visits is a single draw of ``500 × households / 130,000`` random visits: at
20,000 households 77 of them, about 45 among the scored households and a handful confirmed,
each standing for about 250 households. A choice made on one draw is a choice made on that
luck. So, for each world (generated and ingested as by :mod:`benchmarks.worlds.levels`): the
shipped policy scores the district once with the model off; for each draw (``--draws``: the
queue is the same, the random visits are drawn with seeds 1, 2, …) the estimator is trained as
the shipped policy trains it (5-fold out-of-fold predictions for the map, then all outcomes;
weights trimmed at ``model.max_weight``) and each calibration map of
:data:`doudi.engine.monitoring.model.CALIBRATION_METHODS` is fitted on the out-of-fold
combined scores with the design weights trimmed at each ``--trims`` value (``none``:
untrimmed). Each map is judged on the households the warnings would reach — the top of the
ranking by combined score, as many as ``--top`` (default: the share of households the shipped
policy warned at 20,000 households on world A, 12.75 %) — by the calibration of those
households by tenth of predicted probability: the mean gap (weighted by households) and the
worst tenth with at least 20 households. Prints, per map and trim, the mean over the draws
of both, their spread, and the worst tenth of the worst draw. Choose on world A only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.worlds.levels import _lake, _persons, _policy, _warnings
from benchmarks.worlds.report import ROOT, WORLD_CLASSES, visit_plan

TOP_SHARE = 0.1275  # 2,550 of 20,000 households: world A's shipped list before this change


def gaps(p: np.ndarray, y: np.ndarray, min_n: int = 20) -> tuple[float, float]:
    """Mean absolute gap between predicted and observed share by tenth of ``p`` (weighted by
    households) and the largest gap of a tenth with at least ``min_n`` households."""
    bins = np.clip((p * 10).astype(int), 0, 9)
    total, worst = 0.0, 0.0
    for b in range(10):
        m = bins == b
        if m.any():
            gap = abs(float(p[m].mean()) - float(y[m].mean()))
            total += m.sum() * gap
            if m.sum() >= min_n:
                worst = max(worst, gap)
    return total / max(len(p), 1), worst


def _draw(first: pd.DataFrame, truth: pd.DataFrame, households: int, draw: int) -> pd.DataFrame:
    plan = visit_plan(first, truth, households, draw)
    n_random = int((plan["kind"] == "random").sum())
    frame = len(truth) - int((plan["kind"] == "queue").sum())
    plan["selection_probability"] = np.where(plan["kind"] == "random", n_random / frame, np.nan)
    return plan


def study(
    key: str,
    var: Path,
    households: int,
    seed: int,
    draws: int,
    trims: list[float | None],
    top_share: float,
) -> dict[tuple[str, Any], list[tuple[float, float]]]:
    from sklearn.model_selection import StratifiedKFold

    from doudi.engine.monitoring import default_policy, monitor
    from doudi.engine.monitoring import model as m

    world = WORLD_CLASSES[key](var, households, seed)
    if not world.generated():
        world.generate()
    truth = world.households_truth()
    lake, catalogue = _lake(world)
    policy = _policy(default_policy(), levels=False, min_outcomes=1)
    first = monitor(lake, catalogue, _persons(world), policy=policy, as_of=world.as_of)
    feats = first.features
    feats.index = feats.index.astype(str)
    hard = truth.set_index("hukou_no")["hardship"].reindex(feats.index).fillna(0)
    y_all = hard.to_numpy(dtype=int)
    card_all = feats["scorecard"].to_numpy(dtype=np.float64)
    weight = policy.combination.model_weight
    k = round(top_share * len(truth))
    out: dict[tuple[str, Any], list[tuple[float, float]]] = {}
    for draw in range(1, draws + 1):
        plan = _draw(_warnings(first), truth, households, draw).set_index("hukou_no")
        plan = plan[plan.index.isin(feats.index)]
        outcomes = plan["hardship_confirmed"].astype(bool)
        design = m.design_weights(plan["selection_probability"])
        x, y, w = m._xy(feats, outcomes, m.design_weights(plan["selection_probability"], 1))
        xa = x.to_numpy()
        oof = np.zeros(len(y))
        cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=m.SEED)
        for fit, test in cv.split(xa, y):
            est = m._estimator().fit(xa[fit], y[fit], sample_weight=w[fit])
            oof[test] = est.predict_proba(xa[test])[:, 1]
        est = m._estimator().fit(xa, y, sample_weight=w)
        p_all = est.predict_proba(feats.reindex(columns=x.columns).to_numpy(np.float64))[:, 1]
        s_all = m.combined_score(card_all, p_all, weight)
        s_oof = m.combined_score(x["scorecard"].to_numpy(np.float64), oof, weight)
        top = np.argsort(-s_all, kind="stable")[:k]
        full = design.reindex(x.index).to_numpy(dtype=np.float64)
        for method in m.CALIBRATION_METHODS:
            for trim in trims:
                cw = full if trim is None else np.minimum(full, trim)
                cal = m._fit_map(s_oof, y, cw, method)
                out.setdefault((method, trim), []).append(
                    gaps(m._apply(cal, s_all[top]), y_all[top])
                )
        print(
            f"{key}: draw {draw}: {int((full > 1).sum())} random visits among the scored "
            f"households, {int(y[full > 1].sum())} confirmed",
            file=sys.stderr,
        )
    return out


def table(name: str, res: dict[tuple[str, Any], list[tuple[float, float]]], k: int) -> str:
    n = len(next(iter(res.values())))
    lines = [
        f"{name}: calibration of the top {k} households by combined score, over {n} draws of "
        "the random visits",
        "",
        "| map | trim of the random visits' weight | mean gap (sd) | worst tenth, mean "
        "| worst tenth, worst draw |",
        "|---|---|---|---|---|",
    ]
    for (method, trim), v in res.items():
        a = np.array(v)
        lines.append(
            f"| {method} | {'untrimmed' if trim is None else f'{trim:g}'} | "
            f"{a[:, 0].mean():.3f} ({a[:, 0].std():.3f}) | {a[:, 1].mean():.3f} | "
            f"{a[:, 1].max():.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worlds", default="A")
    ap.add_argument("--var", type=Path, default=ROOT / "var" / "worlds")
    ap.add_argument("--draws", type=int, default=16)
    ap.add_argument("--trims", default="1,3,10,none")
    ap.add_argument("--top", type=float, default=TOP_SHARE, help="share of households judged")
    a = ap.parse_args(argv)
    trims = [
        None if t.strip().lower() == "none" else float(t) for t in a.trims.split(",") if t.strip()
    ]
    a.var.mkdir(parents=True, exist_ok=True)
    for key in [k.strip().upper() for k in a.worlds.split(",") if k.strip()]:
        started = time.monotonic()
        res = study(key, a.var, a.households, a.seed, a.draws, trims, a.top)
        print(table(f"{key} ({a.households} households)", res, round(a.top * a.households)))
        print(f"\n({time.monotonic() - started:.0f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
