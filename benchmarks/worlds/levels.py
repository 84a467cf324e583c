"""Levels by expected precision and learning from random visits (issue 16 items 2 and 5),
measured on the engine alone: before and after, same inputs, same sitting.

    .venv/bin/python -m benchmarks.worlds.levels --households 4000 --seed 1 --worlds A \\
        [--min-outcomes 100] [--var var/worlds]

For each world (generated as by :mod:`benchmarks.worlds.report`, reused when present): every
feed file is ingested into a lake of its own, persons are linked by the world's truth
(``truth/records.csv``: perfect linkage, so the comparison is about scoring, not linkage), the
shipped policy scores the district as of the world's date with the model off, one month of
visits is simulated as in the report (the top ``4,500 × households / 130,000`` of the queue by
score, plus ``500 × households / 130,000`` random verification visits among the other
households, outcome = truth; a random visit's selection probability = draws ÷ the households
it was drawn from), the model is trained on those outcomes and the district is scored again.
Arms:

- **before**: the model trained on the outcomes unweighted, levels by the policy's score bands
  (the shipped behaviour until this change);
- **weights**: random visits weighted by 1 / selection probability, score bands;
- **levels**: unweighted, levels by expected precision and capacity;
- **after**: both, without the floor;
- **after + floor**: the policy as shipped before the generic feed features
  (``keep_band_level = true``: a household's level never below its band level);
- **feeds**: the same with the generic feed features given to the model
  (``model.feed_features``, :mod:`doudi.engine.monitoring.feed_features`); **feeds w=W**:
  and the combination's ``model_weight`` W (``--feed-weights``);
- **feeds + help review**: the policy as shipped since issue 16's help review
  (``combination.help_review``: a household whose fired indicators are all answered by help it
  holds is listed on the lowest band as a help review, whatever the model says). Every other
  arm, and the first run that chooses the visits, keeps ``help_review`` off (the behaviour
  before it);
- **feeds + help review + verdicts**: the policy as shipped since issue 16's visit verdicts
  (``combination.visit_verdict_days``): the run is given the month's visits, and a household
  a visit found not in hardship is not listed again, one found in hardship is listed at 预警 at
  least. Every other arm scores without the visits (the behaviour before).

After each world's table, the hardship among households that already hold help, by the help
held, for the first run and each arm (:mod:`benchmarks.worlds.helpheld`).

``--arms``: a comma-separated subset of the arms (default all); a feed arm with a trailing
`` w=W`` is scored with the combination's ``model_weight`` W (``feeds + help review + verdicts
w=1``), one with `` (no floor)`` before it with ``keep_band_level = false`` (levels by the
calibrated probability and capacity alone).

Besides the levels, each arm's table gives the ranking itself over **every household not
visited**, listed or not (ROC AUC and recall at precision 0.70 / 0.80 of the combined score; a
household with nothing fired scores 0) — the other AUC rows count an unlisted household as 0,
so a longer list scores higher whatever its ranking — and the random visits' own ranking at
weights 0.5, 0.75 and 1 (:func:`doudi.engine.monitoring.model.random_visits_by_weight`).

``--calibration-max-weight``: the trim(s) of those design weights (comma-separated, ``none``:
untrimmed; default the policy's ``model.calibration_max_weight``).

``--calibration``: the calibration map(s) of the combined score
(:data:`doudi.engine.monitoring.model.CALIBRATION_METHODS`; comma-separated: every arm is run
with each, the first run and the visits shared); ``--calibration-weights``: ``design`` (the
shipped behaviour: the map is fitted with the untrimmed design weights, 1 / selection
probability for a random visit, whatever the trim of the estimator's weights) or ``estimator``
(the map fitted with the estimator's weights — the behaviour before issue 16's weighted
calibration). Each arm's table is followed by the calibration of its warnings by tenth of
probability (warnings, mean predicted, observed share, gap).

``--estimators``: the estimator variant(s) every arm is trained with (:data:`ESTIMATORS`,
comma-separated; default the shipped settings). Each arm's table also gives the households
the month's visits did not reach: ROC AUC, recall at precision 0.70 / 0.80 and the levels'
precision and recall among them alone — what the ranking finds beyond what the visits told it.

``--min-outcomes``: the model's ``min_outcomes`` for this measurement (the shipped 300 keeps
the model off below about 9,000 households with this month of visits; every arm uses the same
value). Prints one Markdown table per world; tune on A only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.worlds.helpheld import help_held, help_table
from benchmarks.worlds.report import (
    FULL_DISTRICT,
    RANDOM_VISITS,
    ROOT,
    TARGET_PRECISIONS,
    WORLD_CLASSES,
    auc,
    evaluate,
    perfect_persons,
    recall_at_precision,
    visit_plan,
)
from doudi.engine.monitoring.feed_features import PREFIX as FEED_PREFIX

ARMS = [
    "before",
    "weights",
    "levels",
    "after",
    "after + floor",
    "feeds",
    "feeds + help review",
    "feeds + help review + verdicts",
]
# the estimator variants of ``--estimators``: settings over the shipped ones
# (:data:`doudi.engine.monitoring.model.ESTIMATOR`)
ESTIMATORS: dict[str, dict[str, Any]] = {
    "shipped": {},
    "leaves 15": {"max_leaf_nodes": 15},  # the shipped trees until issue 16's fifth round
    "leaves 7": {"max_leaf_nodes": 7},
    "leaves 3": {"max_leaf_nodes": 3},
    "small": {"max_iter": 100, "learning_rate": 0.05, "max_leaf_nodes": 7, "min_samples_leaf": 30},
    "early": {"early_stopping": True, "validation_fraction": 0.2, "n_iter_no_change": 10},
}
FEED_ARMS = ("feeds",)


def _lake(world: Any) -> tuple[Any, Any]:
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.intake.pipeline import ingest_file
    from doudi.engine.lake import Lake

    root = world.dir / "engine-lake"
    catalogue = load_catalogue()
    done = root / ".complete"
    lake = Lake(root)
    if not done.exists():
        for path in sorted(Path(world.ingest_dir()).rglob("*")):
            if path.is_file() and "truth" not in path.parts and path.suffix != ".json":
                try:
                    ingest_file(path, lake=lake, catalogue=catalogue)
                except Exception as exc:  # a world's file the catalogue does not know
                    print(f"  skipped {path.name}: {type(exc).__name__}", file=sys.stderr)
        done.write_text("ok")
    return lake, catalogue


_persons = perfect_persons


def _warnings(result: Any) -> pd.DataFrame:
    h = result.households
    h = h[h["level"].notna()]
    prob = [None if x is None else x.get("probability") for x in h["explanation"]]
    return pd.DataFrame(
        {
            "hukou_no": h["hukou_no"].astype(str).to_numpy(),
            "score": h["score"].astype(float).to_numpy(),
            "level": h["level"].to_numpy(),
            "probability": pd.to_numeric(pd.Series(prob, dtype=object), errors="coerce"),
        }
    )


def _ranking(result: Any, truth: pd.DataFrame) -> dict[str, Any]:
    """ROC AUC and recall at precision 0.70 / 0.80 of the combined score over every
    household of ``truth``, listed or not (a household with nothing fired scores 0): the
    ranking's quality apart from how far down it the levels reach."""
    h = result.households
    score = pd.Series(h["score"].astype(float).to_numpy(), index=h["hukou_no"].astype(str))
    s = truth["hukou_no"].astype(str).map(score).fillna(0.0).to_numpy(float)
    hard = truth["hardship"].to_numpy(bool)
    return {
        "auc": auc(s, hard),
        "recall_at": {str(t): recall_at_precision(s, hard, t) for t in TARGET_PRECISIONS},
    }


def _policy(
    doc: dict[str, Any],
    *,
    levels: bool,
    min_outcomes: int,
    keep_band_level: bool = False,
    feed_features: bool = False,
    model_weight: float | None = None,
    help_review: bool = False,
) -> Any:
    from doudi.engine.monitoring import Policy

    doc = {
        **doc,
        "model": {**doc["model"], "min_outcomes": min_outcomes, "feed_features": feed_features},
    }
    if model_weight is not None:
        doc["combination"] = {**doc["combination"], "model_weight": model_weight}
    # the arm sets the floor (the shipped policy has it on: "after + floor")
    doc["combination"] = {
        **doc["combination"],
        "keep_band_level": keep_band_level,
        "help_review": help_review,
    }
    if not levels:
        doc["combination"] = {
            k: v
            for k, v in doc["combination"].items()
            if k
            not in (
                "warning_min_precision",
                "urgent_min_probability",
                "list_min_precision",
                "keep_band_level",
            )
        }
    return Policy.from_dict(doc)


def run_world(
    key: str,
    var: Path,
    households: int,
    seed: int,
    min_outcomes: int,
    max_weight: float | None,
    arms: list[str] = ARMS,
    methods: tuple[str, ...] = (),
    calibration_weights: str = "design",
    calibration_trims: tuple[float | None, ...] | None = None,
    estimators: tuple[str, ...] = ("shipped",),
) -> dict:
    from doudi.engine.monitoring import default_policy, monitor
    from doudi.engine.monitoring.model import CALIBRATION, design_weights, train

    world = WORLD_CLASSES[key](var, households, seed)
    if not world.generated():
        print(f"{key}: generating {world.name}", file=sys.stderr)
        world.generate()
    truth = world.households_truth()
    lake, catalogue = _lake(world)
    persons = _persons(world)
    doc = default_policy()
    feeds = any(a.startswith(FEED_ARMS) for a in arms)
    base = _policy(doc, levels=False, min_outcomes=min_outcomes, feed_features=feeds)
    t = time.monotonic()
    first = monitor(lake, catalogue, persons, policy=base, as_of=world.as_of, training=feeds)
    print(f"{key}: first run {time.monotonic() - t:.0f} s {first.timings}", file=sys.stderr)
    first_help = help_held(first, truth, base)
    # the model off (a bureau's first months): the score bands, with and without help review
    scorecard = {"score bands": evaluate(_warnings(first), truth)}
    if any("+ help review" in a for a in arms):
        reviewed = _policy(
            doc, levels=False, min_outcomes=min_outcomes, feed_features=feeds, help_review=True
        )
        again = monitor(lake, catalogue, persons, policy=reviewed, as_of=world.as_of)
        scorecard["score bands + help review"] = evaluate(_warnings(again), truth)
        scorecard["help review listings"] = help_held(again, truth, reviewed)["any help"]
    generic = [c for c in first.features.columns if c.startswith(FEED_PREFIX)]
    plan = visit_plan(_warnings(first), truth, households, seed)
    n_random = int((plan["kind"] == "random").sum())
    frame = len(truth) - int((plan["kind"] == "queue").sum())
    plan["selection_probability"] = np.where(plan["kind"] == "random", n_random / frame, np.nan)
    outcomes = plan.set_index("hukou_no")["hardship_confirmed"].astype(bool)
    sel = plan.set_index("hukou_no")["selection_probability"]
    if max_weight is None:  # the shipped policy's trim
        max_weight = base.model.max_weight
    weights = {True: design_weights(sel, max_weight), False: None}
    methods = methods or (CALIBRATION,)
    if calibration_trims is None:  # the shipped policy's trim of the calibration weights
        calibration_trims = (base.model.calibration_max_weight,)
    if calibration_weights != "design":
        calibration_trims = ("estimator",)  # type: ignore[assignment]
    variants = [(m, t, e) for m in methods for t in calibration_trims for e in estimators]

    def label(m: str, t: Any, e: str) -> str:
        if len(variants) == 1:
            return ""
        parts = [m] if len(methods) > 1 or len(calibration_trims) > 1 else []
        if len(calibration_trims) > 1:
            parts.append(f"≤ {t}")
        if len(estimators) > 1:
            parts.append(e)
        return " [" + ", ".join(parts) + "]"

    out: dict[str, Any] = {
        "world": world.name,
        "visits": f"{int((plan['kind'] == 'queue').sum())} + {n_random} "
        f"(p = {n_random / frame:.4f}; {int(outcomes.sum())} confirmed; "
        f"weights trimmed at {max_weight}; calibration weights: {calibration_weights}, "
        f"trimmed at {', '.join(str(t) for t in calibration_trims)})",
        "hardship": int(truth["hardship"].sum()),
        "households": len(truth),
        "arms": [a + label(m, t, e) for m, t, e in variants for a in arms],
        "first_help": first_help,
        "scorecard": scorecard,
    }
    models: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
    visited = set(plan["hukou_no"].astype(str))
    # the month's visits as `doudi monitor` gives them: each household's verdict, dated as_of
    visits = {
        str(h): (world.as_of, bool(c))
        for h, c in zip(plan["hukou_no"], plan["hardship_confirmed"], strict=True)
    }
    unvisited = truth[~truth["hukou_no"].astype(str).isin(visited)]
    for method, trim, estimator in variants:
        cal_weights = None if trim == "estimator" else design_weights(sel, trim)  # type: ignore[arg-type]
        for arm in arms:
            weighted = arm in ("weights", "after", "after + floor")
            levels = arm in ("levels", "after", "after + floor") or arm.startswith(FEED_ARMS)
            with_feeds = arm.startswith(FEED_ARMS)
            weight = _arm_weight(arm, base.combination.model_weight)
            spec = (weighted, with_feeds, weight, method, trim, estimator)
            if spec not in models:
                t = time.monotonic()
                with _estimator(estimator):
                    models[spec] = train(
                        first.features if with_feeds else first.features.drop(columns=generic),
                        outcomes,
                        min_outcomes=min_outcomes,
                        model_weight=weight,
                        weights=weights[weighted],
                        calibration_weights=cal_weights,
                        calibration_method=method,
                    )
                print(f"{key}: {arm} trained in {time.monotonic() - t:.0f} s", file=sys.stderr)
            policy = _policy(
                doc,
                levels=levels,
                min_outcomes=min_outcomes,
                keep_band_level=arm == "after + floor" or (with_feeds and NO_FLOOR not in arm),
                feed_features=with_feeds,
                model_weight=weight,
                help_review="+ help review" in arm,
            )
            data, ev = models[spec]
            t = time.monotonic()
            res = monitor(
                lake,
                catalogue,
                persons,
                policy=policy,
                as_of=world.as_of,
                model=data,
                visits=visits if _base_arm(arm).endswith("+ verdicts") else None,
            )
            name = arm + label(method, trim, estimator)
            out[name] = {
                "status": res.model_status,
                "cv_auc": ev.get("roc_auc"),
                "by_weight": ev.get("random_visits_by_weight"),
                "eval": evaluate(_warnings(res), truth),
                # the households the month's visits did not reach: the ranking's reach
                "unvisited": evaluate(_warnings(res), unvisited),
                # the ranking itself: every household's combined score, listed or not
                "ranking": _ranking(res, unvisited),
                "thin": (ev.get("calibration") or {}).get("thin_tenths"),
                "seconds": round(time.monotonic() - t, 1),
                "timings": res.timings,
                "help": help_held(res, truth, policy),
            }
            print(f"{key}: {name} done {res.timings}", file=sys.stderr)
    return out


@contextmanager
def _estimator(name: str) -> Iterator[None]:
    """The model trained with the estimator variant ``name`` (:data:`ESTIMATORS`)."""
    from doudi.engine.monitoring import model

    kept = dict(model.ESTIMATOR)
    model.ESTIMATOR.update(ESTIMATORS[name])
    try:
        yield
    finally:
        model.ESTIMATOR.clear()
        model.ESTIMATOR.update(kept)


# a feed arm with this suffix (before any weight) scores without the band floor
NO_FLOOR = " (no floor)"


def _base_arm(arm: str) -> str:
    """The arm without its model weight and floor suffix (``feeds + help review (no floor)
    w=0.9``: ``feeds + help review``)."""
    return arm.split(" w=", 1)[0].removesuffix(NO_FLOOR)


def _arm_weight(arm: str, default: float) -> float:
    """The combination's ``model_weight`` of an arm (``feeds w=0.9``: 0.9)."""
    if " w=" in arm:
        return float(arm.split(" w=", 1)[1])
    return default


def _by_weight(r: dict[str, Any] | None) -> str:
    """The random visits' ranking at three combination weights, and the weight that ranks them
    best (:func:`doudi.engine.monitoring.model.random_visits_by_weight`)."""
    if not r:
        return "—"
    by = r["roc_auc"]
    best = max(by, key=lambda m: (by[m], float(m)))
    return (
        f"{by['0.5']:.3f} / {by['0.75']:.3f} / {by['1']:.3f} "
        f"({best}; {r['confirmed']} of {r['random_visits']})"
    )


def _f(v: Any) -> str:
    return "—" if v is None else f"{v:.3f}"


def _pr(d: dict[str, Any]) -> str:
    return f"P {_f(d['precision'])} / R {_f(d['recall'])} ({d['warned']})"


def table(r: dict[str, Any]) -> str:
    lines = [
        f"{r['world']}: {r['households']} households ({r['hardship']} in hardship); "
        f"visits {r['visits']}",
        "",
        "| | " + " | ".join(r["arms"]) + " |",
        "|---|" + "---|" * len(r["arms"]),
    ]

    def row(label: str, f: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(f(r[a]) for a in r["arms"]) + " |")

    row("model (CV AUC on the visits)", lambda a: f"{a['status']} ({_f(a['cv_auc'])})")
    for lv, name in (("urgent", "紧急"), ("warning", "预警 and above"), ("watch", "all levels")):
        row(name, lambda a, lv=lv: _pr(a["eval"]["cumulative"][lv]))
    row("ROC AUC (score)", lambda a: _f(a["eval"]["auc"]))
    row(
        "calibration of the probability: mean / worst tenth",
        lambda a: (
            "—"
            if not a["eval"]["calibration"]
            else f"{_f(a['eval']['calibration']['ece'])} / {_f(a['eval']['calibration']['max_gap'])}"
        ),
    )
    row("recall at precision 0.70", lambda a: _f(a["eval"]["recall_at"]["0.7"]))
    row("not visited: ROC AUC (score)", lambda a: _f(a["unvisited"]["auc"]))
    row(
        "not visited, every household ranked: ROC AUC / recall at precision 0.70 / 0.80",
        lambda a: " / ".join(
            _f(x)
            for x in (
                a["ranking"]["auc"],
                a["ranking"]["recall_at"]["0.7"],
                a["ranking"]["recall_at"]["0.8"],
            )
        ),
    )
    row(
        "not visited: recall at precision 0.70 / 0.80",
        lambda a: (
            f"{_f(a['unvisited']['recall_at']['0.7'])} / {_f(a['unvisited']['recall_at']['0.8'])}"
        ),
    )
    for lv, name in (("warning", "预警 and above"), ("watch", "all levels")):
        row(f"not visited: {name}", lambda a, lv=lv: _pr(a["unvisited"]["cumulative"][lv]))
    row(
        "random visits: ROC AUC at model_weight 0.5 / 0.75 / 1 (best)",
        lambda a: _by_weight(a["by_weight"]),
    )
    row("engine seconds (scoring run)", lambda a: f"{a['timings'].get('engine', 0):.1f}")
    row("tenths the model reports thin (no random visit or few)", lambda a: _thin(a["thin"]))
    row("help review listings: n (precision)", lambda a: _review(a["help"]["any help"]))
    for arm in r["arms"]:
        lines += ["", tenths_table(arm, r[arm]["eval"]["calibration"])]
        lines += [
            "",
            tenths_table(f"{arm}, not visited", r[arm]["unvisited"]["calibration"]),
        ]
    lines += ["", "The model off (the first run, before any visit):", ""]
    for name, e in r["scorecard"].items():
        if name == "help review listings":
            lines.append(f"- help review listings: {_review(e)}")
            continue
        lines.append(
            f"- {name}: 预警 and above {_pr(e['cumulative']['warning'])}; "
            f"all levels {_pr(e['cumulative']['watch'])}"
        )
    lines += ["", help_table("first run (model off, score bands)", r["first_help"])]
    for arm in r["arms"]:
        lines += ["", help_table(arm, r[arm]["help"])]
    return "\n".join(lines)


def _review(c: dict[str, int]) -> str:
    n = c["review"]
    return f"{n} ({_f(c['review_hardship'] / n if n else None)})"


def _thin(tenths: list[int] | None) -> str:
    if tenths is None:
        return "—"
    return ", ".join(f"{t / 10:.1f}–{(t + 1) / 10:.1f}" for t in tenths) or "none"


def tenths_table(arm: str, cal: dict[str, Any] | None) -> str:
    """The calibration of the warnings of one arm by tenth of predicted probability."""
    if not cal:
        return f"{arm}: no probability exported"
    lines = [
        f"{arm}: warnings by tenth of predicted probability",
        "",
        "| tenth | warnings | mean predicted | observed share | gap |",
        "|---|---|---|---|---|",
    ]
    for b in cal["bins"]:
        gap = b["observed"] - b["predicted"]
        lines.append(
            f"| {b['tenth'] / 10:.1f}–{(b['tenth'] + 1) / 10:.1f} | {b['n']} | "
            f"{b['predicted']:.3f} | {b['observed']:.3f} | {gap:+.3f}"
            + (" ✗" if abs(gap) > 0.1 else "")
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=4_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worlds", default="A")
    ap.add_argument("--var", type=Path, default=ROOT / "var" / "worlds")
    ap.add_argument("--min-outcomes", type=int, default=100)
    ap.add_argument(
        "--max-weight", type=float, default=None, help="trim the design weights (default: policy)"
    )
    ap.add_argument("--arms", default=",".join(ARMS), help="comma-separated arms (default all)")
    ap.add_argument(
        "--feed-weights",
        default="",
        help="comma-separated model weights: a 'feeds w=W' arm for each (model_weight W); "
        "any feed arm can also be given a weight in --arms ('feeds + help review w=0.9')",
    )
    ap.add_argument(
        "--calibration", default="", help="calibration map(s), comma-separated (default: shipped)"
    )
    ap.add_argument("--calibration-weights", choices=("design", "estimator"), default="design")
    ap.add_argument(
        "--calibration-max-weight",
        default="",
        help="trim(s) of the calibration's design weights, comma-separated, 'none' = untrimmed "
        "(default: the policy's model.calibration_max_weight)",
    )
    ap.add_argument(
        "--estimators",
        default="shipped",
        help=f"estimator variants, comma-separated (among {', '.join(ESTIMATORS)})",
    )
    a = ap.parse_args(argv)
    methods = tuple(x.strip() for x in a.calibration.split(",") if x.strip())
    trims = tuple(
        None if x.strip().lower() == "none" else float(x)
        for x in a.calibration_max_weight.split(",")
        if x.strip()
    )
    arms = [x.strip() for x in a.arms.split(",") if x.strip()]
    estimators = tuple(x.strip() for x in a.estimators.split(",") if x.strip())
    if set(estimators) - set(ESTIMATORS):
        ap.error(f"unknown estimators {sorted(set(estimators) - set(ESTIMATORS))}")
    arms += [f"feeds w={float(w):g}" for w in a.feed_weights.split(",") if w.strip()]
    unknown = sorted({_base_arm(x) for x in arms} - set(ARMS))
    if unknown:
        ap.error(f"unknown arms {unknown}: choose among {', '.join(ARMS)}")
    a.var.mkdir(parents=True, exist_ok=True)
    assert RANDOM_VISITS and FULL_DISTRICT  # the report's month of visits
    for key in [k.strip().upper() for k in a.worlds.split(",") if k.strip()]:
        started = time.monotonic()
        r = run_world(
            key,
            a.var,
            a.households,
            a.seed,
            a.min_outcomes,
            a.max_weight,
            arms,
            methods,
            a.calibration_weights,
            trims or None,
            estimators,
        )
        print(table(r))
        print(f"\n({time.monotonic() - started:.0f} s, {dt.datetime.now(dt.UTC):%H:%M} UTC)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
