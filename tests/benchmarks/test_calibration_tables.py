"""The calibration figures of the worlds' benchmarks (issue 16): the per-tenth table of the
levels benchmark and the gaps of the calibration study, on hand-made numbers."""

from __future__ import annotations

import numpy as np
import pytest
from benchmarks.worlds.calibration import gaps
from benchmarks.worlds.levels import tenths_table
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
