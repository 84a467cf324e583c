"""The statistical half of the dual architecture: a scikit-learn classifier trained on
home-visit outcomes (hardship confirmed or not), from the household features of a run.

- :func:`train` ``(features, outcomes) -> (model_bytes | None, evaluation)``. The model is
  off — ``None`` — until at least ``min_outcomes`` outcomes (policy ``model.min_outcomes``)
  with both answers exist. The evaluation is a stratified 5-fold cross-validation on the
  outcomes (ROC AUC, average precision, precision and recall at probability 0.5), plus the
  counts.
- The model is a :class:`~sklearn.ensemble.HistGradientBoostingClassifier` (seeded, so equal
  inputs train equal models), stored as bytes: a JSON envelope holding the feature list,
  the evaluation and the pickled estimator. Its version is the SHA-256 of those bytes
  (:func:`model_version`). The bytes are produced by :func:`train` only; the operational side
  stores them and passes them back, and :func:`load` refuses an envelope of another format.
- :func:`predict` gives the probability of confirmed hardship for each household.
- **Calibration** (issue 16): the combined score of the policy's rule
  (``(1 - model_weight) × scorecard + model_weight × 100 × probability``) is mapped to a
  calibrated probability of hardship by a monotone map fitted on the *out-of-fold* combined
  scores of the outcomes (each household scored by a model that never saw it) — shipped:
  Platt's map (logistic regression on the log-odds of score / 100; :data:`CALIBRATION`),
  chosen on world A over isotonic regression, beta calibration and isotonic regression on
  pooled scores (``calibration_method``). The map is stored in the envelope
  (``calibration``: the knots of a piecewise-linear function of the score), so it belongs to
  the model version; :func:`calibrate` applies it. The evaluation reports the calibration by
  tenth of calibrated probability, itself cross-validated (the map of four folds applied to
  the fifth), its mean absolute error, and the map's **support** by tenth: the outcomes there,
  how many are random visits and their effective number; a tenth with no random visit or
  fewer than :data:`MIN_EFFECTIVE` effective outcomes is listed in ``thin_tenths`` — the map
  there speaks for visits down the queue, or for too few visits, and the warning page says
  its probability is a rough estimate.
- **Weights** (issue 16, learning from visits without selection bias): ``weights`` gives each
  outcome its design weight — 1 for a visit down the queue, ``1 / p`` for a random
  verification visit drawn with probability ``p`` (:func:`design_weights`). The queue is a
  census of the top of the ranking and the random visits a sample of the rest, so with these
  (Horvitz–Thompson) weights the outcomes stand for the whole district, not for the households
  the scorecard already shows. ``weights`` (trimmed by the policy's ``model.max_weight``)
  enter the estimator's fit and the cross-validated figures; ``calibration_weights`` (the same
  design weights trimmed by ``model.calibration_max_weight``) the calibration map and its
  report, so that the map describes the households the queue never reached even when the
  estimator counts a random visit once.
- **The random visits' ranking by weight** (:func:`random_visits_by_weight`, in the
  evaluation): how the combined score would rank the households the queue did not reach at
  each ``model_weight`` from 0 to 1 — a report for whoever sets the policy's weight; nothing
  is chosen from it.
- **Promotion gate**: :func:`compare` scores a candidate model and the current one on the
  same held-back outcomes (outcomes the current model never saw, which the candidate is
  trained without): weighted log-loss of the calibrated probability, then ROC AUC. The
  operational side promotes the candidate only when its log-loss is lower.

Features (:data:`FEATURES` plus one 0/1 column per indicator of the policy, suppressed
indicators counting as not fired) are built by :func:`doudi.engine.monitoring.scoring.features`
from the indicator tables — the same household facts the scorecard sees, with the raw amounts
(income per head, the best earner's wage and pension, medical spending) the scorecard only
sees through thresholds, the household profile
(:data:`~doudi.engine.monitoring.indicators.PROFILE_COLUMNS`; a missing fact is -1) and the
help categories the household holds — and, with the policy's ``model.feed_features``, the
generic feed features (:mod:`.feed_features`), of which :func:`train` keeps
:data:`FEED_FEATURES_KEPT`. The estimator is fitted on the array of those columns;
:func:`predict` puts a run's columns in the training order by name.

How the two halves are combined is documented in :mod:`doudi.engine.monitoring.scoring`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import pickle
from typing import Any

import numpy as np
import pandas as pd

from .feed_features import PREFIX as FEED_PREFIX
from .indicators import HELP_CATEGORIES, INCOME_FEATURES, PROFILE_COLUMNS

FORMAT = "doudi-monitor-model/1"
# generic feed features kept per model (:func:`_screen`); chosen on world A (20,000
# households: 15, 30 and 60 of them gave the same held-out AUC, all 400 a little more
# at three times the training time)
FEED_FEATURES_KEPT = 20
SEED = 20261129
FEATURES = (
    "income_per_head",
    "best_wage",
    "best_pension",
    "medical_spend",
    "size",
    "n_minor",
    "n_working",
    "n_elderly",
    "n_deceased",
    "head_age",
    *INCOME_FEATURES,
    *PROFILE_COLUMNS,
    *(f"holds_{c}" for c in HELP_CATEGORIES),
    "scorecard",
)


class ModelError(ValueError):
    pass


# home-visit outcomes: a Series hukou_no -> confirmed, or a frame with those columns
Outcomes = pd.Series | pd.DataFrame | dict[str, bool]


def model_version(model: bytes) -> str:
    return hashlib.sha256(model).hexdigest()[:16]


# the estimator's settings (scikit-learn's HistGradientBoostingClassifier). Trees of five
# leaves, chosen on world A (20,000 households, one month of visits, seeds 1 and 2): against
# fifteen, held-out ROC AUC 0.983 → 0.991 and 0.989 → 0.991, and more precision at 预警 for the
# same recall on seed 2; seven leaves did as well, three a little worse. A few hundred visit
# outcomes, most from the top of the queue, do not support deeper trees: they learn the
# visited households and guess about the rest (benchmarks/worlds/levels.py --estimators).
ESTIMATOR: dict[str, Any] = {
    "max_iter": 200,
    "learning_rate": 0.08,
    "max_leaf_nodes": 5,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
}


def _estimator() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**ESTIMATOR, random_state=SEED)


def _screen(x: pd.DataFrame, y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> pd.DataFrame:
    """Every feature but the generic feed features (:mod:`.feed_features`), of which only the
    :data:`FEED_FEATURES_KEPT` that best tell the outcomes apart on their own are kept: weighted
    ROC AUC farthest from 0.5, a missing value counting as the lowest; ties by name. Hundreds
    of them would multiply the training time (and the monitoring run computes only the feeds
    a model keeps)."""
    generic = [c for c in x.columns if str(c).startswith(FEED_PREFIX)]
    if len(generic) <= FEED_FEATURES_KEPT or y.min() == y.max():
        return x
    from sklearn.metrics import roc_auc_score

    strength = {}
    for c in generic:
        v = x[c].to_numpy(dtype=np.float64)
        v = np.where(np.isnan(v), -np.inf, v)
        if v.min() == v.max():
            continue
        v = np.where(np.isinf(v), v[np.isfinite(v)].min() - 1.0, v)
        strength[c] = abs(float(roc_auc_score(y, v, sample_weight=w)) - 0.5)
    kept = set(sorted(strength, key=lambda c: (-strength[c], c))[:FEED_FEATURES_KEPT])
    return x[[c for c in x.columns if c not in generic or c in kept]]


def _fit(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> Any:
    """The estimator fitted on ``x``. A column missing in every row (a feed feature of a feed
    these households lack) is fitted as a constant: it is never split on, so its values at
    predict time do not matter (scikit-learn cannot bin a column with no value)."""
    empty = np.isnan(x).all(axis=0) if len(x) else np.zeros(x.shape[1], dtype=bool)
    if empty.any():
        x = x.copy()
        x[:, empty] = 0.0
    return _estimator().fit(x, y, sample_weight=w)


def design_weights(selection_probability: pd.Series, max_weight: float | None = None) -> pd.Series:
    """Each outcome's design weight from its selection probability: ``1 / p`` for a random
    verification visit drawn with probability ``p`` in (0, 1], 1 for any other visit
    (missing ``p``: a visit down the queue, a census of its stratum). ``max_weight``: trim
    the weights there (a few random visits standing for a whole district would otherwise
    decide the model alone: trimming trades a little bias for much less variance)."""
    p = pd.to_numeric(selection_probability, errors="coerce").astype("float64")
    bad = p.notna() & ~((p > 0) & (p <= 1))
    if bad.any():
        raise ModelError("a selection probability must be in (0, 1]")
    w = (1.0 / p).fillna(1.0)
    return w if max_weight is None else w.clip(upper=max(1.0, float(max_weight)))


def _series(values: Outcomes | pd.Series, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        values = values.set_index("hukou_no")[name]
    out = pd.Series(values)
    out.index = out.index.astype(str)
    return out


def _xy(
    features: pd.DataFrame, outcomes: Outcomes, weights: pd.Series | None = None
) -> tuple[pd.DataFrame, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Features, labels and weights of the households that have an outcome (hukou order)."""
    outcomes = _series(outcomes, "confirmed")
    feats = features.copy()
    if "hukou_no" in feats.columns:
        feats = feats.set_index("hukou_no")
    feats.index = feats.index.astype(str)
    common = sorted(set(feats.index) & set(outcomes.index))
    x = feats.loc[common].astype("float64")
    y = outcomes.loc[common].astype(bool).to_numpy().astype(int)
    if weights is None:
        w = np.ones(len(common))
    else:
        ws = _series(weights, "weight")
        w = ws.reindex(common).fillna(1.0).to_numpy(dtype=np.float64)
        if not (np.isfinite(w).all() and (w > 0).all()):
            raise ModelError("outcome weights must be positive numbers")
    return x, y, w


# Calibration maps of the combined score (issue 16). Each is fitted on the out-of-fold combined
# scores of the outcomes with their *calibration* weights (design weights, untrimmed: a random
# visit stands for the households it was drawn from) and stored as the knots of a monotone
# piecewise-linear function of the score, so :func:`_apply` reads every method alike.
CALIBRATION_METHODS = ("isotonic", "platt", "beta", "pooled")
CALIBRATION = "platt"
# effective number of outcomes (Kish: (Σw)² / Σw²) below which a tenth of the calibration is
# reported as resting on too few visits, and below which "pooled" merges isotonic blocks
MIN_EFFECTIVE = 10.0
_GRID = np.linspace(0.0, 100.0, 201)  # knots of the parametric maps (every half point)


def _knots(method: str, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> dict[str, Any]:
    return {
        "method": method,
        "of": "combined_score",
        "x": [round(float(v), 6) for v in x],
        "y": [round(float(v), 6) for v in y],
    }


def _isotonic(
    score: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any] | None = None
) -> dict[str, Any]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
        score, y, sample_weight=w
    )
    return _knots("isotonic", iso.X_thresholds_, iso.y_thresholds_)


def _logistic(
    x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Weighted logistic regression (intercept first) by Newton's method, with a tiny ridge
    so that separable outcomes still give finite coefficients; deterministic."""
    xa = np.column_stack([np.ones(len(y)), x])
    wn = w / w.mean()
    beta = np.zeros(xa.shape[1])
    ridge = 1e-3 * np.eye(xa.shape[1])
    ridge[0, 0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(xa @ beta, -35, 35)))
        grad = xa.T @ (wn * (y - p)) - ridge @ beta
        hess = xa.T @ (xa * (wn * p * (1 - p))[:, None]) + ridge + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def _share(score: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = np.clip(np.asarray(score, dtype=np.float64) / 100.0, 0.005, 0.995)
    return out


def _sigmoid(z: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
    return out


def _platt(
    score: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """Platt's map on the log-odds of score / 100: two parameters, monotone (a decreasing fit
    — no signal — gives the weighted share everywhere)."""
    q = _share(score)
    b = _logistic(np.log(q / (1 - q)), y, w)
    if b[1] <= 0:
        return _knots("platt", _GRID[[0, -1]], np.full(2, np.average(y, weights=w)))
    g = _share(_GRID)
    return _knots("platt", _GRID, _sigmoid(b[0] + b[1] * np.log(g / (1 - g))))


def _beta(
    score: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """Beta calibration (Kull et al. 2017) on score / 100: ``a ln q - b ln(1 - q) + c``, three
    parameters; a negative ``a`` or ``b`` (not monotone) falls back to Platt's map."""
    q = _share(score)
    b = _logistic(np.column_stack([np.log(q), -np.log(1 - q)]), y, w)
    if b[1] < 0 or b[2] < 0 or b[1] + b[2] <= 0:
        return dict(_platt(score, y, w), method="beta")
    g = _share(_GRID)
    return _knots("beta", _GRID, _sigmoid(b[0] + b[1] * np.log(g) - b[2] * np.log(1 - g)))


def _effective(w: np.ndarray[Any, Any]) -> float:
    """Kish's effective sample size of weights ``w``."""
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


def _pooled(
    score: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """Isotonic on pooled scores: the weighted isotonic fit's blocks, merged with their
    neighbour until each rests on at least :data:`MIN_EFFECTIVE` effective outcomes, each
    block's weighted share placed at its weighted mean score, linear in between (monotone:
    merging neighbouring blocks of a monotone fit keeps it monotone)."""
    from sklearn.isotonic import IsotonicRegression

    order = np.argsort(score, kind="stable")
    s, t, v = score[order], y[order].astype(np.float64), w[order]
    fit = IsotonicRegression(y_min=0.0, y_max=1.0).fit_transform(s, t, sample_weight=v)
    # blocks: runs of equal fitted value
    starts = [0, *(np.flatnonzero(np.diff(fit) != 0) + 1).tolist()]
    blocks = [list(range(a, b)) for a, b in zip(starts, [*starts[1:], len(s)], strict=True)]
    merged: list[list[int]] = []
    for blk in blocks:
        if merged and _effective(v[merged[-1]]) < MIN_EFFECTIVE:
            merged[-1] = merged[-1] + blk
        else:
            merged.append(blk)
    if len(merged) > 1 and _effective(v[merged[-1]]) < MIN_EFFECTIVE:
        last = merged.pop()
        merged[-1] = merged[-1] + last
    xs = np.array([np.average(s[b], weights=v[b]) for b in merged])
    ys = np.array([np.average(t[b], weights=v[b]) for b in merged])
    ys = np.maximum.accumulate(ys)  # equal to the fit's order already; guards rounding
    return _knots("pooled", xs, ys)


_FITTERS = {"isotonic": _isotonic, "platt": _platt, "beta": _beta, "pooled": _pooled}


def _fit_map(
    score: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any], method: str
) -> dict[str, Any]:
    if method not in _FITTERS:
        raise ModelError(f"unknown calibration method {method!r}")
    return _FITTERS[method](score, y, w)


def _apply(cal: dict[str, Any], score: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = np.interp(np.asarray(score, dtype=np.float64), cal["x"], cal["y"])
    return out


def calibration_table(
    p: np.ndarray[Any, Any], y: np.ndarray[Any, Any], w: np.ndarray[Any, Any] | None = None
) -> list[dict[str, Any]]:
    """By tenth of predicted probability: households, their weight (the households they stand
    for), weighted mean prediction and weighted observed share."""
    p = np.asarray(p, dtype=np.float64)
    w = np.ones(len(p)) if w is None else np.asarray(w, dtype=np.float64)
    bins = np.clip((p * 10).astype(int), 0, 9)
    rows = []
    for b in range(10):
        m = bins == b
        if m.any():
            rows.append(
                {
                    "tenth": b,
                    "n": int(m.sum()),
                    "weight": round(float(w[m].sum()), 2),
                    "predicted": round(float(np.average(p[m], weights=w[m])), 4),
                    "observed": round(float(np.average(y[m], weights=w[m])), 4),
                }
            )
    return rows


def combined_score(
    scorecard: np.ndarray[Any, Any], probability: np.ndarray[Any, Any], model_weight: float
) -> np.ndarray[Any, Any]:
    """The policy's weighted average (as :func:`.scoring.combine`, unrounded)."""
    out: np.ndarray[Any, Any] = (1 - model_weight) * np.asarray(
        scorecard, dtype=np.float64
    ) + model_weight * 100.0 * np.asarray(probability, dtype=np.float64)
    return out


def _support(p: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> list[dict[str, Any]]:
    """By tenth of calibrated probability: the outcomes whose probability falls there, how many
    of them are random visits (weight above 1), their effective number (Kish) and whether that
    is too few to trust the map there (``thin``: below :data:`MIN_EFFECTIVE`). A tenth with no
    random visit holds only visits down the queue: its map speaks for them, not for households
    the queue never reached."""
    bins = np.clip((np.asarray(p, dtype=np.float64) * 10).astype(int), 0, 9)
    rows = []
    for b in range(10):
        m = bins == b
        eff = _effective(w[m])
        rows.append(
            {
                "tenth": b,
                "n": int(m.sum()),
                "random": int((w[m] > 1).sum()),
                "effective": round(eff, 1),
                "thin": bool(eff < MIN_EFFECTIVE or not (w[m] > 1).any()),
            }
        )
    return rows


def _calibrate_out_of_fold(
    score: np.ndarray[Any, Any],
    y: np.ndarray[Any, Any],
    folds: int,
    w: np.ndarray[Any, Any],
    method: str = CALIBRATION,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The calibration map on every outcome, and its cross-validated evaluation (weighted by
    ``w``, the calibration weights), with the map's support by tenth (:func:`_support`)."""
    from sklearn.model_selection import StratifiedKFold

    held = np.zeros(len(y))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED + 1)
    for fit, test in cv.split(score.reshape(-1, 1), y):
        held[test] = _apply(_fit_map(score[fit], y[fit], w[fit], method), score[test])
    table = calibration_table(held, y, w)
    total = sum(r["weight"] for r in table)
    cal = _fit_map(score, y, w, method)
    support = _support(_apply(cal, score), w)
    report = {
        "method": method,
        "tenths": table,
        "mean_abs_error": round(
            sum(r["weight"] * abs(r["predicted"] - r["observed"]) for r in table) / total, 4
        ),
        "brier": round(float(np.average((held - y) ** 2, weights=w)), 4),
        "support": support,
        "thin_tenths": [r["tenth"] for r in support if r["thin"] and r["n"]],
    }
    cal["thin_tenths"] = report["thin_tenths"]
    return cal, report


def calibrate(envelope: dict[str, Any], score: np.ndarray[Any, Any]) -> np.ndarray[Any, Any] | None:
    """The calibrated probability of hardship of each combined ``score`` (``None``: the model
    predates calibration)."""
    cal = envelope.get("calibration")
    if not cal:
        return None
    return _apply(cal, score)


def train(
    features: pd.DataFrame,
    outcomes: Outcomes,
    *,
    min_outcomes: int = 1,
    model_weight: float = 0.75,
    weights: pd.Series | None = None,
    calibration_weights: pd.Series | None = None,
    calibration_method: str = CALIBRATION,
) -> tuple[bytes | None, dict[str, Any]]:
    """Train on the households of ``features`` (indexed or keyed by ``hukou_no``) that have an
    outcome (``outcomes``: a Series hukou_no → confirmed, or a frame with those columns).
    ``weights``: hukou_no → design weight (:func:`design_weights`; missing: 1).

    Returns ``(model_bytes, evaluation)``; ``model_bytes`` is ``None`` (the model stays off)
    when there are fewer than ``min_outcomes`` outcomes or only one answer among them.
    ``model_weight``: the policy's combination weight, for the calibration of the combined
    score. ``calibration_weights``: hukou_no → the weight of each outcome in the calibration
    map and its report (missing: ``weights``) — the design weights *untrimmed*, so that the map
    describes every household the warnings may reach, while the estimator may be fitted with
    trimmed ones; ``calibration_method``: one of :data:`CALIBRATION_METHODS`."""
    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    if calibration_method not in CALIBRATION_METHODS:
        raise ModelError(f"unknown calibration method {calibration_method!r}")
    x, y, w = _xy(features, outcomes, weights)
    # a feature missing for every outcome (a feed absent, or too short for a window) tells
    # nothing and cannot be binned: left out of the model's feature list
    if len(x):
        x = x.loc[:, x.notna().any().to_numpy()]
        x = _screen(x, y, w)
    cw = w if calibration_weights is None else _xy(features, outcomes, calibration_weights)[2]
    n, pos = int(len(y)), int(y.sum())
    evaluation: dict[str, Any] = {
        "outcomes": n,
        "confirmed": pos,
        "weighted": bool((w != 1).any()),
        # random visits: outcomes whose calibration weight is above 1 (1 / selection p)
        "random_visits": int((cw > 1).sum()),
        "calibration_weighted": bool((cw != 1).any()),
        "min_outcomes": int(min_outcomes),
        "features": list(x.columns),
    }
    if n < min_outcomes or pos == 0 or pos == n:
        evaluation["status"] = "off"
        evaluation["reason"] = (
            f"{n} outcomes, {min_outcomes} needed" if n < min_outcomes else "outcomes all the same"
        )
        return None, evaluation
    folds = min(5, pos, n - pos)
    calibration = None
    if folds >= 2:
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        xa = x.to_numpy()
        p = np.zeros(n)
        for fit, test in cv.split(xa, y):
            est = _fit(xa[fit], y[fit], w[fit])
            p[test] = est.predict_proba(xa[test])[:, 1]
        pred = p >= 0.5
        tp = float(w[pred & (y == 1)].sum())
        evaluation.update(
            {
                "cv_folds": folds,
                "roc_auc": round(float(roc_auc_score(y, p, sample_weight=w)), 4),
                "average_precision": round(
                    float(average_precision_score(y, p, sample_weight=w)), 4
                ),
                "precision_at_0_5": round(tp / max(float(w[pred].sum()), 1e-12), 4),
                "recall_at_0_5": round(tp / float(w[y == 1].sum()), 4),
            }
        )
        card = x["scorecard"].to_numpy() if "scorecard" in x.columns else np.zeros(n)
        evaluation["random_visits_by_weight"] = random_visits_by_weight(card, p, y, cw)
        calibration, evaluation["calibration"] = _calibrate_out_of_fold(
            combined_score(card, p, model_weight), y, folds, cw, calibration_method
        )
        calibration["model_weight"] = float(model_weight)
    # by position: predict() orders the columns
    est = _fit(x.to_numpy(), y, w)
    evaluation["status"] = "on"
    envelope = {
        "format": FORMAT,
        "features": list(x.columns),
        "evaluation": evaluation,
        "estimator": base64.b64encode(pickle.dumps(est, protocol=5)).decode("ascii"),
    }
    if calibration is not None:
        envelope["calibration"] = calibration
    data = json.dumps(envelope, sort_keys=True, ensure_ascii=False).encode("utf-8")
    evaluation = dict(evaluation, version=model_version(data))
    return data, evaluation


# combination weights at which the random visits' ranking is reported (0, 0.125, …, 1)
WEIGHT_GRID = tuple(float(x) for x in np.round(np.linspace(0.0, 1.0, 9), 3))


def random_visits_by_weight(
    card: np.ndarray[Any, Any],
    p: np.ndarray[Any, Any],
    y: np.ndarray[Any, Any],
    w: np.ndarray[Any, Any],
) -> dict[str, Any] | None:
    """How the combined score would rank the households the queue did not reach, at each
    combination weight of :data:`WEIGHT_GRID`: the ROC AUC among the random verification visits
    alone (calibration weight ``w`` above 1) of the combined score of scorecard ``card`` and
    out-of-fold probability ``p``. The outcomes of the visits down the queue cannot say this
    (there the scorecard is high for all, and the model alone tells them apart), and after a
    month of visits the next warnings come from the households not yet visited. ``None``
    without random visits of both answers. A report for the people who set the policy's
    ``model_weight``: no weight is chosen from it."""
    from sklearn.metrics import roc_auc_score

    r = w > 1
    if not (0 < int(y[r].sum()) < int(r.sum())):
        return None
    return {
        "random_visits": int(r.sum()),
        "confirmed": int(y[r].sum()),
        "roc_auc": {
            f"{m:g}": round(float(roc_auc_score(y[r], combined_score(card[r], p[r], m))), 4)
            for m in WEIGHT_GRID
        },
    }


def hardship(envelope: dict[str, Any], features: pd.DataFrame) -> np.ndarray[Any, Any]:
    """The calibrated probability of hardship of each row of ``features`` under a loaded
    model (its estimator, then its calibration map of the combined score; a model without a map:
    the estimator's probability)."""
    p = predict(envelope, features)
    cal = envelope.get("calibration")
    if not cal:
        return p
    card = (
        features["scorecard"].to_numpy(dtype=np.float64)
        if "scorecard" in features.columns
        else np.zeros(len(features))
    )
    return _apply(cal, combined_score(card, p, float(cal.get("model_weight", 0.75))))


def _log_loss(y: np.ndarray[Any, Any], p: np.ndarray[Any, Any], w: np.ndarray[Any, Any]) -> float:
    q = np.clip(p, 1e-3, 1 - 1e-3)  # a calibrated 0 or 1 is not an infinite loss
    return float(np.average(-(y * np.log(q) + (1 - y) * np.log(1 - q)), weights=w))


def compare(
    candidate: dict[str, Any],
    current: dict[str, Any] | None,
    features: pd.DataFrame,
    outcomes: Outcomes,
    *,
    weights: pd.Series | None = None,
) -> dict[str, Any]:
    """The promotion gate: ``candidate`` and ``current`` (loaded envelopes; ``current`` None:
    there is none) scored on the same held-back ``outcomes`` with their calibrated
    probability — weighted log-loss (lower is better) and weighted ROC AUC. ``promote`` is
    True when there is no current model, or when the candidate's log-loss is lower; an
    undecidable comparison (no held-back outcome, or only one answer among them) keeps the
    current model. ``reason`` says why, in one line."""
    from sklearn.metrics import roc_auc_score

    x, y, w = _xy(features, outcomes, weights)
    out: dict[str, Any] = {"held_back": int(len(y)), "confirmed": int(y.sum())}
    if current is None:
        return dict(out, promote=True, reason="no current model")
    if not len(y) or y.all() or not y.any():
        return dict(
            out,
            promote=False,
            reason="no held-back outcomes with both answers: the current model stays",
        )
    for name, env in (("candidate", candidate), ("current", current)):
        p = hardship(env, x)
        out[name] = {
            "log_loss": round(_log_loss(y, p, w), 4),
            "roc_auc": round(float(roc_auc_score(y, p, sample_weight=w)), 4),
        }
    better = out["candidate"]["log_loss"] < out["current"]["log_loss"]
    out["promote"] = bool(better)
    out["reason"] = (
        "the candidate's log-loss on {n} held-back outcomes is {a} against the current "
        "model's {b}: {what}"
    ).format(
        n=len(y),
        a=out["candidate"]["log_loss"],
        b=out["current"]["log_loss"],
        what="promoted" if better else "the current model stays",
    )
    return out


def load(model: bytes) -> dict[str, Any]:
    """The envelope of a model made by :func:`train` (estimator unpickled)."""
    try:
        envelope: dict[str, Any] = json.loads(model.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError("not a monitoring model") from exc
    if envelope.get("format") != FORMAT:
        raise ModelError(f"unknown model format {envelope.get('format')!r}")
    envelope["estimator"] = pickle.loads(base64.b64decode(envelope["estimator"]))  # noqa: S301
    return envelope


def predict(envelope: dict[str, Any], features: pd.DataFrame) -> np.ndarray[Any, Any]:
    """Probability of confirmed hardship per row of ``features`` (columns by name; a feature
    the run lacks counts as 0 — a generic feed feature (:mod:`.feed_features`) as missing, so
    a model predicts when a feed has gone, or when the run did not compute them)."""
    cols = envelope["features"]
    x = _feature_matrix(features, cols)
    if not len(x):
        return np.zeros(0)
    return _predict_halves(envelope["estimator"], x)


def _feature_matrix(features: pd.DataFrame, cols: list[str]) -> np.ndarray[Any, Any]:
    """``features``' columns ``cols`` as one float64 matrix in column order (Fortran), as
    the trees read it: a feature the frame lacks is 0, or missing for a generic feed feature.
    Filled column by column: the run's features are a frame of one block per column, which
    ``DataFrame.to_numpy`` would first interleave (0.15 s on 73,875 households and 103
    features, against 0.03 s here); the values are the same."""
    x = np.empty((len(features), len(cols)), dtype=np.float64, order="F")
    have = set(features.columns)
    for n, c in enumerate(cols):
        if c in have:
            x[:, n] = features[c].to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            x[:, n] = np.nan if str(c).startswith(FEED_PREFIX) else 0.0
    return x


# below this many rows one thread predicts alone (a second thread would cost more than it
# saves)
PARALLEL_PREDICT_ROWS = 20_000


def _predict_halves(estimator: Any, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """``estimator.predict_proba(x)[:, 1]``, the rows split in two halves predicted on two
    threads, each on one OpenMP thread, when the machine has two CPUs or more (a district's
    73,875 households: about half the wall time). scikit-learn's gradient boosting predicts
    with the interpreter released, so the two threads use two cores; each row's
    probability is the same either way (the trees are read row by row). A Python thread
    does not inherit the OpenMP limit of the thread that started it (the runs score on one
    OpenMP thread): each half sets its own."""
    from threadpoolctl import threadpool_limits

    def half(rows: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        with threadpool_limits(limits=1, user_api="openmp"):
            out: np.ndarray[Any, Any] = estimator.predict_proba(rows)[:, 1]
        return out

    if len(x) < PARALLEL_PREDICT_ROWS or _cpus() < 2:
        whole: np.ndarray[Any, Any] = estimator.predict_proba(x)[:, 1]
        return whole
    from concurrent.futures import ThreadPoolExecutor

    middle = len(x) // 2
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="doudi-predict") as pool:
        second = pool.submit(half, x[middle:])
        first = half(x[:middle])
        return np.concatenate([first, second.result()])


def _cpus() -> int:
    """The CPUs this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1
