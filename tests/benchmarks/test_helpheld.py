"""The levels benchmark's hardship-by-help-held counts on a hand-made result."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from benchmarks.worlds.helpheld import help_held, help_table

from doudi.engine.monitoring import Policy, default_policy


def test_help_held_counts_warned_missed_and_reviewed_households_by_help():
    policy = Policy.from_dict(default_policy())
    rows = [
        # (hukou_no, level, live reasons, suppressed, help review)
        ("H1", "watch", [], ["income_below_dibao"], True),  # 低保, all answered, listed
        ("H2", None, [], ["income_below_dibao"], False),  # 低保, all answered, not listed
        ("H3", None, ["serious_illness"], ["low_earnings"], False),  # 低保, live below levels
        ("H4", "warning", ["serious_illness"], [], False),  # no help, warned
        ("H5", None, ["age_80_plus"], [], False),  # no help, live below levels
    ]
    households = pd.DataFrame(
        {
            "hukou_no": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "reasons": [r[2] for r in rows],
            "suppressed": [r[3] for r in rows],
            "explanation": [{"help_review": r[4]} for r in rows],
        }
    )
    helps = {h: {"dibao": "2025-01-01"} for h in ("H1", "H2", "H3", "H7")}
    result = SimpleNamespace(households=households, helps=helps)
    # H6: nothing fired, in hardship, no help; H7: on 低保, nothing fired, not in hardship
    truth = pd.DataFrame(
        {
            "hukou_no": ["H1", "H2", "H3", "H4", "H5", "H6", "H7"],
            "hardship": [1, 1, 1, 0, 1, 1, 0],
        }
    )
    out = help_held(result, truth, policy)
    assert out["dibao"] == {
        "households": 4,
        "hardship": 3,
        "warned": 1,
        "warned_hardship": 1,
        "review": 1,
        "review_hardship": 1,
        "nothing fired": 0,
        "all answered": 1,
        "live, below levels": 1,
        "some answered": 1,
        "cand_all": 1,
        "cand_all_hardship": 1,
        "cand_some": 1,
        "cand_some_hardship": 1,
    }
    assert (out["none"]["households"], out["none"]["hardship"], out["none"]["warned"]) == (3, 2, 1)
    assert (out["none"]["nothing fired"], out["none"]["live, below levels"]) == (1, 1)
    assert out["any help"] == out["dibao"] and out["tekun"]["households"] == 0
    assert (
        "| dibao | 4 | 3 (0.750) | 1.000 / 0.333 (1) | 1 (1.000) | 0 | 1 | 1 (1) | 1 (1.000) | 1 (1.000) |"
        in help_table("x", out)
    )
