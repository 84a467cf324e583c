"""The monitoring policy document: validation (every problem, exact messages), the shipped
default, round trip and the choice of an area parameter by area code and date."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from doudi.engine.monitoring import Policy, PolicyError, default_policy


def _errors(doc) -> list[str]:
    with pytest.raises(PolicyError) as exc:
        Policy.from_dict(doc)
    return exc.value.messages


def test_the_default_policy_is_valid_and_round_trips():
    policy = Policy.from_dict(default_policy())
    assert [d.id for d in policy.dimensions] == [
        "age",
        "economic",
        "health",
        "disability_care",
        "employment_education",
        "sudden_event",
    ]
    assert [(b.level, b.label_zh, b.min_score) for b in policy.bands] == [
        ("watch", "关注", 25.0),
        ("warning", "预警", 50.0),
        ("urgent", "紧急", 90.0),
    ]
    again = Policy.from_dict(policy.to_dict())
    assert again == policy
    assert again.version == policy.version
    # no real Wuhan amount is shipped: every money value is labelled a synthetic demo value
    money = [p for p in policy.area_parameters if p.unit.startswith("fen")]
    assert money and all(p.source.startswith("synthetic demo value") for p in money)
    assert all(p.value != 98000 for p in money)


def test_a_changed_document_has_another_version():
    doc = default_policy()
    doc["bands"][0]["min_score"] = 31
    assert Policy.from_dict(doc).version != Policy.from_dict(default_policy()).version


def test_every_problem_is_listed_with_its_exact_message():
    doc = default_policy()
    doc["surprise"] = 1
    doc["dimensions"][0]["cap"] = 0
    doc["dimensions"].pop()  # sudden_event
    doc["indicators"][0]["kind"] = "horoscope"
    doc["indicators"][1]["params"] = {"min_age": "sixty", "colour": 1}
    doc["indicators"][2]["dimension"] = "luck"
    doc["indicators"][3]["points"] = 500
    doc["indicators"][4]["id"] = doc["indicators"][3]["id"]
    doc["bands"][1]["min_score"] = 20
    doc["triggers"][0]["raise_to"] = "panic"
    doc["suppression"][0]["category"] = "vip"
    doc["suppression"][1]["answers"] = ["nothing"]
    doc["area_parameters"][0]["effective_from"] = "2024-13-01"
    doc["area_parameters"][1]["area_code"] = "42x1"
    doc["combination"]["model_weight"] = 2
    doc["model"]["min_outcomes"] = 0
    assert _errors(doc) == [
        "policy: unknown key 'surprise'",
        "dimensions[0]: cap must be a number in (0, 100]",
        "dimensions: missing sudden_event",
        "indicator 'age_80_plus': unknown kind 'horoscope'",
        "indicator 'elderly_alone': kind 'elderly_alone' has no param 'colour'",
        "indicator 'elderly_alone': param 'min_age' must be a whole number ≥ 0",
        "indicator 'elderly_only': unknown dimension 'luck'",
        "indicator 'high_dependency': points must be a number in [-100, 100]",
        "indicator 'disaster_victim': unknown dimension 'sudden_event'",
        "indicator 'earner_death': unknown dimension 'sudden_event'",
        "indicator 'sudden_hospitalisation': unknown dimension 'sudden_event'",
        "indicator 'hardship_worker': unknown dimension 'sudden_event'",
        "indicators: duplicate id 'high_dependency'",
        "bands: min_score must increase strictly from the first band to the last",
        "trigger 'earner_death_with_minors': raise_to 'panic' is not a band level",
        "suppression[0]: unknown category 'vip'",
        "suppression[1]: 'nothing' is neither a dimension nor an indicator",
        "suppression[3]: 'sudden_event' is neither a dimension nor an indicator",
        "area_parameters[0]: effective_from must be a date (YYYY-MM-DD)",
        "area_parameters[1]: area_code must be 2, 4, 6, 9 or 12 digits",
        "combination: model_weight must be a number in [0, 1]",
        "model: min_outcomes must be a whole number ≥ 1",
    ]


def test_a_rate_naming_a_missing_area_parameter_and_a_missing_standard_are_errors():
    doc = default_policy()
    doc["indicators"] = [i for i in doc["indicators"] if i["id"] != "age_80_plus"]
    doc["area_parameters"] = [
        p
        for p in doc["area_parameters"]
        if p["name"] not in ("dibao_standard", "dibian_multiplier")
    ]
    assert _errors(doc) == [
        "indicator 'income_below_dibian': param 'multiplier' names no area parameter "
        "'dibian_multiplier'",
        "indicator 'quiet_hardship': param 'multiplier' names no area parameter "
        "'dibian_multiplier'",
        "trigger 'earner_death_with_minors': resource_ratio names no area parameter "
        "'dibian_multiplier'; give a number or add the parameter",
        "trigger 'disaster_home_lost': resource_ratio names no area parameter "
        "'dibian_multiplier'; give a number or add the parameter",
        "area_parameters: 'dibao_standard' is required",
    ]


def test_a_trigger_s_resources_check_is_validated_and_left_out_at_its_defaults():
    doc = default_policy()
    trig = next(t for t in doc["triggers"] if t["id"] == "earner_death_with_minors")
    trig.update(requires_low_resources="yes", resource_ratio=-1, points=150)
    assert _errors(doc) == [
        "trigger 'earner_death_with_minors': requires_low_resources must be true or false",
        "trigger 'earner_death_with_minors': resource_ratio must be a number ≥ 0 or an area "
        "parameter name",
        "trigger 'earner_death_with_minors': points must be a number in [0, 100]",
    ]
    doc = default_policy()
    policy = Policy.from_dict(doc)
    by_id = {t.id: t for t in policy.triggers}
    assert by_id["earner_death_with_minors"].requires_low_resources is True
    assert by_id["earner_death_with_minors"].resource_ratio == "dibian_multiplier"
    assert by_id["earner_death_with_minors"].points == 20.0
    plain = by_id["severe_disability_without_carer"]
    assert (plain.requires_low_resources, plain.resource_ratio, plain.points) == (False, 1.0, 0.0)
    # a trigger without the check keeps the document it had: no keys at their defaults
    out = {t["id"]: t for t in policy.to_dict()["triggers"]}
    assert set(out["severe_disability_without_carer"]) == {
        "id",
        "kind",
        "params",
        "raise_to",
        "label_zh",
        "label_en",
    }
    assert out["earner_death_with_minors"]["points"] == 20.0
    assert Policy.from_dict(policy.to_dict()).version == policy.version


def test_empty_and_malformed_sections():
    assert _errors({}) == [
        "dimensions: must be a non-empty list",
        "indicators: must be a non-empty list",
        "bands: must be a non-empty list",
        "triggers: must be a list",
        "suppression: must be a list",
        "area_parameters: must be a non-empty list",
        "combination: must be a mapping",
        "model: must be a mapping",
    ]
    assert _errors([]) == ["policy: must be a mapping"]


def _with_standards(*rows) -> Policy:
    doc = default_policy()
    doc["area_parameters"] = [p for p in doc["area_parameters"] if p["name"] != "dibao_standard"]
    doc["area_parameters"] += [
        {
            "name": "dibao_standard",
            "area_code": code,
            "value": value,
            "unit": "fen per person per month",
            "effective_from": day,
            "source": "test",
        }
        for code, value, day in rows
    ]
    return Policy.from_dict(doc)


def test_area_parameter_latest_effective_date_then_most_specific_area():
    policy = _with_standards(
        ("4201", 90000, "2024-01-01"),
        ("4201", 95000, "2025-07-01"),
        ("420106", 99000, "2026-01-01"),
        ("420106001001", 120000, "2027-01-01"),
    )
    wuchang = "420106001001"
    with pytest.raises(KeyError):
        policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2023, 12, 31))
    assert policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2024, 1, 1)) == 90000
    assert policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2025, 6, 30)) == 90000
    assert policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2025, 7, 1)) == 95000
    # the district's own value wins over the city's from its date on ...
    assert policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2026, 1, 1)) == 99000
    # ... and the community's, once in force, over both
    assert policy.parameter("dibao_standard", area_code=wuchang, on=dt.date(2027, 1, 1)) == 120000
    # another district of the city keeps the city's value
    assert policy.parameter("dibao_standard", area_code="420111", on=dt.date(2027, 1, 1)) == 95000
    with pytest.raises(KeyError):
        policy.parameter("dibao_standard", area_code="420202", on=dt.date(2027, 1, 1))


def test_the_same_parameter_twice_on_one_date_is_an_error():
    doc = default_policy()
    doc["area_parameters"].append(copy.deepcopy(doc["area_parameters"][0]))
    assert _errors(doc) == [
        "area_parameters: 'dibao_standard' for 4201 from 2024-01-01 is given twice"
    ]
