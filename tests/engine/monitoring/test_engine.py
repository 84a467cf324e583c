"""The engine on a hand-made lake: each indicator kind, suppression, a trigger, explanations,
tags and determinism — exact values. The test plays identity resolution (``_pk``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from doudi.engine.idnumber import make
from doudi.engine.intake.pipeline import ingest_records
from doudi.engine.lake import Lake
from doudi.engine.monitoring import Policy, default_policy, monitor
from tests.engine.monitoring.lakes import lake_of_records

AS_OF = dt.date(2026, 11, 1)
COMMUNITY = "420106001001"


def _id(pk: int, birth: str) -> str:
    return make("420106", dt.date.fromisoformat(birth), 100 + pk)


BIRTH = {
    1: "1970-05-01",
    2: "1972-03-01",  # H1 on 低保, illness before
    3: "1968-01-01",
    4: "2012-02-02",  # H2 on 低保, illness after
    5: "1985-06-01",
    6: "2015-09-01",
    7: "1987-01-01",  # H3 earner died, a minor
    8: "1943-04-04",  # H4 elderly alone, pension
    9: "1980-01-01",
    10: "1982-01-01",  # H5 good wage: nothing fires
    11: "1975-01-01",  # H6 contributions stopped
    12: "1950-01-01",
    13: "1952-01-01",  # H7 severe disability, old carer
}
HOUSEHOLD = {
    1: "H1",
    2: "H1",
    3: "H2",
    4: "H2",
    5: "H3",
    6: "H3",
    7: "H3",
    8: "H4",
    9: "H5",
    10: "H5",
    11: "H6",
    12: "H7",
    13: "H7",
}
HEAD = {1, 3, 5, 8, 9, 11, 12}


def _hukou(pk):
    relation = "户主" if pk in HEAD else ("子" if pk in (4, 6) else "配偶")
    return {
        "person_no": f"P{pk:02d}",
        "hukou_no": f"10000000{HOUSEHOLD[pk][1]}",
        "name": f"居民{pk}",
        "id_number": _id(pk, BIRTH[pk]),
        "birth_date": BIRTH[pk],
        "relation": relation,
        "community_code": COMMUNITY,
        "street_name": "积玉桥街道",
        "_pk": pk,
    }


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _contribution(pk, month, base):
    return {
        "serial": f"C{pk:02d}{month}",
        "id_number": _id(pk, BIRTH[pk]),
        "name": f"居民{pk}",
        "insurance": "企业职工基本养老保险",
        "month": month,
        "wage_base": base,
        "_pk": pk,
    }


def _dibao_recipient(pk: int, hukou_no: str) -> dict[str, object]:
    """A 民政 recipient record: person ``pk`` on 低保 (在保 since 2025) in ``hukou_no``."""
    return {
        "recipient_no": f"R{pk:02d}",
        "hukou_no": hukou_no,
        "id_number": _id(pk, BIRTH[pk]),
        "name": f"居民{pk}",
        "category": "低保",
        "status": "在保",
        "start_date": "2025-01-01",
        "monthly_amount": 600,
        "_pk": pk,
    }


RECORDS = {
    "gongan_hukou": [_hukou(pk) for pk in BIRTH],
    "minzheng_recipients": [
        _dibao_recipient(pk, f"10000000{HOUSEHOLD[pk][1]}") for pk in (1, 2, 3, 4)
    ],
    "weijian_diagnosis": [
        {
            "report_no": "D1",
            "id_number": _id(1, BIRTH[1]),
            "name": "居民1",
            "disease": "肺癌",
            "icd_code": "C34",
            "diagnosis_date": "2024-11-15",
            "_pk": 1,
        },
        {
            "report_no": "D3",
            "id_number": _id(3, BIRTH[3]),
            "name": "居民3",
            "disease": "肺癌",
            "icd_code": "C34",
            "diagnosis_date": "2026-06-01",
            "_pk": 3,
        },
    ],
    "weijian_death": [
        {
            "cert_no": "W5",
            "id_number": _id(5, BIRTH[5]),
            "name": "居民5",
            "death_date": "2026-08-01",
            "_pk": 5,
        },
    ],
    "renshe_pension": [
        {
            "pension_no": "PN8",
            "id_number": _id(8, BIRTH[8]),
            "name": "居民8",
            "scheme": "职工",
            "start_month": "2003-05",
            "monthly_amount": 3000,
            "status": "正常发放",
            "_pk": 8,
        },
    ],
    "renshe_contribution": (
        [_contribution(9, m, 8000) for m in _months("2025-11", "2026-10")]
        + [_contribution(11, m, 4000) for m in _months("2026-01", "2026-07")]
        + [_contribution(5, m, 5000) for m in _months("2025-11", "2026-07")]
    ),
    "canlian_disability": [
        {
            "cert_no": "CJ12",
            "id_number": _id(12, BIRTH[12]),
            "name": "居民12",
            "disability_type": "肢体",
            "disability_grade": 1,
            "issue_date": "2020-01-01",
            "_pk": 12,
        },
    ],
}


@pytest.fixture(scope="module")
def lake_and_persons(tmp_path_factory):
    return lake_of_records(tmp_path_factory.mktemp("mon_lake"), RECORDS, today=AS_OF)


def recorded_policy() -> dict:
    """The default policy as if every income estimate rested on records: the hand-made
    households' working-age members have none, and these tests read the income indicators
    (the income gate and ``income_unrecorded`` are tested in test_resources.py)."""
    doc = default_policy()
    doc["indicators"] = [i for i in doc["indicators"] if i["kind"] != "income_unrecorded"]
    for i in doc["indicators"]:
        i["params"].pop("max_unknown_share", None)
    for rule in doc["suppression"]:
        rule["answers"] = [a for a in rule["answers"] if a != "income_unrecorded"]
    return doc


def _run(lake_and_persons, policy=None, **kw):
    lake, catalogue, persons = lake_and_persons
    policy = policy or Policy.from_dict(recorded_policy())
    return monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF, **kw)


def _by_household(result) -> dict:
    return {r.hukou_no: r for r in result.households.itertuples(index=False)}


def test_indicators_levels_and_reasons(lake_and_persons):
    steps = []
    result = _run(lake_and_persons, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    rows = _by_household(result)
    assert sorted(rows) == [
        "100000001",
        "100000002",
        "100000003",
        "100000004",
        "100000006",
        "100000007",
    ]
    summary = {h: (r.score, r.level, r.reasons, r.suppressed, r.trigger) for h, r in rows.items()}
    assert summary == {
        # on 低保: the income indicators are suppressed (the help answers them); the serious
        # illness is not answered by 低保 at all
        "100000001": (
            15.0,
            None,
            ["serious_illness"],
            ["income_below_dibao", "income_below_dibian", "income_below_double", "low_earnings"],
            None,
        ),
        # one adult and a minor, no income: quiet hardship too, answered by 低保 as well
        "100000002": (
            15.0,
            None,
            ["serious_illness"],
            [
                "income_below_dibao",
                "income_below_dibian",
                "income_below_double",
                "low_earnings",
                "quiet_hardship",
            ],
            None,
        ),
        # the main earner died, a minor at home: 45 (income, capped) + 20 = 65, a warning by
        # score; nothing left (no other income, no help held): the trigger raises it to urgent
        "100000003": (
            65.0,
            "urgent",
            [
                "income_below_dibao",
                "income_below_dibian",
                "income_below_double",
                "low_earnings",
                "quiet_hardship",
                "earner_death",
            ],
            [],
            "earner_death_with_minors",
        ),
        # 83 and alone on a 3,000-yuan pension: age only
        "100000004": (12.0, None, ["age_80_plus", "elderly_alone"], [], None),
        # contributions stopped after July; 3 × 4,000 yuan over 6 months = 2,000 yuan a head,
        # above twice the 低保 standard (1,900); two weak signals (contributions lapsed, a
        # single adult) make quiet hardship: 10 + 5
        "100000006": (15.0, None, ["income_stopped", "quiet_hardship"], [], None),
        # grade-1 disability, the only carer 74: 4 + 45 + (12 + 4 + 8) = 73, a warning by
        # score (urgent is 90); the trigger raises to warning, which it already is
        "100000007": (
            73.0,
            "warning",
            [
                "elderly_only",
                "income_below_dibao",
                "income_below_dibian",
                "income_below_double",
                "low_earnings",
                "severe_disability",
                "disability_any",
                "disabled_elderly_carers",
            ],
            [],
            "severe_disability_without_carer",
        ),
    }
    assert result.counts["warnings"] == 2
    assert result.counts["by_level"] == {"watch": 0, "warning": 1, "urgent": 1}


def test_explanation_carries_facts_dimensions_and_suppression(lake_and_persons):
    rows = _by_household(_run(lake_and_persons))
    e = rows["100000003"].explanation
    json.dumps(e)  # JSON-serialisable
    assert e["dimensions"]["sudden_event"] == {"points": 20.0, "cap": 30.0}
    assert e["dimensions"]["economic"] == {"points": 45.0, "cap": 45.0}
    death = next(i for i in e["indicators"] if i["id"] == "earner_death")
    assert death["facts"] == [
        {
            "feed": "weijian_death",
            "record_key": "W5",
            "date": "2026-08-01",
            "amount": 41,
            "label": "户主",
        }
    ]
    assert e["trigger"] == {
        "id": "earner_death_with_minors",
        "raise_to": "urgent",
        "facts": death["facts"],
    }
    income = next(i for i in e["indicators"] if i["id"] == "income_below_dibao")
    # the dead earner's wage no longer counts: the household has no income
    assert (income["value"], income["facts"]) == (0, [])
    e1 = rows["100000001"].explanation
    assert e1["helps"] == {"dibao": "2025-01-01"}
    assert [(s["id"], s["suppressed_by"]) for s in e1["suppressed"]][:1] == [
        ("income_below_dibao", {"category": "dibao", "help_start": "2025-01-01"})
    ]
    text = json.dumps([r.explanation for r in rows.values()], ensure_ascii=False)
    assert "居民" not in text and _id(1, BIRTH[1]) not in text  # no names, no ID numbers
    # below every band and holding no help: shown to nobody, so no explanation is built;
    # below every band but on a help: explained, to show what the help answers
    assert {h: r.explanation is None for h, r in rows.items() if r.level is None} == {
        "100000001": False,
        "100000002": False,
        "100000004": True,
        "100000006": True,
    }


def test_a_new_cause_after_the_help_started_is_warned(lake_and_persons):
    doc = recorded_policy()
    doc["suppression"][0]["answers"] = ["economic", "health"]  # 低保 answers illness too
    rows = _by_household(_run(lake_and_persons, Policy.from_dict(doc)))
    # diagnosed 2024-11-15, before 低保 began on 2025-01-01: suppressed, no row left to warn
    assert rows["100000001"].reasons == []
    assert rows["100000001"].suppressed == [
        "income_below_dibao",
        "income_below_dibian",
        "income_below_double",
        "low_earnings",
        "serious_illness",
    ]
    # diagnosed 2026-06-01, after 低保 began: a new cause, warned
    assert rows["100000002"].reasons == ["serious_illness"]
    assert rows["100000002"].explanation["indicators"][0]["onset"] == "2026-06-01"


def test_person_tags(lake_and_persons):
    tags = _run(lake_and_persons).persons_tags
    feed_tags = tags[tags["source"] != "computed"]
    assert feed_tags.values.tolist() == [
        [1, "dibao", dt.date(2025, 1, 1), None, "minzheng_recipients"],
        [2, "dibao", dt.date(2025, 1, 1), None, "minzheng_recipients"],
        [3, "dibao", dt.date(2025, 1, 1), None, "minzheng_recipients"],
        [4, "dibao", dt.date(2025, 1, 1), None, "minzheng_recipients"],
    ]


def test_same_inputs_identical_output(lake_and_persons):
    a, b = _run(lake_and_persons), _run(lake_and_persons)
    pd.testing.assert_frame_equal(a.households, b.households)
    pd.testing.assert_frame_equal(a.persons_tags, b.persons_tags)
    assert a.counts == b.counts


def test_columns_read_as_arrays_or_as_a_frame_give_the_same_results(lake_and_persons, monkeypatch):
    # DuckDB hands results over as numpy arrays, masked where missing; Spark as a frame
    from doudi.engine.backends import DuckDBBackend, SqlBackend

    arrays = _run(lake_and_persons)
    monkeypatch.setattr(DuckDBBackend, "fetch_arrays", SqlBackend.fetch_arrays)
    frame = _run(lake_and_persons)
    for name in ("households", "persons_tags", "features", "household_facts"):
        pd.testing.assert_frame_equal(getattr(frame, name), getattr(arrays, name))
    assert frame.counts == arrays.counts
    facts = arrays.household_facts.set_index("hukou_no")
    assert facts.loc["100000004", "pension_min"] == 300000  # a value, not missing
    assert pd.isna(facts.loc["100000005", "pension_min"])  # no pension: missing, not 0


def test_backend_columns_to_engine_types():
    import numpy as np

    from doudi.engine.monitoring.indicators import floats, ints, objects, texts

    masked = np.ma.MaskedArray([3.0, 0.0, 7.0], mask=[False, True, False])
    assert ints(masked).tolist() == [3, 0, 7]
    assert ints(masked, nullable=True).tolist() == [3, pd.NA, 7]
    assert ints(pd.Series([2, None, 5], dtype=object), nullable=True).tolist() == [2, pd.NA, 5]
    assert ints(pd.Series([1.0, float("nan")])).tolist() == [1, 0]
    assert np.array_equal(floats(masked), [3.0, np.nan, 7.0], equal_nan=True)
    assert np.array_equal(floats(pd.Series([2, None], dtype=object)), [2.0, np.nan], equal_nan=True)
    words = np.ma.MaskedArray(np.array(["a", "b", "c"], dtype=object), mask=[False, True, False])
    assert objects(words).tolist() == ["a", None, "c"]
    assert objects(pd.Series(["x", None])).tolist() == ["x", None]
    assert texts(words).tolist() == ["a", "None", "c"]  # as astype(str) gives it
    assert texts(np.array(["p", "q"], dtype=object)).tolist() == ["p", "q"]
    # an object array as DuckDB gives a column without NULLs: taken as it is when nothing is
    # missing, else a copy with None (NaN too) — the array given is left as it was
    plain = np.array(["p", "q"], dtype=object)
    assert objects(plain) is plain
    gappy = np.array(["p", None, float("nan")], dtype=object)
    assert objects(gappy).tolist() == ["p", None, None]
    assert texts(gappy).tolist() == ["p", "None", "None"]
    assert gappy[0] == "p" and gappy[1] is None and np.isnan(gappy[2])
    # a masked column of numbers keeps a NaN it holds unmasked, as before
    numbers = np.ma.MaskedArray([1.0, float("nan"), 3.0], mask=[False, False, True])
    out = objects(numbers)
    assert out[0] == 1.0 and np.isnan(out[1]) and out[2] is None


def test_households_frame_overrides_the_register(lake_and_persons):
    # person 11 moved into H4's household: the stopped contributions now count there
    households = pd.DataFrame(
        {
            "person_key": list(BIRTH),
            "hukou_no": [
                f"10000000{HOUSEHOLD[pk][1]}" if pk != 11 else "100000004" for pk in BIRTH
            ],
        }
    )
    rows = _by_household(_run(lake_and_persons, households=households))
    assert "100000006" not in rows
    assert rows["100000004"].reasons == ["age_80_plus", "income_stopped"]


def test_household_profile_and_model_features(lake_and_persons):
    result = _run(lake_and_persons)
    facts = result.household_facts.set_index("hukou_no")
    cols = [
        "max_month_wage",
        "n_earners_3m",
        "wage_months",
        "pension_sum",
        "pension_min",
        "n_resident_pension",
        "n_disabled",
        "min_disability_grade",
        "days_since_disability",
        "days_since_diagnosis",
        "n_homes",
        "max_home_price",
    ]
    profile = {
        h: [None if pd.isna(v) else int(v) for v in row]
        for h, row in zip(facts.index, facts[cols].itertuples(index=False), strict=True)
    }
    since = (AS_OF - dt.date(2020, 1, 1)).days  # grade-1 certificate issued 2020-01-01
    assert profile == {
        # diagnosed 2024-11-15 (716 days before) and 2026-06-01 (153)
        "100000001": [0, 0, 0, 0, None, 0, 0, None, None, 716, 0, None],
        "100000002": [0, 0, 0, 0, None, 0, 0, None, None, 153, 0, None],
        # the earner's wages stop with his death: a deceased member counts for nothing
        "100000003": [0, 0, 0, 0, None, 0, 0, None, None, None, 0, None],
        # amounts in fen (the records give yuan, as departments do)
        "100000004": [0, 0, 0, 300000, 300000, 0, 0, None, None, None, 0, None],
        # 8,000 yuan in each of the 12 months, still paid in the last three
        "100000005": [800000, 1, 12, 0, None, 0, 0, None, None, None, 0, None],
        # January to July only: no wage in the last three months
        "100000006": [400000, 0, 7, 0, None, 0, 0, None, None, None, 0, None],
        "100000007": [0, 0, 0, 0, None, 0, 1, 1, since, None, 0, None],
    }
    feats = result.features  # households with a row only; missing facts are -1 for the model
    assert feats.loc[
        "100000001", ["holds_dibao", "holds_tekun", "days_since_diagnosis", "max_home_price"]
    ].tolist() == [1.0, 0.0, 716.0, -1.0]
    assert feats.loc[
        "100000007", ["holds_dibao", "min_disability_grade", "days_since_disability"]
    ].tolist() == [0.0, 1.0, since]
    from doudi.engine.monitoring.model import FEATURES

    assert [c for c in feats.columns if not c.startswith("ind_")] == list(FEATURES)


def test_help_review_keeps_a_household_only_the_model_flags_on_the_lowest_band(lake_and_persons):
    from doudi.engine.monitoring.model import train

    doc = recorded_policy()
    doc["model"]["min_outcomes"] = 5
    for rule in doc["suppression"]:  # 低保 here also answers illness known before it began
        if rule["category"] == "dibao":
            rule["answers"] = [*rule["answers"], "health"]
    policy = Policy.from_dict(doc)
    first = _run(lake_and_persons, policy=policy)
    # six households visited, five confirmed: the model scores every household 5/6
    outcomes = pd.Series({h: h != "100000004" for h in first.features.index})
    model, evaluation = train(first.features, outcomes, min_outcomes=5)
    assert (evaluation["status"], evaluation["outcomes"]) == ("on", 6)
    rows = _by_household(_run(lake_and_persons, policy=policy, model=model))
    got = {h: (r.score, r.level, r.reasons, r.explanation["help_review"]) for h, r in rows.items()}
    assert got == {
        # everything that fired (income, the illness diagnosed before 低保 began) is answered:
        # score 62.5 would be a 预警; it stays 关注, for the review of its help
        "100000001": (62.5, "watch", [], True),
        # the illness diagnosed after 低保 began is a new cause: warned by score
        "100000002": (66.3, "warning", ["serious_illness"], False),
        "100000003": (
            78.8,
            "urgent",
            [
                "income_below_dibao",
                "income_below_dibian",
                "income_below_double",
                "low_earnings",
                "quiet_hardship",
                "earner_death",
            ],
            False,
        ),
        "100000004": (65.5, "warning", ["age_80_plus", "elderly_alone"], False),
        "100000006": (66.3, "warning", ["income_stopped", "quiet_hardship"], False),
        "100000007": (
            80.8,
            "warning",
            [
                "elderly_only",
                "income_below_dibao",
                "income_below_dibian",
                "income_below_double",
                "low_earnings",
                "severe_disability",
                "disability_any",
                "disabled_elderly_carers",
            ],
            False,
        ),
    }


def test_help_review_a_live_counter_indicator_is_no_reason_to_warn(lake_and_persons):
    from doudi.engine.monitoring.model import train

    doc = recorded_policy()
    doc["model"]["min_outcomes"] = 5
    for ind in doc["indicators"]:  # the illness made a counter-indicator, for the rule's sake
        if ind["id"] == "serious_illness":
            ind["points"] = -1
    policy = Policy.from_dict(doc)
    first = _run(lake_and_persons, policy=policy)
    outcomes = pd.Series({h: h != "100000004" for h in first.features.index})
    model, _ = train(first.features, outcomes, min_outcomes=5)
    rows = _by_household(_run(lake_and_persons, policy=policy, model=model))
    # H1 and H2: income answered by 低保; the unsuppressed illness now takes points away
    got = {
        h: (rows[h].level, rows[h].reasons, rows[h].explanation["help_review"])
        for h in ("100000001", "100000002")
    }
    assert got == {
        "100000001": ("watch", ["serious_illness"], True),
        "100000002": ("watch", ["serious_illness"], True),
    }


def _answering_policy(*, help_review: bool = True, min_outcomes: int = 300) -> Policy:
    """The recorded policy where 低保 also answers illness known before it began: H1's income
    indicators and its illness (diagnosed 2024, 低保 from 2025) are all answered by its help,
    while H2's illness (diagnosed 2026) is a new cause."""
    doc = recorded_policy()
    doc["model"]["min_outcomes"] = min_outcomes
    doc["combination"]["help_review"] = help_review
    for rule in doc["suppression"]:
        if rule["category"] == "dibao":
            rule["answers"] = [*rule["answers"], "health"]
    return Policy.from_dict(doc)


ANSWERED_H1 = [
    "income_below_dibao",
    "income_below_dibian",
    "income_below_double",
    "low_earnings",
    "serious_illness",
]


def _review_rows(result) -> dict:
    return {
        h: (r.score, r.level, r.reasons, r.explanation["help_review"] if r.explanation else None)
        for h, r in _by_household(result).items()
        if h in ("100000001", "100000002")
    }


def test_help_review_lists_a_dibao_household_whose_answered_income_fires_model_off(
    lake_and_persons,
):
    result = _run(lake_and_persons, policy=_answering_policy())
    assert result.model_status == "off: no model"
    rows = _by_household(result)
    assert rows["100000001"].suppressed == ANSWERED_H1
    assert _review_rows(result) == {
        # everything that fired is answered by 低保: no points, yet listed for its review
        "100000001": (0.0, "watch", [], True),
        # a new cause (the illness after 低保 began) below every band: not a help review
        "100000002": (15.0, None, ["serious_illness"], False),
    }
    assert result.counts["by_level"] == {"watch": 1, "warning": 1, "urgent": 1}
    # the setting off: the behaviour before (listed only when its score gives it a level)
    off = _run(lake_and_persons, policy=_answering_policy(help_review=False))
    assert _review_rows(off) == {
        "100000001": (0.0, None, [], False),
        "100000002": (15.0, None, ["serious_illness"], False),
    }
    assert off.counts["by_level"] == {"watch": 0, "warning": 1, "urgent": 1}


def test_help_review_lists_it_whatever_the_model_says(lake_and_persons):
    from doudi.engine.monitoring.model import train

    policy = _answering_policy(min_outcomes=5)
    first = _run(lake_and_persons, policy=policy)
    # six visits, only the household whose earner died confirmed: the model gives H1 12.5
    outcomes = pd.Series({h: h == "100000003" for h in first.features.index})
    model, evaluation = train(first.features, outcomes, min_outcomes=5)
    assert (evaluation["status"], evaluation["outcomes"]) == ("on", 6)
    on = _run(lake_and_persons, policy=policy, model=model)
    assert on.model_status == "on"
    assert _review_rows(on) == {
        "100000001": (12.5, "watch", [], True),
        "100000002": (16.3, None, ["serious_illness"], False),
    }
    off = _run(
        lake_and_persons, policy=_answering_policy(help_review=False, min_outcomes=5), model=model
    )
    assert _review_rows(off) == {
        "100000001": (12.5, None, [], False),
        "100000002": (16.3, None, ["serious_illness"], False),
    }


def test_help_review_passes_over_a_helped_household_where_nothing_fires(tmp_path):
    # H5 (a good wage: nothing fires) on 低保 as well
    records = dict(RECORDS)
    records["minzheng_recipients"] = [
        *RECORDS["minzheng_recipients"],
        *(_dibao_recipient(pk, "100000005") for pk in (9, 10)),
    ]
    result = _run(lake_of_records(tmp_path, records, today=AS_OF), policy=_answering_policy())
    assert "100000005" in result.helps and result.helps["100000005"] == {"dibao": "2025-01-01"}
    assert "100000005" not in set(result.households["hukou_no"])
    assert _review_rows(result)["100000001"] == (0.0, "watch", [], True)


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.households, b.households)
    pd.testing.assert_frame_equal(a.persons_tags, b.persons_tags)
    pd.testing.assert_frame_equal(a.features, b.features)
    assert a.counts == b.counts


def test_a_keyed_store_gives_the_same_results_while_it_matches_the_lake_and_persons(
    lake_and_persons, tmp_path
):
    from doudi.engine.monitoring import keyed
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.feeds import FEEDS

    fixture_lake, catalogue, persons = lake_and_persons
    lake = Lake(shutil.copytree(fixture_lake.root, tmp_path / "lake"))  # this test adds to it
    store = tmp_path / "keyed.duckdb"
    rows = keyed.build(lake, catalogue, persons, store)
    assert set(rows) == set(FEEDS)
    assert (rows["gongan_hukou"], rows["renshe_contribution"], rows["yibao_inpatient"]) == (
        len(BIRTH),
        len(RECORDS["renshe_contribution"]),
        0,
    )
    plain = _run((lake, catalogue, persons))
    _same(_run((lake, catalogue, persons), keyed=store), plain)
    # the person key stands for who they are: no ID number, name or phone number is stored
    con = duckdb.connect(str(store), read_only=True)
    try:
        stored = {
            feed: [c for (c, *_) in con.execute(f"DESCRIBE {feed}").fetchall()] for feed in FEEDS
        }
    finally:
        con.close()
    assert stored["gongan_hukou"][:3] == ["person_key", "rk", "person_no"]
    assert {"hukou_no", "birth_date", "relation"} <= set(stored["gongan_hukou"])
    for feed in FEEDS:
        identifying = {"id_number", "name", "id_number_raw"} | {
            f.name for f in catalogue[feed].fields if f.type == "phone"
        }
        assert identifying & set(stored[feed]) == set(), feed
        assert "person_key" in stored[feed], feed

    def stored_feeds(people) -> set[str]:
        backend = make_monitor_backend("duckdb", lake, catalogue, keyed=store)
        try:
            return backend.keyed_feeds(people)
        finally:
            backend.close()

    wages = {"wage_rows", "wage_months"}  # the wage sums, summed once in the store
    assert stored_feeds(persons) == set(FEEDS) | wages
    # another link run's persons: nothing is read from the store
    assert stored_feeds(persons.assign(person_key=persons["person_key"] + 100)) == set()
    # two records swapping persons: same count, same key total, still other persons
    swapped = persons.copy()
    first, last = swapped.index[0], swapped.index[-1]
    swapped.loc[[first, last], "person_key"] = swapped.loc[[last, first], "person_key"].to_numpy()
    assert swapped["person_key"].sum() == persons["person_key"].sum()
    assert stored_feeds(swapped) == set()
    # a new delivery of 低保 recipients: household 1's 低保 stopped. That feed is joined
    # again (the store's copy is out of date), the others still come from the store.
    recipients = [
        {k: v for k, v in r.items() if k != "_pk"} for r in RECORDS["minzheng_recipients"]
    ]
    for r in recipients:
        if r["hukou_no"] == "100000001":
            r.update(status="停保", end_date="2026-09-30")
    result = ingest_records(
        recipients, feed_id="minzheng_recipients", lake=lake, catalogue=catalogue, today=AS_OF
    )
    assert result.status == "ingested", result
    assert stored_feeds(persons) == set(FEEDS) - {"minzheng_recipients"} | wages
    now_plain = _run((lake, catalogue, persons))
    assert _by_household(now_plain)["100000001"].suppressed == []  # the help no longer holds
    _same(_run((lake, catalogue, persons), keyed=store), now_plain)
    # a new delivery of a wage feed: its rows and the wage sums are read from the lake again
    contributions = [
        {k: v for k, v in r.items() if k != "_pk"} for r in RECORDS["renshe_contribution"]
    ]
    result = ingest_records(
        contributions[:-1],
        feed_id="renshe_contribution",
        lake=lake,
        catalogue=catalogue,
        today=AS_OF,
    )
    assert result.status == "ingested", result
    assert stored_feeds(persons) == set(FEEDS) - {"minzheng_recipients", "renshe_contribution"}
    now_plain = _run((lake, catalogue, persons))
    _same(_run((lake, catalogue, persons), keyed=store), now_plain)
    # an unreadable store is no store
    store.write_bytes(b"not a database")
    assert stored_feeds(persons) == set()
    _same(_run((lake, catalogue, persons), keyed=store), now_plain)


def test_a_keyed_store_that_fails_half_way_leaves_nothing_behind(
    lake_and_persons, tmp_path, monkeypatch
):
    from doudi.engine.monitoring import keyed

    lake, catalogue, persons = lake_and_persons
    store = tmp_path / "keyed.duckdb"
    real = keyed.keyed_relation_sql

    def broken(feed, key):
        if feed == "renshe_pension":
            raise OSError("disk full")
        return real(feed, key)

    monkeypatch.setattr(keyed, "keyed_relation_sql", broken)
    with pytest.raises(OSError):
        keyed.build(lake, catalogue, persons, store)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    monkeypatch.setattr(keyed, "keyed_relation_sql", real)
    rows = keyed.build(lake, catalogue, persons, store)
    assert (rows["renshe_pension"], sorted(p.name for p in tmp_path.iterdir())) == (
        1,
        ["keyed.duckdb"],
    )


def test_a_kind_registered_in_its_own_module_is_computed_and_scored(lake_and_persons, pension_kind):
    doc = recorded_policy()
    doc["indicators"].append(
        {
            "id": "pension_paid",
            "dimension": "economic",
            "kind": "pension_paid",
            "params": {"min_monthly": 1000},
            "points": 7,
            "label_zh": "领取养老金",
            "label_en": "A pension being paid",
        }
    )
    rows = _by_household(_run(lake_and_persons, Policy.from_dict(doc)))
    fired = sorted(h for h, r in rows.items() if "pension_paid" in r.reasons)
    assert fired == ["100000004"]  # the only pension in the lake: 居民8, 3,000 a month
    r = rows["100000004"]
    assert (r.score, r.reasons) == (19.0, ["age_80_plus", "elderly_alone", "pension_paid"])


def test_explanations_fetch_only_the_facts_from_a_feed_lazily_or_not(lake_and_persons):
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.indicators import compute_indicators
    from doudi.engine.monitoring.scoring import explain_facts

    lake, catalogue, persons = lake_and_persons
    policy = Policy.from_dict(recorded_policy())
    lists = {}
    for lazy in (True, False):
        backend = make_monitor_backend("duckdb", lake, catalogue)
        try:
            tables = compute_indicators(
                backend, persons, policy=policy, as_of=AS_OF, lazy_facts=lazy
            )
            households = sorted(set(tables.fired["hukou_no"]))
            lists[lazy] = (
                tables.fact_lists_of(households),
                tables.fact_lists_of(households, sourced=True),
            )
        finally:
            backend.close()
    every, sourced = lists[True]
    from_feed = [n for n, feed in enumerate(every["feed"]) if feed is not None]
    # the hand-made lake has both: facts from a feed and facts without one
    assert 0 < len(from_feed) < len(every["feed"])
    assert sourced == {c: [values[n] for n in from_feed] for c, values in every.items()}
    assert lists[False] == lists[True]  # the facts kept as a frame give the same lists
    # an explanation lists the same facts either way
    listed = {k: v for k, v in explain_facts(every, "indicator").items() if v}
    assert explain_facts(sourced, "indicator") == listed


def test_the_household_profile_computed_beside_the_run_is_the_same(lake_and_persons):
    from doudi.engine.backends import DuckDBBackend
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.indicators import PROFILE_COLUMNS, compute_indicators

    lake, catalogue, persons = lake_and_persons
    policy = Policy.from_dict(recorded_policy())
    frames = {}
    for name, opened in (
        # the monitoring backend: shared tables, the profile on a second cursor in a thread
        ("beside", lambda: make_monitor_backend("duckdb", lake, catalogue)),
        # temporary tables: the profile runs in turn, as on Spark
        ("in turn", lambda: DuckDBBackend.on_lake(lake, catalogue)),
    ):
        backend = opened()
        try:
            tables = compute_indicators(
                backend, persons, policy=policy, as_of=AS_OF, defer_profile=True
            )
            assert tables.profile is not None
            assert not set(PROFILE_COLUMNS) & set(tables.households.columns)
            tables.complete_profile()
            assert tables.profile is None
            frames[name] = tables.households
        finally:
            backend.close()
    pd.testing.assert_frame_equal(frames["beside"], frames["in turn"])
    columns = list(frames["beside"].columns)
    at = columns.index("street") + 1
    assert columns[at : at + len(PROFILE_COLUMNS)] == list(PROFILE_COLUMNS)
    # the hand-made lake has profile facts: the comparison is not of empty columns
    assert frames["beside"]["n_disabled"].sum() > 0
    assert frames["beside"]["days_since_disability"].notna().any()


def test_a_run_without_features_scores_the_same_and_computes_no_profile(lake_and_persons):
    from doudi.engine.monitoring.indicators import PROFILE_COLUMNS

    kept = _run(lake_and_persons)
    bare = _run(lake_and_persons, features=False)
    assert len(kept.features) and not len(bare.features)
    assert list(bare.features.columns) == [] and bare.features.index.name == "hukou_no"
    # nothing read the profile: its columns are not in the households' facts
    assert set(PROFILE_COLUMNS) <= set(kept.household_facts.columns)
    assert not set(PROFILE_COLUMNS) & set(bare.household_facts.columns)
    pd.testing.assert_frame_equal(bare.households, kept.households)
    pd.testing.assert_frame_equal(bare.persons_tags, kept.persons_tags)
    assert bare.counts == kept.counts
    # a training pass computes them whatever it is asked (with the generic feed features)
    trained = _run(lake_and_persons, features=False, training=True)
    assert len(trained.features) == len(kept.features)
    assert list(trained.features.columns)[: len(kept.features.columns)] == list(
        kept.features.columns
    )


def test_work_meanwhile_sees_the_tables_before_the_indicators_facts(lake_and_persons):
    from doudi.engine.monitoring import _person_tags, _tag_plan
    from doudi.engine.monitoring.backend import make_monitor_backend
    from doudi.engine.monitoring.indicators import compute_indicators

    lake, catalogue, persons = lake_and_persons
    policy = Policy.from_dict(recorded_policy())
    seen = {}

    def meanwhile(tables) -> None:
        seen["fired"] = len(tables.fired)
        seen["households"] = len(tables.households)
        seen["plan"] = _tag_plan(tables, policy, AS_OF)

    backend = make_monitor_backend("duckdb", lake, catalogue)
    try:
        tables = compute_indicators(
            backend, persons, policy=policy, as_of=AS_OF, lazy_facts=True, meanwhile=meanwhile
        )
    finally:
        backend.close()
    # the facts were still being computed; everything else was there
    assert seen["fired"] == 0 and len(tables.fired) > 0
    assert seen["households"] == len(tables.households) > 0
    # the person tags from the plan made early are those made at the end
    early = _person_tags(tables, policy, AS_OF, seen["plan"])
    pd.testing.assert_frame_equal(early, _person_tags(tables, policy, AS_OF))
    pd.testing.assert_frame_equal(early, _run(lake_and_persons, policy=policy).persons_tags)
    assert bool(seen["plan"]["found"].all())  # every living member's household is known


def test_a_profile_without_a_household_gives_it_missing_or_zero():
    from doudi.engine.monitoring.indicators import PROFILE_COLUMNS, PROFILE_MISSING, _with_profile

    hh = pd.DataFrame({"hukou_no": ["a", "b", "c"], "street": ["s", "s", "t"], "income": [1, 2, 3]})
    cols = {"hukou_no": np.array(["a", "c"], dtype=object)}
    for n, c in enumerate(PROFILE_COLUMNS):
        cols[c] = np.ma.MaskedArray([n + 1, n + 2], mask=[False, c in PROFILE_MISSING])
    out = _with_profile(hh, cols)
    assert list(out.columns) == ["hukou_no", "street", *PROFILE_COLUMNS, "income"]
    assert out["n_homes"].tolist() == [
        1 + PROFILE_COLUMNS.index("n_homes"),
        0,
        2 + PROFILE_COLUMNS.index("n_homes"),
    ]
    price = PROFILE_COLUMNS.index("max_home_price")
    assert out["max_home_price"].tolist() == [price + 1, pd.NA, pd.NA]
    assert out["income"].tolist() == [1, 2, 3]
