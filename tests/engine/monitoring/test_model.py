"""The statistical model's prediction (:func:`doudi.engine.monitoring.model.predict`)."""

from __future__ import annotations

import threading

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from doudi.engine.monitoring import model as model_mod


def test_prediction_in_two_halves_on_two_threads_equals_one_pass(monkeypatch):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(600, 8))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(size=600) > 0).astype(int)
    estimator = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, y)
    rows = rng.normal(size=(1001, 8))  # an odd count: the halves differ by one row
    threads: set[str] = set()
    predict_proba = estimator.predict_proba

    def recording(part):
        threads.add(threading.current_thread().name)
        return predict_proba(part)

    monkeypatch.setattr(estimator, "predict_proba", recording)
    monkeypatch.setattr(model_mod, "PARALLEL_PREDICT_ROWS", 100)
    monkeypatch.setattr(model_mod, "_cpus", lambda: 2)
    got = model_mod._predict_halves(estimator, rows)
    assert len(threads) == 2  # the split was taken: the second half on a worker thread
    np.testing.assert_array_equal(got, predict_proba(rows)[:, 1])

    threads.clear()
    monkeypatch.setattr(model_mod, "_cpus", lambda: 1)
    np.testing.assert_array_equal(model_mod._predict_halves(estimator, rows), got)
    assert threads == {threading.current_thread().name}


def test_the_feature_matrix_is_the_frames_columns_in_the_models_order():
    import pandas as pd

    features = pd.DataFrame(
        {
            "b": np.array([1.5, np.nan, 3.0], dtype=np.float32),
            "a": [1, 2, 3],
            "c": pd.array([4, None, 6], dtype="Int64"),
        }
    )
    generic = f"{model_mod.FEED_PREFIX}x"
    cols = ["a", "missing", "b", generic, "c"]
    x = model_mod._feature_matrix(features, cols)
    assert x.dtype == np.float64 and x.flags["F_CONTIGUOUS"]
    expected = np.array(
        [
            [1.0, 0.0, 1.5, np.nan, 4.0],
            [2.0, 0.0, np.nan, np.nan, np.nan],
            [3.0, 0.0, 3.0, np.nan, 6.0],
        ]
    )
    np.testing.assert_array_equal(x, expected)  # NaN where NaN, exactly elsewhere
