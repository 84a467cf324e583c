"""The generic feed features of the statistical model (issue 16): exact values on a hand-made
lake, missing values for a feed that is absent, late or too short, and a model trained with
them that still predicts when a feed disappears. The test plays identity resolution
(``_pk``).

As of 2026-11-01 the 3-month window is (2026-08-01, 2026-11-01] and the 12-month window
(2025-11-01, 2026-11-01]; a monthly record counts from its month's first day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from doudi.engine.catalogue import load_catalogue
from doudi.engine.idnumber import make
from doudi.engine.monitoring import Policy, default_policy, monitor
from doudi.engine.monitoring import feed_features as ff
from doudi.engine.monitoring import model as model_mod
from tests.engine.monitoring.lakes import hukou_record, lake_of_records

AS_OF = dt.date(2026, 11, 1)
# pk: (household, birth date, relation)
PEOPLE = {
    1: ("1", "1980-01-01", "户主"),
    2: ("1", "1982-01-01", "配偶"),
    3: ("2", "1950-01-01", "户主"),
    4: ("3", "1990-01-01", "户主"),  # no record in any feed
}
H1, H2, H3 = "200000001", "200000002", "200000003"


def _id(pk: int) -> str:
    return make("420106", dt.date.fromisoformat(PEOPLE[pk][1]), 300 + pk)


def _hukou(pk: int) -> dict:
    h, birth, relation = PEOPLE[pk]
    return hukou_record(
        pk, hukou_no=f"20000000{h}", id_number=_id(pk), birth=birth, relation=relation
    )


def _contribution(pk: int, month: str, base: int) -> dict:
    return {
        "serial": f"C{pk:02d}{month}",
        "id_number": _id(pk),
        "name": f"居民{pk}",
        "insurance": "企业职工基本养老保险",
        "month": month,
        "wage_base": base,
        "_pk": pk,
    }


RECORDS = {
    "gongan_hukou": [_hukou(pk) for pk in PEOPLE],
    "renshe_contribution": (
        # person 1: January–October 2026 at 5,000 yuan, plus one month too old for the
        # 12-month window and one after the as-of date (neither read)
        [_contribution(1, f"2026-{m:02d}", 5000) for m in range(1, 11)]
        + [_contribution(1, "2025-05", 9000), _contribution(1, "2026-12", 9000)]
        # person 2: August–October 2026 at 3,000 yuan
        + [_contribution(2, f"2026-{m:02d}", 3000) for m in (8, 9, 10)]
    ),
    "renshe_pension": [
        {
            "pension_no": "PN3",
            "id_number": _id(3),
            "name": "居民3",
            "scheme": "城乡居民",
            "start_month": "2010-01",
            "monthly_amount": 1800,
            "status": "正常发放",
            "_pk": 3,
        }
    ],
    # a feed no indicator reads: its records meet their persons here
    "minzheng_marriage": [
        {
            "record_no": "M2",
            "reg_type": "离婚",
            "reg_date": "2026-06-15",
            "id_number": _id(2),
            "name": "居民2",
            "_pk": 2,
        }
    ],
}
P = ff.PREFIX


@pytest.fixture(scope="module")
def lake_and_persons(tmp_path_factory):
    return lake_of_records(tmp_path_factory.mktemp("ff_lake"), RECORDS, today=AS_OF)


def _policy(feed_features: bool = True, min_outcomes: int = 300) -> Policy:
    doc = default_policy()
    doc["model"] = {**doc["model"], "feed_features": feed_features, "min_outcomes": min_outcomes}
    return Policy.from_dict(doc)


def _features(lake_and_persons, backend: str = "duckdb", **kw) -> pd.DataFrame:
    """Every household's generic features (``wanted``: some), computed as a run computes
    them."""
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.feeds import FEEDS
    from doudi.engine.monitoring.indicators import compute_indicators

    lake, catalogue, persons = lake_and_persons
    be = make_monitor_backend(backend, lake, catalogue, feeds=FEEDS)
    try:
        tables = compute_indicators(be, persons, policy=_policy(), as_of=AS_OF)
        return ff.compute_feed_features(
            be, ff.feed_specs(catalogue), AS_OF, tables.households, persons, **kw
        )
    finally:
        be.close()


@pytest.fixture(scope="module")
def features(lake_and_persons) -> pd.DataFrame:
    return _features(lake_and_persons)


def test_the_columns_come_from_the_catalogue_alone():
    specs = {s.feed: s for s in ff.feed_specs(load_catalogue())}
    assert "gongan_hukou" not in specs  # membership, not a feed the model reads
    c = specs["renshe_contribution"]
    assert (c.events, c.date, c.monthly) == (True, "month", True)
    assert [a for a, _ in c.amounts] == ["wage_base", "personal_amount", "employer_amount"]
    assert c.categories == (
        ("insurance", ("企业职工基本养老保险", "机关事业单位养老保险", "灵活就业人员养老保险")),
    )
    pension = specs["renshe_pension"]
    assert (pension.events, pension.date) == (False, "start_month")
    # the person's own attributes are not categories of what the feed says
    assert [c for c, _ in pension.categories] == ["scheme", "status"]
    assert specs["canlian_disability"].date == "issue_date"  # birth_date is not the record's
    assert ff.columns(specs.values()) == ff.columns(ff.feed_specs(load_catalogue()))


def test_event_feed_values(features):
    c = f"{P}renshe_contribution:"
    h1 = features.loc[H1]
    assert h1[f"{c}rows_3m"] == 4  # September and October, two people
    assert h1[f"{c}members_3m"] == 2
    assert h1[f"{c}rows_12m"] == 13  # 2025-05 is too old, 2026-12 after the as-of date
    assert h1[f"{c}members_12m"] == 2
    assert h1[f"{c}wage_base:sum_3m"] == (2 * 5000 + 2 * 3000) * 100
    assert h1[f"{c}wage_base:sum_12m"] == (10 * 5000 + 3 * 3000) * 100
    assert h1[f"{c}wage_base:last"] == 500_000  # October: both, the larger
    assert h1[f"{c}wage_base:per_head_12m"] == (10 * 5000 + 3 * 3000) * 100 / 2
    assert h1[f"{c}newest_days"] == (AS_OF - dt.date(2026, 10, 1)).days
    assert h1[f"{c}oldest_days"] == (AS_OF - dt.date(2026, 1, 1)).days
    assert h1[f"{c}insurance=企业职工基本养老保险"] == 13
    assert h1[f"{c}insurance=机关事业单位养老保险"] == 0
    m = f"{P}minzheng_marriage:"
    assert (h1[f"{m}rows_12m"], h1[f"{m}reg_type=离婚"], h1[f"{m}reg_type=结婚"]) == (1, 1, 0)
    assert h1[f"{m}newest_days"] == (AS_OF - dt.date(2026, 6, 15)).days


def test_snapshot_feed_values(features):
    p = f"{P}renshe_pension:"
    h2 = features.loc[H2]
    assert (h2[f"{p}rows"], h2[f"{p}members"], h2[f"{p}rows_12m"]) == (1, 1, 0)
    assert h2[f"{p}monthly_amount:sum"] == 180_000
    assert h2[f"{p}monthly_amount:max"] == 180_000
    assert h2[f"{p}monthly_amount:per_head"] == 180_000
    assert h2[f"{p}newest_days"] == (AS_OF - dt.date(2010, 1, 1)).days
    assert (h2[f"{p}scheme=城乡居民"], h2[f"{p}scheme=职工"], h2[f"{p}status=正常发放"]) == (
        1,
        0,
        1,
    )


def test_a_household_without_records_has_zero_counts_and_missing_values(features):
    h3 = features.loc[H3]
    c = f"{P}renshe_contribution:"
    assert (
        h3[f"{c}rows_12m"],
        h3[f"{c}wage_base:sum_12m"],
        h3[f"{c}insurance=企业职工基本养老保险"],
    ) == (
        0,
        0,
        0,
    )
    assert np.isnan(h3[f"{c}wage_base:last"]) and np.isnan(h3[f"{c}newest_days"])
    assert features.loc[H2, f"{P}renshe_pension:rows"] == 1
    assert features.loc[H1, f"{P}renshe_pension:rows"] == 0


def test_a_missing_value_of_a_household_with_records_is_missing_not_0(features, tmp_path):
    # DuckDB hands a NULL over masked: its value must not be read as the mask's 0
    c = f"{P}renshe_contribution:"
    h1 = features.loc[H1]
    assert h1[f"{c}rows_12m"] == 13  # records, none with a personal amount
    assert np.isnan(h1[f"{c}personal_amount:last"])
    assert h1[f"{c}personal_amount:sum_12m"] == 0  # a sum of nothing
    # a pension without its start month: rows, but no date to count days from
    records = {
        "gongan_hukou": [_hukou(3)],
        "renshe_pension": [{**RECORDS["renshe_pension"][0], "start_month": None}],
    }
    dateless = _features(lake_of_records(tmp_path, records, today=AS_OF))
    p = f"{P}renshe_pension:"
    assert (dateless.loc[H2, f"{p}rows"], dateless.loc[H2, f"{p}monthly_amount:max"]) == (
        1,
        180_000,
    )
    assert np.isnan(dateless.loc[H2, f"{p}newest_days"])
    assert np.isnan(dateless.loc[H2, f"{p}oldest_days"])


def test_a_feed_with_no_rows_is_missing_throughout(features):
    absent = [c for c in features.columns if c.startswith(f"{P}yibao_inpatient:")]
    assert len(absent) == 18
    assert features[absent].isna().all().all()
    assert list(features.columns) == ff.columns(ff.feed_specs(load_catalogue()))
    assert sorted(features.index) == [H1, H2, H3]


def test_only_the_columns_asked_for(lake_and_persons, features):
    wanted = [
        f"{P}renshe_contribution:wage_base:last",
        f"{P}renshe_contribution:members_3m",
        f"{P}minzheng_marriage:reg_type=离婚",
        f"{P}yibao_inpatient:rows_12m",  # no rows: missing
    ]
    some = _features(lake_and_persons, wanted=wanted)
    assert sorted(some.columns) == sorted(wanted)
    pd.testing.assert_frame_equal(some, features[list(some.columns)])


def test_a_late_or_short_event_feed_leaves_its_windows_missing():
    spec = {s.feed: s for s in ff.feed_specs(load_catalogue())}["shuiwu_income_tax"]
    p = f"{P}shuiwu_income_tax:"
    fresh = (500, dt.date(2024, 1, 1), dt.date(2026, 10, 1))
    assert ff._unusable(spec, fresh, AS_OF) == set()
    # the newest month ended long ago (C's tax feed): every windowed column
    late = ff._unusable(spec, (500, dt.date(2024, 1, 1), dt.date(2025, 12, 1)), AS_OF)
    assert {f"{p}rows_3m", f"{p}income:sum_12m", f"{p}income:last", f"{p}newest_days"} <= late
    # six months delivered: the 12-month window is missing, the 3-month one stands
    short = ff._unusable(spec, (500, dt.date(2026, 5, 1), dt.date(2026, 10, 1)), AS_OF)
    assert f"{p}income:sum_12m" in short and f"{p}rows_12m" in short
    assert f"{p}income:sum_3m" not in short and f"{p}rows_3m" not in short
    # a handful of rows says nothing about the span delivered
    assert ff._unusable(spec, (20, dt.date(2026, 5, 1), dt.date(2025, 1, 1)), AS_OF) == set()


def test_computed_only_for_a_model_that_reads_them(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    on, off = _policy(True), _policy(False)
    plain = monitor(lake, catalogue, persons, policy=on, as_of=AS_OF)
    assert "feed_features" not in plain.timings
    assert not [c for c in plain.features.columns if c.startswith(P)]
    trained = monitor(lake, catalogue, persons, policy=on, as_of=AS_OF, training=True)
    assert "feed_features" in trained.timings
    assert [c for c in trained.features.columns if c.startswith(P)]
    again = monitor(lake, catalogue, persons, policy=off, as_of=AS_OF, training=True)
    assert "feed_features" not in again.timings
    # the policy's document keeps its version when the key is absent or off
    doc = default_policy()
    doc["model"] = {k: v for k, v in doc["model"].items() if k != "feed_features"}
    doc["model"]["min_outcomes"] = 300
    assert off.version == Policy.from_dict(doc).version
    assert Policy.from_dict(default_policy()).model.feed_features  # shipped on


def test_a_run_computes_them_beside_its_scores_with_the_same_values(lake_and_persons, features):
    lake, catalogue, persons = lake_and_persons
    # on DuckDB a run computes them on a second cursor in a thread, while it scores
    trained = monitor(lake, catalogue, persons, policy=_policy(), as_of=AS_OF, training=True)
    got = trained.features[[c for c in trained.features.columns if c.startswith(P)]]
    assert len(got) and list(got.columns) == list(features.columns)
    pd.testing.assert_frame_equal(got, features.reindex(got.index))


def _frame(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    wage = rng.integers(0, 10_000, n).astype(float)
    x = pd.DataFrame(
        {
            "scorecard": rng.integers(0, 100, n).astype(float),
            f"{P}renshe_contribution:wage_base:sum_12m": wage,
            f"{P}yibao_inpatient:rows_12m": rng.integers(0, 3, n).astype(float),
        },
        index=pd.Index([f"H{i:04d}" for i in range(n)], name="hukou_no"),
    )
    y = pd.Series(wage < 3000, index=x.index)
    return x, y


def test_a_model_trained_with_a_feed_predicts_when_the_feed_is_gone():
    x, y = _frame(400, 1)
    data, ev = model_mod.train(x, y, min_outcomes=100)
    assert data is not None and ev["status"] == "on"
    env = model_mod.load(data)
    assert env["features"] == list(x.columns)
    gone = x.drop(columns=[f"{P}renshe_contribution:wage_base:sum_12m"])
    p_gone = model_mod.predict(env, gone)
    nan = x.assign(**{f"{P}renshe_contribution:wage_base:sum_12m": np.nan})
    # a generic feature the run lacks is missing, not 0 (0 would read as "no wages")
    assert np.array_equal(p_gone, model_mod.predict(env, nan))
    assert not np.array_equal(p_gone, model_mod.predict(env, x.assign(**{gone.columns[0]: 0})))
    assert np.isfinite(p_gone).all() and len(p_gone) == 400
    # and a model trained without them predicts from a run that has them
    old, _ = model_mod.train(x[["scorecard"]], y, min_outcomes=100)
    assert old is not None
    assert len(model_mod.predict(model_mod.load(old), x)) == 400


def test_a_feature_missing_for_every_outcome_is_left_out():
    x, y = _frame(300, 2)
    x[f"{P}yibao_inpatient:rows_12m"] = np.nan
    data, ev = model_mod.train(x, y, min_outcomes=100)
    assert data is not None
    assert f"{P}yibao_inpatient:rows_12m" not in model_mod.load(data)["features"]
    # missing in one fold's households only: still trains
    x2, y2 = _frame(300, 3)
    col = f"{P}yibao_inpatient:rows_12m"
    x2[col] = np.where(np.arange(300) < 5, 1.0, np.nan)
    data2, _ = model_mod.train(x2, y2, min_outcomes=100)
    assert data2 is not None and col in model_mod.load(data2)["features"]


def test_a_run_computes_only_the_feeds_its_model_keeps(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    x, y = _frame(300, 5)  # generic features of two feeds
    data, _ = model_mod.train(x, y, min_outcomes=100)
    assert data is not None
    policy = _policy(True, min_outcomes=1)
    scored = monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, model=data)
    assert scored.model_status == "on"
    got = [c for c in scored.features.columns if c.startswith(P)]
    # the model's generic columns only: the aggregates they need, of the feeds they read
    assert sorted(got) == sorted(c for c in x.columns if c.startswith(P))
    assert scored.timings["feed_features"] >= 0


def test_training_keeps_the_generic_features_that_tell_most():
    rng = np.random.default_rng(4)
    n = 400
    y = rng.random(n) < 0.3
    cols = {"scorecard": rng.integers(0, 100, n).astype(float)}
    for k in range(model_mod.FEED_FEATURES_KEPT + 10):  # noise
        cols[f"{P}noise:{k:02d}"] = rng.random(n)
    cols[f"{P}signal:rows_12m"] = y + rng.random(n) * 0.5
    x = pd.DataFrame(cols, index=[f"H{i:04d}" for i in range(n)])
    data, _ = model_mod.train(x, pd.Series(y, index=x.index), min_outcomes=100)
    assert data is not None
    kept = model_mod.load(data)["features"]
    generic = [c for c in kept if c.startswith(P)]
    assert len(generic) == model_mod.FEED_FEATURES_KEPT
    assert f"{P}signal:rows_12m" in generic and "scorecard" in kept
