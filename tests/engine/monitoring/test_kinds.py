"""The kind registry: one place defines a kind; the validator, the SQL, the scoring's dated
kinds and the reference page (docs/indicators.md) all follow it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from doudi.engine.monitoring import kinds
from doudi.engine.monitoring.kinds.__main__ import main as kinds_main
from doudi.engine.monitoring.policy import Policy, PolicyError, default_policy

ROOT = Path(__file__).resolve().parents[3]

PENSION = {
    "id": "pension_paid",
    "dimension": "economic",
    "kind": "pension_paid",
    "params": {"min_monthly": 1000},
    "points": 7,
    "label_zh": "领取养老金",
    "label_en": "A pension being paid",
}


def _policy_with(indicator: dict) -> dict:
    doc = copy.deepcopy(default_policy())
    doc["indicators"].append(indicator)
    return doc


def test_docs_indicators_md_is_current():
    expected = kinds.reference_markdown()
    assert (ROOT / "docs/indicators.md").read_text(encoding="utf-8") == expected, (
        "docs/indicators.md is stale: run "
        "`python -m doudi.engine.monitoring.kinds --out docs/indicators.md`"
    )


def test_the_generator_writes_the_page(tmp_path):
    out = tmp_path / "indicators.md"
    assert kinds_main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == kinds.reference_markdown()


def test_builtin_kinds_each_live_in_their_dimension_module():
    indicator, trigger = kinds.kinds("indicator"), kinds.kinds("trigger")
    assert (len(indicator), len(trigger)) == (28, 3)
    for k in [*indicator.values(), *trigger.values()]:
        assert k.module == f"doudi.engine.monitoring.kinds.{k.dimension}", k.name
    assert sorted(kinds.dated_kinds()) == [
        "chronic_disease",
        "disability",
        "disabled_elderly_carers",
        "disaster",
        "earner_death",
        "fangfanpin_monitored",
        "hardship_worker",
        "income_stopped",
        "inpatient_stays",
        "medical_spending_share",
        "serious_illness",
        "student_aid",
        "sudden_hospitalisation",
        "unemployed_registered",
    ]
    assert sorted(kinds.line_kinds()) == [
        "earnings_below_line",
        "income_below_line",
        "quiet_hardship",
    ]


def test_a_kind_cannot_be_registered_twice_or_with_an_unknown_type_or_dimension():
    def sql(item, ctx):  # pragma: no cover - never called
        return ""

    common = dict(label_zh="x", label_en="x", reference="x")
    with pytest.raises(ValueError, match="indicator kind 'members_aged' is registered twice"):
        kinds.indicator_kind("members_aged", dimension="age", params={}, **common)(sql)
    with pytest.raises(ValueError, match="param 'n' has unknown type 'text'"):
        kinds.indicator_kind("k_bad_type", dimension="age", params={"n": "text"}, **common)
    with pytest.raises(ValueError, match="dimension must be one of"):
        kinds.indicator_kind("k_bad_dim", dimension="wealth", params={}, **common)
    assert "k_bad_type" not in kinds.kinds("indicator")
    assert "k_bad_dim" not in kinds.kinds("indicator")


def test_a_kind_unknown_to_the_registry_is_refused():
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(_policy_with(PENSION))
    assert err.value.messages == ["indicator 'pension_paid': unknown kind 'pension_paid'"]


def test_a_kind_added_in_its_own_module_is_in_the_reference_and_the_validator(pension_kind):
    assert (pension_kind.module, pension_kind.dated) == ("doudi_test_pension_kind", False)
    page = kinds.reference_markdown()
    assert "### `pension_paid` — 领取养老金" in page
    assert "A living member is paid a pension of at least `min_monthly` a month." in page
    assert "| [`pension_paid`](#indicator-pension_paid) | 领取养老金 | min_monthly |" in page
    assert "- **Defined in 定义位置**: `doudi_test_pension_kind`" in page

    policy = Policy.from_dict(_policy_with(PENSION))
    assert policy.indicators[-1].kind == "pension_paid"
    assert policy.indicators[-1].params == {"min_monthly": 1000}
    # its parameters are checked as declared
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(_policy_with({**PENSION, "params": {"min_monthly": "a lot", "x": 1}}))
    assert err.value.messages == [
        "indicator 'pension_paid': kind 'pension_paid' has no param 'x'",
        "indicator 'pension_paid': param 'min_monthly' must be a whole number ≥ 0",
    ]
    # a trigger of an indicator kind is not accepted
    doc = copy.deepcopy(default_policy())
    doc["triggers"].append(
        {
            "id": "t_pension",
            "kind": "pension_paid",
            "params": {"min_monthly": 1},
            "raise_to": "watch",
            "label_zh": "x",
            "label_en": "x",
        }
    )
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(doc)
    assert err.value.messages == ["trigger 't_pension': unknown kind 'pension_paid'"]


def test_once_removed_the_kind_is_gone_from_the_reference(pension_kind):
    kinds.unregister("pension_paid")
    assert "pension_paid" not in kinds.reference_markdown()
