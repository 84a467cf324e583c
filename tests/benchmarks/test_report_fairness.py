"""The cross-world report's fairness flags and per-feed ablation (issue 16 items 6 and 7):
pure functions, exact outcomes on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.worlds import report as R


def _seg(recall: float, n: int) -> dict:
    return {"recall": recall, "hardship": n}


SEGMENTS = {
    "street": {
        "S1": _seg(0.70, 20),  # −10 pts: flagged
        "S2": _seg(0.76, 20),  # −4 pts: within
        "S3": _seg(0.40, 5),  # too few in hardship to judge
    },
    "household_type": {
        "single": _seg(0.60, 30),  # −20 pts, its missed mostly without a wage record
        "elderly_only": _seg(0.90, 12),  # +10 pts: flagged, no cause sought
        "other": _seg(0.85, 50),  # exactly +5 pts: within
    },
    "head_age": {"<40": _seg(0.74, 10)},  # −6 pts, causes no different from the rest
    "quiet": {"quiet": _seg(0.10, 40)},  # not a fairness segment
}
CAUSES = {
    "*": {"*": {"no_wage": 0.5, "no_help": 0.4, "quiet": 0.3}},
    "household_type": {"single": {"no_wage": 0.8, "no_help": 0.6, "quiet": 0.3}},
    "head_age": {"<40": {"no_wage": 0.55, "no_help": 0.45, "quiet": 0.35}},
}


def test_segments_more_than_five_points_away_are_flagged_with_their_likely_cause():
    flags = R.fairness_flags(SEGMENTS, 0.80, CAUSES)
    got = [(f["segment"], f["key"], round(f["gap"], 3), f["cause"]) for f in flags]
    assert got == [
        ("street", "S1", -0.1, None),
        ("household_type", "elderly_only", 0.1, None),
        (
            "household_type",
            "single",
            -0.2,
            {"mark": "no_wage", "share": 0.8, "overall_share": 0.5},
        ),
        ("head_age", "<40", -0.06, None),  # every excess under 10 points: no cause named
    ]


def test_no_overall_recall_no_flags_and_a_wider_gap_flags_fewer():
    assert R.fairness_flags(SEGMENTS, None, CAUSES) == []
    wide = R.fairness_flags(SEGMENTS, 0.80, CAUSES, gap=0.15)
    assert [(f["key"], f["cause"]["mark"]) for f in wide] == [("single", "no_wage")]
    assert [f["key"] for f in R.fairness_flags(SEGMENTS, 0.80, None, min_hardship=3)] == [
        "S1",
        "S3",
        "elderly_only",
        "single",
        "<40",
    ]


def test_flag_text_in_markdown():
    flags = R.fairness_flags(SEGMENTS, 0.80, CAUSES)
    assert [R.flag_text(f) for f in flags] == [
        "**✗ −10.0 pts**",
        "**✗ +10.0 pts**",
        "**✗ −20.0 pts** — 80% of its missed households without a wage record (all missed: 50%)",
        "**✗ −6.0 pts**",
    ]


def test_segment_causes_are_shares_among_the_missed_households_in_hardship():
    truth = pd.DataFrame(
        {
            "hukou_no": ["h1", "h2", "h3", "h4", "h5"],
            "hardship": [1, 1, 1, 1, 0],
            "street_code": ["S1", "S1", "S2", "S2", "S1"],
            "household_type": ["single", "single", "other", "other", "single"],
            "head_age": [30, 70, 45, 50, 30],
            "quiet": [1, 0, 0, 0, 0],
        }
    )
    marks = pd.DataFrame(
        {
            "hukou_no": ["h1", "h2", "h3", "h4", "h5"],
            "no_wage": [True, True, False, True, True],
            "no_help": [True, False, False, False, True],
            "quiet": [True, False, False, False, False],
        }
    )
    warned = np.array([False, False, False, True, False])  # h4 found; h5 is not in hardship
    c = R.segment_causes(truth, marks, warned)
    assert c["*"]["*"] == {"no_wage": 2 / 3, "no_help": 1 / 3, "quiet": 1 / 3}
    assert c["household_type"] == {
        "other": {"no_wage": 0.0, "no_help": 0.0, "quiet": 0.0},
        "single": {"no_wage": 1.0, "no_help": 0.5, "quiet": 0.5},
    }
    assert c["street"]["S1"] == {"no_wage": 1.0, "no_help": 0.5, "quiet": 0.5}
    assert c["head_age"] == {
        "<40": {"no_wage": 1.0, "no_help": 1.0, "quiet": 1.0},
        "40-59": {"no_wage": 0.0, "no_help": 0.0, "quiet": 0.0},
        "60-74": {"no_wage": 1.0, "no_help": 0.0, "quiet": 0.0},
    }


def _cum(p_all, r_all, n_all, p_w, r_w, n_w) -> dict:
    return {
        "cumulative": {
            "watch": {"precision": p_all, "recall": r_all, "warned": n_all},
            "warning": {"precision": p_w, "recall": r_w, "warned": n_w},
        }
    }


def test_ablation_rows_and_table_against_the_full_run():
    full = _cum(0.60, 0.90, 300, 0.75, 0.50, 120)
    ablated = {
        "yibao_outpatient": _cum(0.61, 0.89, 290, 0.75, 0.50, 120),
        "renshe_contribution": _cum(0.50, 0.70, 280, 0.70, 0.30, 86),
        "jiaoyu_aid": _cum(0.60, 0.90, 300, None, None, 0),
    }
    rows = R.ablation_rows(full, ablated)
    assert [r["feed"] for r in rows] == ["renshe_contribution", "yibao_outpatient", "jiaoyu_aid"]
    assert rows[0]["all"]["d_recall"] == pytest.approx(-0.2)
    assert rows[0]["warning"]["d_precision"] == pytest.approx(-0.05)
    assert rows[2]["warning"]["d_recall"] is None
    assert R.ablation_table("A (synth)", full, ablated).splitlines() == [
        "| A (synth): feed removed | all levels P / R (warned) | Δ P / Δ R (pts) "
        "| 预警+ P / R (warned) | Δ P / Δ R (pts) |",
        "|---|---|---|---|---|",
        "| (none: full run) | P 0.600 / R 0.900 (300) | | P 0.750 / R 0.500 (120) | |",
        "| `renshe_contribution` | P 0.500 / R 0.700 (280) | −10.0 / −20.0 "
        "| P 0.700 / R 0.300 (86) | −5.0 / −20.0 |",
        "| `yibao_outpatient` | P 0.610 / R 0.890 (290) | +1.0 / −1.0 "
        "| P 0.750 / R 0.500 (120) | ±0.0 / ±0.0 |",
        "| `jiaoyu_aid` | P 0.600 / R 0.900 (300) | ±0.0 / ±0.0 | P — / R — (0) | — / — |",
    ]


def test_an_ablated_world_is_delivered_without_the_feed(tmp_path):
    world = R.Synth(tmp_path, 100, 1)
    feeds = world.ingest_dir()
    for name in ("renshe_contribution", "gongan_hukou", "yibao_enrolment"):
        (feeds / name).mkdir(parents=True)
        (feeds / name / f"{name}.csv").write_text("a\n1\n", encoding="utf-8")
    (feeds / "renshe_pension.2026.csv").write_text("a\n", encoding="utf-8")
    # the register is never removed; feeds monitoring does not read are not either
    assert R.ablation_feeds(world) == ["renshe_contribution", "renshe_pension", "yibao_enrolment"]
    variant = R.ablated(world, "renshe_contribution")
    farm = variant.ingest_dir()
    assert sorted(p.name for p in farm.iterdir()) == [
        "gongan_hukou",
        "renshe_pension.2026.csv",
        "yibao_enrolment",
    ]
    assert (farm / "gongan_hukou" / "gongan_hukou.csv").read_text(encoding="utf-8") == "a\n1\n"
    assert variant.work == world.dir / "ablation" / "renshe_contribution" / "work"
    assert world.work == world.dir / "work"  # the world itself is untouched
    assert sorted(p.name for p in feeds.iterdir()) == [
        "gongan_hukou",
        "renshe_contribution",
        "renshe_pension.2026.csv",
        "yibao_enrolment",
    ]
