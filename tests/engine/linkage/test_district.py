"""A synthetic district through intake and district-wide linkage: quality against the
generator's truth, stable keys, review decisions, export."""

from __future__ import annotations

import pandas as pd
import pytest

from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.engine.linkage.district import (
    export_persons,
    link_district,
    pair_scores,
    person_feeds,
    records_from_lake,
)
from doudi.synth import generate


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("linkdistrict")
    generate(out, households=800, seed=5)
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    truth = pd.read_csv(out / "truth" / "records.csv", dtype=str)
    truth["unique_id"] = truth["feed"] + ":" + truth["record_key"]
    return lake, catalogue, truth


@pytest.fixture(scope="module")
def first(district):
    lake, catalogue, _ = district
    return link_district(lake, catalogue)


def _clusters(persons: pd.DataFrame) -> dict[str, int]:
    return dict(zip(persons["unique_id"], persons["person_key"], strict=True))


def test_records_from_lake_covers_every_person_feed(district):
    lake, catalogue, _ = district
    table = records_from_lake(lake, catalogue).to_pandas()
    con = lake.connect(catalogue)
    expected = sum(
        con.execute(f'SELECT count(*) FROM "{f.id}"').fetchone()[0] for f in person_feeds(catalogue)
    )
    assert len(table) == expected and table["unique_id"].is_unique
    valid = table["id_number"].dropna()
    assert valid.str.len().eq(18).all()
    assert table["id_near"].notna().any()  # check-digit failures kept for near matches
    assert set(table["source"]) == {f.id for f in person_feeds(catalogue)}


def test_quality_against_truth(district, first):
    _, _, truth = district
    scored = first.persons.merge(truth[["unique_id", "person_id"]], on="unique_id")
    assert len(scored) == len(first.persons)
    s = pair_scores(scored["person_key"], scored["person_id"])
    assert s["f1"] >= 0.98, s
    assert s["merged_share"] < 0.01, s
    assert {"unique_id_l", "unique_id_r", "match_probability", "reason", "mw_name"} <= set(
        first.review.columns
    )


def test_rerun_gives_identical_keys(district, first):
    lake, catalogue, _ = district
    again = link_district(lake, catalogue, model=first.model)
    pd.testing.assert_frame_equal(again.persons, first.persons)
    # previous keys are kept even when the fresh numbering would differ
    shifted = first.persons.assign(person_key=first.persons["person_key"] + 1000)
    kept = link_district(lake, catalogue, model=first.model, previous_keys=shifted)
    assert (kept.persons["person_key"] == shifted["person_key"]).all()


def test_export_covers_every_record_once(first):
    rows = export_persons(first)
    assert list(rows.columns) == ["feed", "record_key", "person_key"]
    assert not rows.duplicated(["feed", "record_key"]).any()
    assert len(rows) == first.records


def test_forced_split_and_forced_link(district, first):
    lake, catalogue, truth = district
    before = _clusters(first.persons)
    true_of = dict(zip(truth["unique_id"], truth["person_id"], strict=True))
    p = first.persons
    # a small true person the model linked (two records, one cluster)
    sizes = p.groupby("person_key")["unique_id"].agg(list)
    pair = next(sorted(m) for m in sizes if len(m) == 2 and true_of[m[0]] == true_of[m[1]])
    # two singleton clusters the model left apart
    singles = sorted(m[0] for m in sizes if len(m) == 1)
    x, y = singles[0], singles[1]
    run = link_district(
        lake,
        catalogue,
        model=first.model,
        previous_keys=first.persons,
        decisions=[(pair[0], pair[1], False), (x, y, True)],
    )
    after = _clusters(run.persons)
    assert after[pair[0]] != after[pair[1]]
    assert after[x] == after[y]
    groups = run.persons.groupby("person_key")["unique_id"].agg(frozenset)
    assert frozenset({x, y}) in set(groups)
    assert frozenset({pair[0]}) in set(groups) and frozenset({pair[1]}) in set(groups)
    # nothing else moved: every other record keeps its key
    others = [u for u in before if u not in {*pair, x, y}]
    assert all(before[u] == after[u] for u in others)
    decided = {tuple(sorted(k)) for k in [pair, (x, y)]}
    assert not any(
        tuple(sorted(k)) in decided
        for k in zip(run.review["unique_id_l"], run.review["unique_id_r"], strict=True)
    )


@pytest.mark.slow
def test_duckdb_and_spark_give_identical_clusters(district, first):
    """Spark reuses the DuckDB-fitted model (training on local Spark is slow)."""
    lake, catalogue, _ = district
    spark_run = link_district(lake, catalogue, backend="spark", model=first.model)
    pd.testing.assert_frame_equal(spark_run.persons, first.persons)
