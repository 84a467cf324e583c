"""Issue 16 items 2 and 5: levels by expected precision and capacity; learning from visits
without selection bias (design weights); the promotion gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from doudi.engine.monitoring import Policy, PolicyError, default_policy
from doudi.engine.monitoring.model import (
    ModelError,
    _isotonic,
    calibration_table,
    compare,
    design_weights,
    load,
    train,
)
from doudi.engine.monitoring.scoring import probability_levels


def _policy(
    capacity: int = 2,
    communities: dict | None = None,
    floor: float | None = None,
    keep_band_level: bool | None = None,
):
    doc = default_policy()
    doc["combination"].pop("keep_band_level", None)  # absent unless asked (shipped: true)
    if keep_band_level is not None:
        doc["combination"]["keep_band_level"] = keep_band_level
    doc["combination"]["list_min_precision"] = floor
    if floor is None:
        del doc["combination"]["list_min_precision"]
    doc["capacity"] = {"visits_per_community_month": capacity}
    if communities is not None:
        doc["capacity"]["communities"] = communities
    return Policy.from_dict(doc)


def _levels(policy, p, score=None, communities=None, sudden=None, held=None, bands=None):
    n = len(p)
    return probability_levels(
        np.array(p, dtype=float),
        np.zeros(n) if score is None else np.array(score, dtype=float),
        ["C1"] * n if communities is None else communities,
        np.zeros(n, dtype=bool) if sudden is None else np.array(sudden),
        np.zeros(n, dtype=bool) if held is None else np.array(held),
        policy,
        bands,
    )


def test_levels_from_probability_expected_precision_and_the_list_floor():
    p = [0.95, 0.85, 0.72, 0.69, 0.5, 0.4, 0.3, 0.1]
    sudden = [True, False, True, True, False, False, False, False]
    # running mean: 0.95 0.90 0.84 0.8025 0.742 | 0.685 0.63 0.564 — the first five make the
    # longest head with expected precision ≥ 0.7; only 0.95 has a sudden event and ≥ 0.8
    assert _levels(_policy(capacity=10), p, sudden=sudden) == [
        "urgent",
        "warning",
        "warning",
        "warning",
        "warning",
        "watch",
        "watch",
        "watch",
    ]
    # a list floor of 0.6: adding 0.1 would bring the list's mean to 0.564
    assert _levels(_policy(capacity=10, floor=0.6), p, sudden=sudden)[5:] == [
        "watch",
        "watch",
        None,
    ]


def test_urgent_and_warning_households_stay_above_capacity_and_use_it_up():
    levels = _levels(_policy(capacity=1), [0.9, 0.75, 0.3, 0.2], sudden=[True, False, False, False])
    assert levels == ["urgent", "warning", None, None]


def test_capacity_zero_lists_no_one_on_watch_but_keeps_triggers():
    levels = _levels(_policy(capacity=0), [0.6, 0.5, 0.05], held=[False, False, True])
    assert levels == [None, None, "watch"]


def test_ties_are_broken_by_combined_score_then_household_order():
    policy = _policy(capacity=2)
    # equal probabilities: the higher combined score first; equal scores: the earlier household
    assert _levels(policy, [0.4, 0.4, 0.4, 0.4], score=[10, 30, 30, 20]) == [
        None,
        "watch",
        "watch",
        None,
    ]
    assert _levels(policy, [0.4, 0.4, 0.4], score=[5, 5, 5]) == ["watch", "watch", None]


def test_capacity_is_per_community_and_a_small_community_lists_all_it_has():
    policy = _policy(capacity=2, communities={"4201": 1, "420102": 3})
    communities = ["420101", "420101", "420102", "420102", "420103", "420103", "420103"]
    levels = _levels(policy, [0.5, 0.4, 0.3, 0.2, 0.6, 0.5, 0.4], communities=communities)
    # 420101 and 420103 fall under 4201 (1 place each); 420102 has 3 places but only two
    # households; the default (2) applies where no code matches
    assert levels == ["watch", None, "watch", "watch", "watch", None, None]
    other = _levels(_policy(capacity=2), [0.5, 0.4, 0.3], communities=["9", "9", "8"])
    assert other == ["watch", "watch", "watch"]


def test_the_list_floor_stops_the_list_before_capacity():
    # list means: 0.5, 0.4, 0.363 (< 0.38: stop)
    levels = _levels(_policy(capacity=5, floor=0.38), [0.5, 0.3, 0.29, 0.1])
    assert levels == ["watch", "watch", None, None]


def test_policy_keys_are_validated_with_one_line_each():
    doc = default_policy()
    doc["combination"].update(
        urgent_min_probability=0.6, warning_min_precision=0.7, list_min_precision=1.5
    )
    doc["capacity"] = {"visits_per_community_month": -1, "communities": {"42x": 2, "4201": 1.5}}
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == [
        "combination: list_min_precision must be a number in (0, 1]",
        "combination: urgent_min_probability must be at least warning_min_precision",
        "capacity: visits_per_community_month must be a whole number ≥ 0",
        "capacity: communities '4201' must be a whole number ≥ 0",
        "capacity: communities key '42x' must be an area code (digits)",
    ]
    doc = default_policy()
    del doc["capacity"]
    del doc["combination"]["urgent_min_probability"]
    doc["combination"]["surprise"] = 1
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == [
        "combination: unknown key 'surprise'",
        "combination: give both warning_min_precision and urgent_min_probability, or neither",
        "capacity: levels by probability need [capacity] visits_per_community_month",
    ]


def test_a_policy_without_the_new_keys_keeps_score_bands_and_its_version():
    doc = default_policy()
    del doc["capacity"]
    for key in (
        "urgent_min_probability",
        "warning_min_precision",
        "list_min_precision",
        "keep_band_level",
    ):
        del doc["combination"][key]
    policy = Policy.from_dict(doc)
    assert not policy.combination.by_probability and policy.capacity is None
    assert policy.to_dict() == Policy.from_dict(policy.to_dict()).to_dict()
    assert "capacity" not in policy.to_dict()
    assert "warning_min_precision" not in policy.to_dict()["combination"]


# ------------------------------------------------------------------------ keep_band_level


def test_keep_band_level_raises_to_the_band_level_beyond_capacity():
    p, sudden = [0.9, 0.75, 0.3, 0.2, 0.1], [True, False, False, False, False]
    bands = ["warning", "urgent", None, "warning", "watch"]
    # without the option the band levels are ignored: 紧急 and 预警 use up the one place
    assert _levels(_policy(capacity=1), p, sudden=sudden, bands=bands) == [
        "urgent",
        "warning",
        None,
        None,
        None,
    ]
    assert _levels(_policy(capacity=1, keep_band_level=False), p, sudden=sudden, bands=bands) == [
        "urgent",
        "warning",
        None,
        None,
        None,
    ]
    # with it: the higher of the two levels (紧急 by the bands needs no probability ≥ 0.8 and
    # no sudden event), capacity or not; a household below every band stays off the list
    assert _levels(_policy(capacity=1, keep_band_level=True), p, sudden=sudden, bands=bands) == [
        "urgent",
        "urgent",
        None,
        "warning",
        "watch",
    ]


def test_band_kept_households_take_capacity_first_and_count_in_the_list_precision():
    p, bands = [0.6, 0.5, 0.4, 0.3], [None, None, None, "watch"]
    assert _levels(_policy(capacity=2), p, bands=bands) == ["watch", "watch", None, None]
    # the band's 关注 household takes one of the two places before the ranking fills them
    assert _levels(_policy(capacity=2, keep_band_level=True), p, bands=bands) == [
        "watch",
        None,
        None,
        "watch",
    ]
    # list floor 0.4: without the option 0.5, 0.475, then 0.35 stops; with it the band's
    # household (0.1) is on the list first, and adding 0.5 would make its mean 0.3
    p, bands = [0.5, 0.45, 0.1], [None, None, "watch"]
    assert _levels(_policy(capacity=10, floor=0.4), p, bands=bands) == ["watch", "watch", None]
    assert _levels(_policy(capacity=10, floor=0.4, keep_band_level=True), p, bands=bands) == [
        None,
        None,
        "watch",
    ]


def test_keep_band_level_is_validated_and_absent_keeps_the_policy_version():
    doc = default_policy()
    doc["combination"]["keep_band_level"] = "yes"
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == ["combination: keep_band_level must be true or false"]
    doc = default_policy()
    del doc["capacity"]
    for key in ("urgent_min_probability", "warning_min_precision", "list_min_precision"):
        del doc["combination"][key]
    doc["combination"]["keep_band_level"] = True
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == ["combination: keep_band_level needs warning_min_precision"]
    shipped = Policy.from_dict(default_policy())
    assert shipped.combination.keep_band_level is True
    assert shipped.to_dict()["combination"]["keep_band_level"] is True
    off = _policy(keep_band_level=False)
    assert off.to_dict() == _policy().to_dict() and off.version == _policy().version
    on = _policy(keep_band_level=True)
    assert on.to_dict()["combination"]["keep_band_level"] is True
    assert Policy.from_dict(on.to_dict()).combination.keep_band_level is True
    assert on.version != off.version


def _skipped(policy, p, skip, held=None, bands=None):
    n = len(p)
    return probability_levels(
        np.array(p, dtype=float),
        np.zeros(n),
        ["C1"] * n,
        np.zeros(n, dtype=bool),
        np.zeros(n, dtype=bool) if held is None else np.array(held),
        policy,
        bands,
        skip=np.array(skip),
    )


def test_skipped_help_reviews_take_no_place_and_no_part_in_the_expected_precision():
    # capacity: unskipped, 0.6 takes the one 关注 place; skipped (listed by the caller as a
    # help review), 0.5 takes it
    assert _levels(_policy(capacity=1), [0.6, 0.5, 0.4]) == ["watch", None, None]
    assert _skipped(_policy(capacity=1), [0.6, 0.5, 0.4], [True, False, False]) == [
        None,
        "watch",
        None,
    ]
    # expected precision: unskipped, 0.9 lifts the head's mean (0.9, 0.775) so 0.65 is 预警;
    # skipped, 0.65 alone is below 0.7
    p = [0.9, 0.65, 0.5]
    assert _levels(_policy(capacity=10), p) == ["warning", "warning", "watch"]
    assert _skipped(_policy(capacity=10), p, [True, False, False]) == [None, "watch", "watch"]
    # a skipped household's band level and trigger are not applied here either
    kept = _policy(capacity=1, keep_band_level=True)
    p, held, bands = (
        [0.6, 0.5, 0.4, 0.05],
        [True, False, False, False],
        ["urgent", None, None, "watch"],
    )
    assert _levels(kept, p, held=held, bands=bands) == ["urgent", None, None, "watch"]
    assert _skipped(kept, p, [True, False, False, False], held, bands) == [
        None,
        None,
        None,
        "watch",
    ]


def test_help_review_is_validated_and_absent_keeps_the_policy_version():
    doc = default_policy()
    doc["combination"]["help_review"] = "yes"
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == ["combination: help_review must be true or false"]
    shipped = Policy.from_dict(default_policy())
    assert shipped.combination.help_review is True
    assert shipped.to_dict()["combination"]["help_review"] is True
    doc = default_policy()
    del doc["combination"]["help_review"]
    absent = Policy.from_dict(doc)
    assert absent.combination.help_review is False
    doc["combination"]["help_review"] = False
    off = Policy.from_dict(doc)
    assert off.to_dict() == absent.to_dict() and off.version == absent.version
    assert "help_review" not in off.to_dict()["combination"]
    assert shipped.version != off.version
    assert Policy.from_dict(shipped.to_dict()).combination.help_review is True


# ------------------------------------------------------------------------------ weights


def test_design_weights_a_random_visit_with_p_one_tenth_counts_ten_times():
    w = design_weights(pd.Series({"1": 0.1, "2": None, "3": 1.0, "4": 0.25}))
    assert w.to_dict() == {"1": 10.0, "2": 1.0, "3": 1.0, "4": 4.0}
    with pytest.raises(ModelError, match=r"must be in \(0, 1\]"):
        design_weights(pd.Series({"1": 0.0}))


def test_a_weight_of_ten_is_ten_copies_in_the_calibration():
    score = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    y = np.array([0, 1, 0, 1, 1])
    weighted = _isotonic(score, y, np.array([1.0, 1.0, 10.0, 1.0, 1.0]))
    copies = _isotonic(np.r_[score, [30.0] * 9], np.r_[y, [0] * 9])
    assert weighted["x"] == copies["x"] and weighted["y"] == copies["y"]
    table = calibration_table(np.array([0.15, 0.15]), np.array([1, 0]), np.array([1.0, 9.0]))
    assert table == [{"tenth": 1, "n": 2, "weight": 10.0, "predicted": 0.15, "observed": 0.1}]


def _data(n: int, seed: int, noise: bool = False):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    card = np.clip(50 + 25 * a + rng.normal(scale=5, size=n), 0, 100)
    feats = pd.DataFrame(
        {"a": a, "b": rng.normal(size=n), "scorecard": card},
        index=pd.Index([f"{seed:03d}{i:06d}" for i in range(n)], name="hukou_no"),
    )
    y = rng.random(n) < 1 / (1 + np.exp(-2.5 * a))
    if noise:
        y = rng.random(n) < 0.5
    return feats, pd.Series(y, index=feats.index)


def test_weights_enter_the_fit_and_the_evaluation():
    feats, y = _data(400, 1)
    weights = pd.Series(1.0, index=feats.index)
    weights.iloc[:40] = 10.0  # forty random visits drawn with p = 0.1
    plain, ev_plain = train(feats, y, min_outcomes=100)
    weighted, ev = train(feats, y, min_outcomes=100, weights=weights)
    assert (ev["weighted"], ev["random_visits"]) == (True, 40)
    assert (ev_plain["weighted"], ev_plain["random_visits"]) == (False, 0)
    assert weighted != plain
    assert sum(r["weight"] for r in ev["calibration"]["tenths"]) == pytest.approx(360 + 400)
    with pytest.raises(ModelError, match="positive"):
        train(feats, y, min_outcomes=100, weights=weights * 0)


# ------------------------------------------------------------------------ promotion gate


def test_the_gate_keeps_the_current_model_when_the_new_one_is_worse():
    feats, y = _data(600, 2)
    good, _ = train(feats.iloc[:400], y.iloc[:400], min_outcomes=100)
    noise_feats, noise_y = _data(400, 3, noise=True)
    bad, _ = train(noise_feats, noise_y, min_outcomes=100)
    held = y.iloc[400:]
    kept = compare(load(bad), load(good), feats, held)
    assert kept["promote"] is False and kept["held_back"] == 200
    assert kept["candidate"]["log_loss"] > kept["current"]["log_loss"]
    assert kept["reason"].endswith("the current model stays")
    promoted = compare(load(good), load(bad), feats, held)
    assert promoted["promote"] is True and promoted["reason"].endswith("promoted")
    assert compare(load(bad), None, feats, held)["reason"] == "no current model"
    one_answer = compare(load(good), load(bad), feats, held[held])
    assert one_answer["promote"] is False
    assert one_answer["reason"].startswith("no held-back outcomes with both answers")
