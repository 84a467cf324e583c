"""The promotion gate (issue 16 item 5): a newly trained model scores runs only when it beats
the current one on held-back outcomes it never saw; otherwise the current model stays, the
gate's verdict is stored with the new model and audited."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from doudi.audit.models import AuditEntry
from doudi.monitoring import actions
from doudi.monitoring.models import MonitoringRun, StatisticalModel

pytestmark = pytest.mark.django_db


def _features(n: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    a = rng.normal(size=n)
    feats = pd.DataFrame(
        {"a": a, "scorecard": np.clip(50 + 25 * a, 0, 100)},
        index=pd.Index([f"{200000000 + i}" for i in range(n)], name="hukou_no"),
    )
    return feats, rng.random(n) < 1 / (1 + np.exp(-3 * a))


def _train(run, feats, labels, current):
    return actions.statistical_model_train(
        run=run, features=feats, min_outcomes=50, labels=labels, current=current
    )


def test_a_worse_new_model_is_kept_out():
    run = MonitoringRun.objects.create(as_of=dt.date(2026, 5, 1), status="succeeded")
    feats, truth = _features(600)
    hukou = list(feats.index)
    old = {h: actions.Label(bool(truth[i]), None, i + 1) for i, h in enumerate(hukou[:200])}
    first = _train(run, feats, old, None)
    assert (first.promoted, first.gate["reason"], first.trained_through) == (
        True,
        "no current model",
        200,
    )
    assert actions.current_statistical_model() == first
    # 400 new outcomes: the held-back half follows the truth, the half the new model learns
    # from was recorded wrong (every answer inverted): the new model must not be promoted
    new = {
        h: actions.Label(bool(truth[i]) if actions.held_back(h) else not truth[i], None, 1000 + i)
        for i, h in enumerate(hukou[200:], start=200)
    }
    worse = _train(run, feats, {**old, **new}, first)
    held = sum(actions.held_back(h) for h in new)
    assert worse.promoted is False and worse.gate["held_back"] == held
    assert worse.gate["candidate"]["log_loss"] > worse.gate["current"]["log_loss"]
    assert worse.trained_through == 1599
    assert actions.current_statistical_model() == first
    keep = AuditEntry.objects.get(action="monitoring.model_keep")
    assert keep.detail["current"] == first.version and keep.detail["held_back"] == held
    assert StatisticalModel.objects.count() == 2


def test_a_new_model_that_learnt_more_is_promoted():
    run = MonitoringRun.objects.create(as_of=dt.date(2026, 5, 1), status="succeeded")
    feats, truth = _features(800)
    hukou = list(feats.index)
    few = {h: actions.Label(bool(truth[i]), None, i + 1) for i, h in enumerate(hukou[:60])}
    first = _train(run, feats, few, None)
    # 740 more outcomes: the new model learns from about half of them, the rest judge it
    more = {h: actions.Label(bool(truth[i]), None, 100 + i) for i, h in enumerate(hukou)}
    better = _train(run, feats, more, first)
    assert better.promoted is True
    assert better.gate["candidate"]["log_loss"] < better.gate["current"]["log_loss"]
    assert better.gate["reason"].endswith("promoted")
    assert actions.current_statistical_model() == better
    assert AuditEntry.objects.filter(action="monitoring.model_promote").count() == 2


def test_too_few_new_outcomes_keep_the_current_model():
    run = MonitoringRun.objects.create(as_of=dt.date(2026, 5, 1), status="succeeded")
    feats, truth = _features(300)
    hukou = list(feats.index)
    labels = {h: actions.Label(bool(truth[i]), None, i + 1) for i, h in enumerate(hukou[:250])}
    first = _train(run, feats, labels, None)
    more = {h: actions.Label(bool(truth[i]), None, 500 + i) for i, h in enumerate(hukou[250:260])}
    kept = _train(run, feats, {**labels, **more}, first)
    assert kept.promoted is False and kept.gate["new_outcomes"] == 10
    assert kept.gate["reason"].endswith("needed to judge a new one: the current model stays")
    assert actions.current_statistical_model() == first


def test_the_calibration_map_weighs_random_visits_by_its_own_trim():
    from decimal import Decimal

    run = MonitoringRun.objects.create(as_of=dt.date(2026, 5, 1), status="succeeded")
    feats, truth = _features(300)
    hukou = list(feats.index)
    # 260 visits down the queue and 40 random visits drawn with probability 1/20
    labels = {
        h: actions.Label(bool(truth[i]), Decimal("0.05") if i >= 260 else None, i + 1)
        for i, h in enumerate(hukou)
    }
    model = actions.statistical_model_train(
        run=run,
        features=feats,
        min_outcomes=50,
        labels=labels,
        current=None,
        max_weight=1,
        calibration_max_weight=3,
    )
    ev = model.evaluation
    # the estimator counts every visit once; the map a random visit three times (1/p = 20,
    # trimmed at 3)
    assert (ev["weighted"], ev["calibration_weighted"], ev["random_visits"]) == (False, True, 40)
    assert sum(r["weight"] for r in ev["calibration"]["tenths"]) == pytest.approx(260 + 40 * 3)
    untrimmed = actions.statistical_model_train(
        run=run, features=feats, min_outcomes=50, labels=labels, current=None, max_weight=1
    )
    assert sum(r["weight"] for r in untrimmed.evaluation["calibration"]["tenths"]) == pytest.approx(
        260 + 40 * 20
    )
