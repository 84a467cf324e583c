"""A small district where Splink's EM cannot fit: fixed m-probabilities instead, said in the
model the run stores (issue 14)."""

from __future__ import annotations

import math

import pytest

from doudi.engine.linkage import model as model_lib
from doudi.engine.linkage import pipeline
from doudi.engine.linkage.pipeline import link


def _level(m, *, null=False):
    return {"sql_condition": "x", "m_probability": m, "u_probability": 0.01, "is_null_level": null}


def test_a_comparison_left_with_m_zero_gets_fixed_m_probabilities():
    model = {
        "comparisons": [
            {
                "output_column_name": "sex",
                "comparison_levels": [_level(None, null=True), _level(0.98), _level(0.02)],
            },
            {
                "output_column_name": "phone",
                "comparison_levels": [
                    _level(None, null=True),
                    _level(0.7),
                    _level(0.0),
                    _level(0.3),
                ],
            },
        ]
    }
    fixed, names = model_lib.fix_m_probabilities(model)
    assert names == ["phone"]
    assert [lv["m_probability"] for lv in fixed["comparisons"][0]["comparison_levels"]] == [
        None,
        0.98,
        0.02,
    ]
    phone = [lv["m_probability"] for lv in fixed["comparisons"][1]["comparison_levels"]]
    assert phone[0] is None
    assert phone[1:] == pytest.approx([1 / 1.11, 0.1 / 1.11, 0.01 / 1.11])
    assert model["comparisons"][1]["comparison_levels"][2]["m_probability"] == 0.0  # not mutated


def test_linking_falls_back_when_em_fails_and_the_model_says_so(district_records, monkeypatch):
    def em_cannot_fit(linker, **kwargs):
        linker.training.estimate_u_using_random_sampling(max_pairs=kwargs["u_max_pairs"], seed=1)
        raise ValueError("m probability of 0")

    monkeypatch.setattr(pipeline, "_train", em_cannot_fit)
    result = link(district_records)
    assert result.model[model_lib.FALLBACK_KEY] == ["all (EM failed: ValueError)"]
    for comparison in result.model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert 0 < level["m_probability"] <= 1 and math.isfinite(level["m_probability"])
    assert set(result.clusters["unique_id"]) == set(district_records["unique_id"])
    # records sharing a valid ID are still one person
    assert result.pairs["basis"].eq("id").any()
    # the stored model is reused as it is, and still says it was not fitted by EM
    again = link(district_records, model=result.model)
    assert again.model[model_lib.FALLBACK_KEY] == ["all (EM failed: ValueError)"]
