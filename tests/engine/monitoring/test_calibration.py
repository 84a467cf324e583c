"""The combined score as a calibrated probability of hardship (issue 16): an isotonic map fitted
on out-of-fold combined scores, stored with the model version, checked on held-out households
of the project's own synthetic district (world A)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.engine.monitoring import Policy, default_policy, monitor
from doudi.engine.monitoring.model import calibrate, load, model_version, train
from doudi.synth import generate

AS_OF = dt.date(2026, 11, 1)


def test_calibration_map_is_stored_in_the_model_and_monotone():
    rng = np.random.default_rng(5)
    n = 600
    feats = pd.DataFrame(
        {"a": rng.normal(size=n), "scorecard": rng.uniform(0, 100, size=n)},
        index=pd.Index([f"{100000000 + i}" for i in range(n)], name="hukou_no"),
    )
    # hardship twice as likely as the scorecard says, and on the noisy feature a
    p_true = np.clip(feats["scorecard"] / 200 + 0.2 * (feats["a"] > 1), 0, 1)
    outcomes = pd.Series(rng.random(n) < p_true, index=feats.index)
    data, evaluation = train(feats, outcomes, min_outcomes=100, model_weight=0.75)
    envelope = load(data)
    cal = envelope["calibration"]
    assert (cal["method"], cal["of"], cal["model_weight"]) == ("platt", "combined_score", 0.75)
    assert cal["x"] == sorted(cal["x"]) and cal["y"] == sorted(cal["y"])
    p = calibrate(envelope, np.array([0.0, 25.0, 50.0, 75.0, 100.0]))
    assert list(p) == sorted(p) and 0.0 <= p.min() <= p.max() <= 1.0
    # the evaluation's tenths are cross-validated: they count every outcome once
    report = evaluation["calibration"]
    assert sum(r["n"] for r in report["tenths"]) == n
    assert 0.0 <= report["mean_abs_error"] < 0.1
    # the map is part of the bytes: another weight gives another version
    other, _ = train(feats, outcomes, min_outcomes=100, model_weight=0.5)
    assert model_version(other) != model_version(data)
    assert load(other)["calibration"]["model_weight"] == 0.5


def test_a_model_without_a_calibration_map_gives_no_probability():
    assert calibrate({"format": "x"}, np.array([50.0])) is None


@pytest.fixture(scope="module")
def world_a(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibration_district")
    generate(out, households=3000, seed=23)
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    records = pd.read_csv(out / "truth" / "records.csv", dtype=str)
    persons = pd.DataFrame(
        {
            "unique_id": records["feed"] + ":" + records["record_key"],
            "source": records["feed"],
            "record_key": records["record_key"],
            "person_key": records["person_id"].str[1:].astype("int64"),
        }
    )
    truth = pd.read_csv(out / "truth" / "households.csv", dtype={"hukou_no": str})
    return lake, catalogue, persons, truth.set_index("hukou_no")["hardship"].astype(bool)


def test_calibrated_probability_holds_on_held_out_households_of_world_a(world_a):
    lake, catalogue, persons, truth = world_a
    doc = default_policy()
    doc["model"]["min_outcomes"] = 200
    policy = Policy.from_dict(doc)
    first = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF)
    scored = np.array(sorted(first.features.index))
    rng = np.random.default_rng(29)
    visited = rng.random(len(scored)) < 0.5  # half the scored households visited at random
    outcomes = truth.reindex(scored[visited]).fillna(False)
    model, evaluation = train(first.features, outcomes, min_outcomes=200)
    assert evaluation["status"] == "on"
    run = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, model=model)
    rows = run.households.set_index("hukou_no")
    shown = rows[rows["explanation"].notna()]
    prob = shown["explanation"].map(lambda x: x["probability"])
    assert prob.notna().all()
    # every warning's probability is the stored map applied to its combined score
    np.testing.assert_allclose(
        prob.to_numpy(float),
        np.round(calibrate(load(model), shown["score"].to_numpy(float)), 4),
    )
    # held out: every scored household nobody visited (warned or not), the same map
    held = rows[~rows.index.isin(scored[visited])]
    y = truth.reindex(held.index).fillna(False).to_numpy(float)
    p = calibrate(load(model), held["score"].to_numpy(float))
    assert len(p) > 300
    tenth = np.clip((p * 10).astype(int), 0, 9)
    checked = 0
    for b in range(10):
        m = tenth == b
        if m.sum() >= 40:  # tenths with enough households to measure a share
            assert abs(p[m].mean() - y[m].mean()) <= 0.1, (
                b,
                int(m.sum()),
                p[m].mean(),
                y[m].mean(),
            )
            checked += 1
    assert checked >= 2
    assert abs(p.mean() - y.mean()) <= 0.05
