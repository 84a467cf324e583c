"""The calibration figures of the worlds' benchmarks (issue 16): the per-tenth table of the
levels benchmark and the gaps of the calibration study, on hand-made numbers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from benchmarks.worlds.calibration import gaps
from benchmarks.worlds.levels import _arm_weight, _base_arm, _by_weight, _ranking, tenths_table
from benchmarks.worlds.report import calibration


def test_gaps_mean_by_households_and_worst_tenth_with_enough_households():
    # tenth 1: 20 households said 0.15, 2 in hardship (gap 0.05); tenth 8: 5 households
    # said 0.85, none in hardship (gap 0.85, too few to be the worst)
    p = np.array([0.15] * 20 + [0.85] * 5)
    y = np.array([1, 1] + [0] * 18 + [0] * 5)
    mean, worst = gaps(p, y)
    assert mean == pytest.approx((20 * 0.05 + 5 * 0.85) / 25)
    assert worst == pytest.approx(0.05)


def test_tenths_table_marks_gaps_above_a_tenth():
    p = np.array([0.15] * 20 + [0.85] * 5)
    y = np.array([1, 1] + [0] * 18 + [1] * 5)
    text = tenths_table("after", calibration(p, y))
    assert text.splitlines()[-2:] == [
        "| 0.1–0.2 | 20 | 0.150 | 0.100 | -0.050 |",
        "| 0.8–0.9 | 5 | 0.850 | 1.000 | +0.150 ✗ |",
    ]
    assert tenths_table("before", None) == "before: no probability exported"


def test_an_arm_may_carry_a_model_weight():
    arm = "feeds + help review + verdicts w=1"
    assert _base_arm(arm) == "feeds + help review + verdicts"
    assert _arm_weight(arm, 0.75) == 1.0
    assert _arm_weight("feeds + help review", 0.75) == 0.75
    assert _base_arm("feeds + help review (no floor) w=0.5") == "feeds + help review"


def test_ranking_counts_every_household_listed_or_not():
    # four households scored (one listed), a fifth with nothing fired (score 0)
    result = SimpleNamespace(
        households=pd.DataFrame(
            {
                "hukou_no": ["a", "b", "c", "d"],
                "score": [90.0, 40.0, 30.0, 20.0],
                "level": ["预警", None, None, None],
            }
        )
    )
    truth = pd.DataFrame(
        {"hukou_no": ["a", "b", "c", "d", "e"], "hardship": [True, True, False, False, False]}
    )
    r = _ranking(result, truth)
    assert r["auc"] == 1.0  # the unlisted b still ranks above every household not in hardship
    assert r["recall_at"] == {"0.7": 1.0, "0.8": 1.0}


def test_by_weight_names_the_best_weight_and_the_visits_behind_it():
    aucs = {"0": 0.6, "0.125": 0.7, "0.25": 0.7, "0.375": 0.8, "0.5": 0.8, "0.625": 0.85}
    r = {
        "random_visits": 352,
        "confirmed": 34,
        "roc_auc": aucs | {"0.75": 0.86, "0.875": 0.88, "1": 0.88},
    }
    assert _by_weight(r) == "0.800 / 0.860 / 0.880 (1; 34 of 352)"  # a tie: the heavier weight
    assert _by_weight(None) == "—"
