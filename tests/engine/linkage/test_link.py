"""Linking Chinese records: ID first, probabilistic where the ID fails, conflicts for review."""

from __future__ import annotations

import subprocess
import sys
from itertools import combinations

import pandas as pd
import pytest

from doudi.engine.linkage import evaluate
from doudi.engine.linkage.pipeline import link

from .scenarios import EXPECTED_CLUSTERS, RECORDS


def members_of(result, uid: str) -> set[str]:
    clusters = result.clusters
    key = clusters.loc[clusters["unique_id"] == uid, "cluster_key"].item()
    return set(clusters.loc[clusters["cluster_key"] == key, "unique_id"])


@pytest.mark.parametrize("expected", EXPECTED_CLUSTERS, ids=lambda s: min(s))
def test_scenario_clusters_are_exact(duckdb_run, expected):
    for uid in expected:
        assert members_of(duckdb_run, uid) == expected


def test_every_record_has_one_cluster(duckdb_run, district_records):
    clusters = duckdb_run.clusters
    assert list(clusters["unique_id"]) == list(district_records["unique_id"])
    assert clusters["cluster_key"].dtype == "int64"


def test_id_conflict_is_listed_for_review_and_not_merged(duckdb_run):
    conflicts = duckdb_run.conflicts
    row = conflicts[conflicts["unique_id_l"].str.contains("s-conflict")]
    assert row.to_dict("records") == [
        {
            "unique_id_l": "yibao:s-conflict",
            "unique_id_r": "minzheng:s-conflict",
            "reasons": "birth_date,name",
            "same_cluster": False,
        }
    ]
    review = duckdb_run.review
    flagged = review[review["unique_id_l"].str.contains("s-conflict")]
    assert flagged[["unique_id_l", "unique_id_r", "reason"]].to_dict("records") == [
        {
            "unique_id_l": "minzheng:s-conflict",
            "unique_id_r": "yibao:s-conflict",
            "reason": "id_conflict",
        }
    ]
    pairs = duckdb_run.pairs
    assert not (pairs["unique_id_l"].str.contains("s-conflict")).any()


def test_records_with_different_valid_ids_are_never_linked(duckdb_run):
    review = duckdb_run.review
    row = review[review["unique_id_l"] == "minzheng:s-chen-1"]
    assert row[["unique_id_r", "reason"]].to_dict("records") == [
        {"unique_id_r": "yibao:s-chen-2", "reason": "different_ids"}
    ]
    assert row["match_probability"].item() >= duckdb_run.threshold


def test_basis_of_each_scenario_link(duckdb_run):
    pairs = duckdb_run.pairs.set_index(["unique_id_l", "unique_id_r"])
    expected = {
        ("minzheng:s-sun", "canlian:s-sun"): "id",  # 15-digit ID upgraded, then equal
        ("minzheng:s-wang", "yibao:s-wang"): "model",
        ("minzheng:s-li", "renshe:s-li"): "model",
        ("minzheng:s-zhao", "yibao:s-zhao"): "model",
        ("minzheng:s-zhou", "renshe:s-zhou"): "model",
    }
    for (a, b), basis in expected.items():
        key = (min(a, b), max(a, b))
        assert pairs.loc[key, "basis"] == basis, key


def test_background_district_is_linked_well(duckdb_run, district_truth):
    persons = district_truth.groupby("person")["unique_id"].apply(list)
    truth = {tuple(sorted(p)) for group in persons for p in combinations(group, 2)}
    background = duckdb_run.clusters[~duckdb_run.clusters["unique_id"].str.contains(":s-")]
    scores = evaluate.cluster_scores(background, truth)
    assert scores.precision >= 0.995
    assert scores.recall >= 0.99


def test_fitted_model_is_returned_and_reusable(duckdb_run, district_records):
    model = duckdb_run.model
    assert model["probability_two_random_records_match"] == pytest.approx(
        duckdb_run.probability_two_random_records_match
    )
    names = [c["output_column_name"] for c in model["comparisons"]]
    assert names == ["name", "birth_date", "sex", "id_number", "phone", "place"]
    again = link(
        district_records,
        model=model,
        previous_keys=duckdb_run.clusters[["unique_id", "cluster_key"]],
    )
    pd.testing.assert_frame_equal(again.clusters, duckdb_run.clusters)
    assert again.probability_two_random_records_match == pytest.approx(
        duckdb_run.probability_two_random_records_match, rel=1e-6
    )


def test_training_on_a_sample_links_the_same_scenarios(district_records):
    # EM on a seeded sample of the records (as a district is trained), every record scored;
    # the sample's tables are dropped before scoring. (Half of this small district is too
    # little for EM to fit every comparison: its background is not scored here.)
    sampled = link(district_records, train_sample=len(district_records) // 2)
    assert list(sampled.clusters["unique_id"]) == list(district_records["unique_id"])
    for expected in EXPECTED_CLUSTERS:
        for uid in expected:
            assert members_of(sampled, uid) == expected


def test_scenario_records_are_all_present(district_records):
    uids = set(district_records["unique_id"])
    assert {r["unique_id"] for r in RECORDS} <= uids


def test_bad_arguments_are_refused(district_records):
    with pytest.raises(ValueError, match="run prepare"):
        link(district_records.drop(columns="name_pinyin"))
    with pytest.raises(ValueError, match="review_threshold"):
        link(district_records, threshold=0.5, review_threshold=0.9)
    with pytest.raises(ValueError, match="unknown conflict_policy"):
        link(district_records, conflict_policy="merge")
    with pytest.raises(ValueError, match="unknown backend"):
        link(district_records, backend="sqlite")


def test_the_engine_does_not_import_django():
    code = (
        "import sys, doudi.engine.linkage.pipeline, doudi.engine.linkage.evaluate;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
