"""The cross-world report (benchmarks/worlds/report.py): its measures are exact on hand-made
data, the ceiling is out-of-fold, and a tiny world goes through the whole path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from benchmarks.worlds.qingshan import generate

from benchmarks.worlds import report as R
from doudi.engine.intake.pipeline import ingest_file


def test_recall_at_precision_cuts_down_the_ranking():
    score = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.0])
    hard = np.array([1, 1, 0, 1, 0, 1], bool)  # 4 in hardship; the last is never warned
    # cuts: 1/1 (R .25), 2/2 (R .5), 2/3, 3/4 (R .75, P .75), 3/5
    assert R.recall_at_precision(score, hard, 0.70) == 0.75
    assert R.recall_at_precision(score, hard, 0.80) == 0.5
    assert R.recall_at_precision(score, hard, 1.0) == 0.5


def test_recall_at_precision_cuts_ties_together():
    score = np.array([0.9, 0.9, 0.5])
    hard = np.array([1, 0, 1], bool)
    # the two tied households come together: precision 0.5, never 1.0 at recall 0.5;
    # all three: precision 2/3 at recall 1
    assert R.recall_at_precision(score, hard, 0.7) == 0.0
    assert R.recall_at_precision(score, hard, 0.6) == 1.0


def test_calibration_by_tenth():
    p = np.array([0.05, 0.05, 0.75, 0.75, 0.75, 0.75])
    hard = np.array([0, 0, 1, 1, 1, 0], bool)
    c = R.calibration(p, hard, min_n=1)
    assert [(b["tenth"], b["n"]) for b in c["bins"]] == [(0, 2), (7, 4)]
    assert c["bins"][1]["observed"] == 0.75
    assert c["max_gap"] == pytest.approx(0.05)
    assert c["ece"] == pytest.approx((2 * 0.05 + 4 * 0.0) / 6)


def test_evaluate_levels_are_cumulative_from_the_top():
    truth = pd.DataFrame(
        {
            "hukou_no": ["1", "2", "3", "4", "5"],
            "hardship": [1, 1, 0, 1, 0],
            "street_code": ["s"] * 5,
            "household_type": ["single", "single", "other", "other", "other"],
            "head_age": [30, 70, 50, 80, 40],
            "quiet": [1, 0, 0, 1, 0],
        }
    )
    warnings = pd.DataFrame(
        {
            "hukou_no": ["1", "2", "3"],
            "score": [95.0, 60.0, 30.0],
            "level": ["urgent", "warning", "watch"],
        }
    )
    ev = R.evaluate(warnings, truth)
    assert ev["cumulative"]["urgent"] == {"warned": 1, "precision": 1.0, "recall": 1 / 3}
    assert ev["cumulative"]["warning"] == {"warned": 2, "precision": 1.0, "recall": 2 / 3}
    assert ev["cumulative"]["watch"] == {"warned": 3, "precision": 2 / 3, "recall": 2 / 3}
    assert ev["levels"]["watch"] == {"warned": 1, "precision": 0.0, "recall": 0.0}
    assert ev["segments"]["household_type"] == {
        "other": {"hardship": 1, "recall": 0.0},
        "single": {"hardship": 2, "recall": 1.0},
    }
    assert ev["segments"]["quiet"]["quiet"] == {"hardship": 2, "recall": 0.5}
    assert ev["calibration"] is None  # no probability exported
    assert [(b["tenth"], b["n"]) for b in ev["calibration_score"]["bins"]] == [
        (3, 1),
        (6, 1),
        (9, 1),
    ]


def test_out_of_fold_cannot_remember_a_household():
    # random labels and features that name each row: a model that saw a row when predicting
    # it ranks it better than chance; out of fold it can only guess
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    n = 400
    y = (rng.random(n) < 0.3).astype(int)
    x = np.c_[np.arange(n), rng.permutation(n)].astype(float)

    p = R.out_of_fold(x, y)
    assert np.isfinite(p).all()
    assert abs(roc_auc_score(y, p) - 0.5) < 0.12
    in_sample = R._gbm().fit(x, y).predict_proba(x)[:, 1]
    assert roc_auc_score(y, in_sample) > 0.65  # what fitting on the same rows claims


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    world = R.Qingshan(tmp_path_factory.mktemp("worlds"), 120, 5)
    generate(world.data, households=120, seed=5)
    lake = world.work / "var" / "lake"
    for path in sorted(p for p in world.data.iterdir() if p.is_file()):
        ingest_file(path, lake=lake)
    return world


def test_ceiling_on_a_tiny_world_is_out_of_fold_and_bounded(tiny):
    truth = tiny.households_truth()
    x = R.ceiling_features(tiny, truth)
    assert list(x.index) == list(truth["hukou_no"])
    assert x.shape[1] > 20
    assert not any(c.startswith("truth") for c in x.columns)
    c = R.ceiling(tiny, truth, sample=60)
    assert c["sample_size"] == 60
    assert c["features"] == x.shape[1] + c["engine_features"]
    assert 0.0 <= c["generic"]["auc"] <= 1.0
    for part in ("all", "sample"):
        assert c[part]["out_of_fold"] is True
        assert 0.0 <= c[part]["auc"] <= 1.0
        for t in ("0.7", "0.8"):
            assert 0.0 <= c[part]["recall_at"][t] <= 1.0


def test_engine_features_are_the_products_on_perfect_linkage(tiny):
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy, monitor

    truth = tiny.households_truth()
    f = R.engine_features(tiny, truth)
    assert list(f.index) == list(truth["hukou_no"])
    # the engine's own run on the same lake and persons: the same households, the same values
    doc = default_policy()
    doc = {**doc, "model": {**doc["model"], "feed_features": True}}
    run = monitor(
        Lake(tiny.work / "var" / "lake"),
        load_catalogue(),
        R.perfect_persons(tiny),
        policy=Policy.from_dict(doc),
        as_of=tiny.as_of,
        training=True,
    )
    scored = set(run.features.index.astype(str))
    # every household the run scored (a row each), and no other
    assert scored == set(run.households["hukou_no"].astype(str))
    assert set(f.index[f["engine:candidate"] == 1.0]) == scored
    assert set(f.index[f["engine:candidate"] == 0.0]) == set(truth["hukou_no"]) - scored
    assert f.shape[1] == run.features.shape[1] + 1
    some = sorted(scored)[0]
    mine = f.loc[some].drop("engine:candidate").to_numpy(dtype=float)
    theirs = run.features.loc[some].to_numpy(dtype=float)
    assert np.array_equal(mine, theirs, equal_nan=True)
    # a household the engine did not score has no engine feature
    others = f[f["engine:candidate"] == 0.0].drop(columns="engine:candidate")
    assert others.isna().all().all()


def test_recall_on_unvisited_leaves_the_visited_households_out():
    truth = pd.DataFrame({"hukou_no": ["1", "2", "3", "4"], "hardship": [1, 1, 0, 1]})
    score = np.array([0.9, 0.8, 0.7, 0.0])
    visited = pd.Series([1], index=["1"])  # the top household's outcome was visited
    # left: 2 (hard, 0.8), 3 (not, 0.7), 4 (hard, 0.0 = never warned): cuts 1/1 then 1/2
    assert R.recall_on_unvisited(score, truth, visited) == {"0.7": 0.5, "0.8": 0.5}


@pytest.mark.slow
def test_whole_report_on_a_tiny_world(tmp_path, capsys):
    assert (
        R.main(["--households", "150", "--seed", "2", "--worlds", "C", "--var", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("|")]
    assert lines[0] == "| | C (qingshan) |"
    assert all(line.count("|") == 3 for line in lines)
    assert any(line.startswith("| **预警 and above** | P ") for line in lines)
    ceiling = [line for line in lines if "ceiling" in line and "recall at" in line]
    assert len(ceiling) == 8
    for line in ceiling:
        for value in line.split("|")[2].split(" / "):
            assert 0.0 <= float(value) <= 1.0


def test_trigger_precision_reads_the_last_run_and_its_warnings(tmp_path):
    import json
    import sqlite3

    world = R.WORLD_CLASSES["A"](tmp_path, 50, 1)
    (world.work / "var").mkdir(parents=True)
    con = sqlite3.connect(world.work / "var" / "doudi.sqlite3")
    con.executescript(
        "CREATE TABLE monitoring_monitoringrun (id INTEGER, status TEXT, counts TEXT);"
        "CREATE TABLE registry_household (id INTEGER, hukou_no TEXT);"
        "CREATE TABLE monitoring_warning (household_id INTEGER, run_id INTEGER, status TEXT,"
        " explanation TEXT);"
    )
    old = {"triggers": {"t": {"fired": 9, "raised": 9}}}
    new = {"triggers": {"t": {"fired": 4, "raised": 2}, "u": {"fired": 0, "raised": 0}}}
    con.executemany(
        "INSERT INTO monitoring_monitoringrun VALUES (?, ?, ?)",
        [(1, "succeeded", json.dumps(old)), (2, "succeeded", json.dumps(new)), (3, "failed", "{}")],
    )
    con.executemany(
        "INSERT INTO registry_household VALUES (?, ?)", [(n, f"H{n}") for n in range(5)]
    )

    def x(*raises):
        return json.dumps({"triggers": [{"id": "t", "raises": r} for r in raises]})

    con.executemany(
        "INSERT INTO monitoring_warning VALUES (?, ?, ?, ?)",
        [
            (0, 2, "open", x(True)),  # raised, in hardship
            (1, 2, "open", x(True)),  # raised, not
            (2, 2, "open", x(False)),  # points only, in hardship
            (3, 1, "open", x(False)),  # an older run's warning: not read
            (4, 2, "resolved", x(True)),  # resolved: not read
        ],
    )
    con.commit()
    con.close()
    truth = pd.DataFrame({"hukou_no": [f"H{n}" for n in range(5)], "hardship": [1, 0, 1, 1, 1]})
    out = R.trigger_precision(world, truth)
    assert out["t"]["fired"] == 4 and out["t"]["raised"] == 2
    assert out["t"]["n"] == {"raised": 2, "points": 1}
    assert out["t"]["precision"] == {"raised": 0.5, "points": 1.0}
    assert out["u"]["precision"] == {}
    lines: list[str] = []
    R.trigger_rows(
        {"A": {"triggers": out}}, lambda label, f: lines.append(f"{label}: {f({'triggers': out})}")
    )
    assert lines == [
        "trigger t: fired / raised; precision: 4 / 2; raised P 0.500 (n=2); points only P 1.000 (n=1)",
        "trigger u: fired / raised; precision: 0 / 0; raised —; points only —",
    ]
