"""DuckDB and Spark give the same answer on the same data with the same model."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from doudi.engine.linkage.pipeline import link

pytest.importorskip("pyspark")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime"),
]


def test_spark_links_like_duckdb(district_records, duckdb_run):
    spark_run = link(district_records, backend="spark", model=duckdb_run.model)
    assert spark_run.backend == "spark"
    pd.testing.assert_frame_equal(spark_run.clusters, duckdb_run.clusters)
    pd.testing.assert_frame_equal(spark_run.conflicts, duckdb_run.conflicts)
    key = ["unique_id_l", "unique_id_r"]
    pd.testing.assert_frame_equal(
        spark_run.pairs[[*key, "basis"]], duckdb_run.pairs[[*key, "basis"]]
    )
    assert spark_run.pairs["match_probability"].to_numpy() == pytest.approx(
        duckdb_run.pairs["match_probability"].to_numpy(), rel=1e-6
    )
    assert spark_run.review[[*key, "reason"]].equals(duckdb_run.review[[*key, "reason"]])
    assert spark_run.probability_two_random_records_match == pytest.approx(
        duckdb_run.probability_two_random_records_match, rel=1e-6
    )
