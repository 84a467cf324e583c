"""The calibration map fitted with design weights (issue 16 items 2 and 5): random verification
visits stand for the households they were drawn from in the map of the combined score, whatever
the trim of the estimator's weights; where the map rests on too few visits, the model report
says so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from doudi.engine.monitoring import Policy, PolicyError, default_policy
from doudi.engine.monitoring.model import (
    CALIBRATION,
    CALIBRATION_METHODS,
    MIN_EFFECTIVE,
    ModelError,
    _apply,
    _fit_map,
    _support,
    design_weights,
    load,
    predict,
    random_visits_by_weight,
    train,
)

# a hand-made sample: at score 20 one visit down the queue (confirmed) and one random visit
# drawn with probability 1/10 (not confirmed); at score 80 four visits down the queue, three
# confirmed. Unweighted, score 20 is a coin toss (1/2); with the random visit standing for ten
# households, 1 in 11. At score 80 both say 3/4.
SCORE = np.array([20.0, 20.0, 80.0, 80.0, 80.0, 80.0])
Y = np.array([1, 0, 1, 1, 1, 0])
W = np.array([1.0, 10.0, 1.0, 1.0, 1.0, 1.0])
AT = np.array([20.0, 80.0])


def test_weighted_isotonic_map_differs_from_the_unweighted_by_the_random_visits_weight():
    plain = _apply(_fit_map(SCORE, Y, np.ones(6), "isotonic"), AT)
    weighted = _apply(_fit_map(SCORE, Y, W, "isotonic"), AT)
    assert plain.tolist() == [0.5, 0.75]
    assert weighted.tolist() == [0.090909, 0.75]  # 1/11, rounded in the stored knots
    assert plain[0] - weighted[0] == pytest.approx(9 / 22, abs=1e-6)  # 1/2 - 1/11


@pytest.mark.parametrize("method", ["platt", "beta"])
def test_parametric_maps_fit_two_scores_exactly_weighted_or_not(method):
    # two scores, two parameters or more: the map goes through both weighted shares (up to
    # the tiny ridge that keeps separable outcomes finite)
    plain = _apply(_fit_map(SCORE, Y, np.ones(6), method), AT)
    weighted = _apply(_fit_map(SCORE, Y, W, method), AT)
    np.testing.assert_allclose(plain, [0.5, 0.75], atol=1e-3)
    np.testing.assert_allclose(weighted, [1 / 11, 0.75], atol=1e-3)
    grid = _apply(_fit_map(SCORE, Y, W, method), np.linspace(0, 100, 41))
    assert (np.diff(grid) >= 0).all()  # monotone


def test_pooled_map_merges_blocks_below_the_effective_number_of_visits():
    # six visits are fewer than MIN_EFFECTIVE: one block, the weighted share everywhere
    assert MIN_EFFECTIVE > 6
    plain = _apply(_fit_map(SCORE, Y, np.ones(6), "pooled"), AT)
    weighted = _apply(_fit_map(SCORE, Y, W, "pooled"), AT)
    assert plain.tolist() == [0.666667, 0.666667]  # 4 of 6
    assert weighted.tolist() == [0.266667, 0.266667]  # 4 of 15


def test_a_map_of_no_signal_is_flat_and_an_unknown_method_is_refused():
    flat = _fit_map(np.array([10.0, 50.0, 90.0, 10.0]), np.array([1, 0, 0, 0]), np.ones(4), "platt")
    assert _apply(flat, np.array([0.0, 100.0])).tolist() == [0.25, 0.25]
    with pytest.raises(ModelError, match="unknown calibration method"):
        _fit_map(SCORE, Y, W, "spline")
    assert CALIBRATION in CALIBRATION_METHODS


def test_support_marks_tenths_without_a_random_visit_or_with_too_few_visits():
    p = np.array([0.05] * 12 + [0.55] * 3 + [0.95] * 30)
    w = np.array([1.0] * 11 + [250.0] + [1.0] * 3 + [1.0] * 29 + [3.0])
    rows = {r["tenth"]: r for r in _support(p, w)}
    # tenth 0: 11 queue visits and one random visit of weight 250: (261)² / (11 + 62500)
    assert rows[0] == {"tenth": 0, "n": 12, "random": 1, "effective": 1.1, "thin": True}
    assert rows[5] == {"tenth": 5, "n": 3, "random": 0, "effective": 3.0, "thin": True}
    # (32)² / (29 + 9) = 26.9 effective visits, one of them random: trusted
    assert rows[9] == {"tenth": 9, "n": 30, "random": 1, "effective": 26.9, "thin": False}
    assert rows[3] == {"tenth": 3, "n": 0, "random": 0, "effective": 0.0, "thin": True}


def _sample(n: int = 600, seed: int = 3):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    card = np.clip(50 + 25 * a + rng.normal(scale=5, size=n), 0, 100)
    feats = pd.DataFrame(
        {"a": a, "scorecard": card},
        index=pd.Index([f"{300000000 + i}" for i in range(n)], name="hukou_no"),
    )
    y = pd.Series(rng.random(n) < 1 / (1 + np.exp(-2.5 * a)), index=feats.index)
    # the 60 lowest scorecards were random verification visits drawn with p = 1/20
    low = feats["scorecard"].sort_values(kind="stable").index[:60]
    p = pd.Series(np.nan, index=feats.index)
    p[low] = 0.05
    return feats, y, p


def test_calibration_weights_change_the_map_and_not_the_estimator():
    feats, y, p = _sample()
    trimmed = design_weights(p, 1)  # the estimator's weights: every visit counts once
    full = design_weights(p)  # the calibration's: a random visit counts 20 times
    data_plain, ev_plain = train(feats, y, min_outcomes=100, weights=trimmed)
    data, ev = train(feats, y, min_outcomes=100, weights=trimmed, calibration_weights=full)
    plain, env = load(data_plain), load(data)
    # the same estimator (its fit saw the same weights) ...
    np.testing.assert_array_equal(predict(plain, feats), predict(env, feats))
    # ... another map: fitted on 540 visits of weight 1 and 60 of weight 20
    assert env["calibration"]["method"] == plain["calibration"]["method"] == CALIBRATION
    assert env["calibration"]["y"] != plain["calibration"]["y"]
    assert sum(r["weight"] for r in ev["calibration"]["tenths"]) == pytest.approx(540 + 60 * 20)
    assert sum(r["weight"] for r in ev_plain["calibration"]["tenths"]) == pytest.approx(600)
    assert (ev["random_visits"], ev["calibration_weighted"], ev["weighted"]) == (60, True, False)
    assert (ev_plain["random_visits"], ev_plain["calibration_weighted"]) == (0, False)
    # the support counts every visit once; without a random visit every tenth is thin
    assert sum(r["n"] for r in ev["calibration"]["support"]) == 600
    assert sum(r["random"] for r in ev["calibration"]["support"]) == 60
    assert ev_plain["calibration"]["thin_tenths"] == [
        r["tenth"] for r in ev_plain["calibration"]["support"] if r["n"]
    ]
    assert env["calibration"]["thin_tenths"] == ev["calibration"]["thin_tenths"]


# the combination weights reported, 0 to 1 by eighths
WEIGHTS = ["0", "0.125", "0.25", "0.375", "0.5", "0.625", "0.75", "0.875", "1"]


def test_random_visits_by_weight_ranks_the_random_visits_alone():
    # four random visits (weight 20) where the scorecard ranks backwards and the model right,
    # and two visits down the queue (weight 1) that would say the opposite
    card = np.array([90.0, 80.0, 20.0, 10.0, 10.0, 90.0])
    p = np.array([0.1, 0.2, 0.8, 0.9, 0.9, 0.1])
    y = np.array([0, 0, 1, 1, 0, 1])
    w = np.array([20.0, 20.0, 20.0, 20.0, 1.0, 1.0])
    r = random_visits_by_weight(card, p, y, w)
    assert (r["random_visits"], r["confirmed"]) == (4, 2)
    assert list(r["roc_auc"]) == WEIGHTS
    # scorecard + 100 × probability is 100 for each: (1 - w) × scorecard + w × 100 × probability
    # ranks them backwards below w = 0.5, not at all at 0.5 (all 50), right above it
    assert r["roc_auc"]["0"] == 0.0
    assert r["roc_auc"]["0.375"] == 0.0
    assert r["roc_auc"]["0.5"] == 0.5
    assert r["roc_auc"]["0.625"] == 1.0
    assert r["roc_auc"]["1"] == 1.0
    # no random visit, or random visits all of one answer: nothing to report
    assert random_visits_by_weight(card, p, y, np.ones(6)) is None
    assert random_visits_by_weight(card, p, np.array([1, 1, 1, 1, 0, 0]), w) is None


def test_train_reports_the_random_visits_by_weight():
    feats, y, p = _sample()
    _, ev = train(feats, y, min_outcomes=100, calibration_weights=design_weights(p))
    _, ev_plain = train(feats, y, min_outcomes=100)
    r = ev["random_visits_by_weight"]
    assert (r["random_visits"], r["confirmed"]) == (60, int(y[p.notna()].sum()))
    assert list(r["roc_auc"]) == WEIGHTS
    assert ev_plain["random_visits_by_weight"] is None  # no random visit among the outcomes


def test_an_unknown_calibration_method_is_refused_by_train():
    feats, y, _ = _sample(200)
    with pytest.raises(ModelError, match="unknown calibration method"):
        train(feats, y, min_outcomes=100, calibration_method="spline")


def test_policy_calibration_max_weight():
    doc = default_policy()
    shipped = Policy.from_dict(doc)
    assert shipped.model.max_weight == 1.0
    assert shipped.model.calibration_max_weight == doc["model"]["calibration_max_weight"]
    assert Policy.from_dict(shipped.to_dict()).model == shipped.model
    doc["model"]["calibration_max_weight"] = 0.5
    with pytest.raises(PolicyError, match="calibration_max_weight must be a number ≥ 1"):
        Policy.from_dict(doc)
    del doc["model"]["calibration_max_weight"]
    assert Policy.from_dict(doc).model.calibration_max_weight is None  # untrimmed
