"""The income estimate and its uncertainty, quiet hardship, the income gate and hard triggers
that check resources (issue 16 items 3 and 4), on a hand-made lake — exact values, on DuckDB
and against the pandas reference. The test plays identity resolution (``_pk``).

Area 4201: 低保 standard 950 yuan (95,000 fen) a person and month, 低边 line × 1.5 = 142,500
fen. As of 2026-11-01 the income window is May–October 2026 (6 months)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.engine.idnumber import make
from doudi.engine.monitoring import Policy, default_policy, monitor
from doudi.engine.monitoring.reference import compare_with_sql
from tests.engine.monitoring.lakes import hukou_record, lake_of_records

AS_OF = dt.date(2026, 11, 1)
DIBIAN_LINE = 142_500

# pk: (household, birth date, relation)
PEOPLE = {
    # HA: the earner died; the other adult earns 8,000 yuan: enough left
    1: ("A", "1985-01-01", "户主"),
    2: ("A", "2016-01-01", "子"),
    3: ("A", "1987-01-01", "配偶"),
    # HB: the earner died; the other adult has no income record: nothing left
    4: ("B", "1982-01-01", "户主"),
    5: ("B", "2015-01-01", "子"),
    6: ("B", "1984-01-01", "配偶"),
    # HC: the earner died; the other adult earns 1,500 yuan: 750 a head, below the 低边 line
    7: ("C", "1980-01-01", "户主"),
    8: ("C", "2014-01-01", "子"),
    9: ("C", "1983-01-01", "配偶"),
    # HD: as HC, but the survivor owns two homes (an asset counter-indicator)
    10: ("D", "1980-02-01", "户主"),
    11: ("D", "2014-02-01", "子"),
    12: ("D", "1983-02-01", "配偶"),
    # HE: the earner died; the survivor earns 1,000 yuan and the household holds 低保 of 2,000
    # yuan: 500 + 1,000 a head, above the line
    13: ("E", "1979-01-01", "户主"),
    14: ("E", "2013-01-01", "子"),
    15: ("E", "1981-01-01", "配偶"),
    # HF: three sources and a member without any record — a pension of 1,000 yuan; wages seen
    # by social insurance (3,000) and the provident fund (3,500: the larger counts); one
    # contribution month before the window (not counted); a working-age member with nothing
    16: ("F", "1960-01-01", "户主"),
    17: ("F", "1990-01-01", "子"),
    18: ("F", "1995-01-01", "子"),
    # HG: a single adult aged 40 with no income record: unknown, not low
    19: ("G", "1986-01-01", "户主"),
    # HH: a single adult earning 1,200 yuan (between the standard and the 低边 line) with a
    # chronic disease: three weak signals (near the line, chronic, a single adult)
    20: ("H", "1980-06-01", "户主"),
}
DIED = {1: "2026-08-01", 4: "2026-08-01", 7: "2026-08-01", 10: "2026-08-01", 13: "2026-08-01"}


def _id(pk: int) -> str:
    return make("420106", dt.date.fromisoformat(PEOPLE[pk][1]), 200 + pk)


def _hukou(pk: int) -> dict:
    h, birth, relation = PEOPLE[pk]
    return hukou_record(
        pk, hukou_no=f"20000000{ord(h) - 64}", id_number=_id(pk), birth=birth, relation=relation
    )


def _hh(letter: str) -> str:
    return f"20000000{ord(letter) - 64}"


def _months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


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


WINDOW = _months("2026-05", "2026-10")
RECORDS = {
    "gongan_hukou": [_hukou(pk) for pk in PEOPLE],
    "weijian_death": [
        {"cert_no": f"W{pk}", "id_number": _id(pk), "name": f"居民{pk}", "death_date": d, "_pk": pk}
        for pk, d in DIED.items()
    ],
    "renshe_contribution": (
        [_contribution(pk, m, 6000) for pk in DIED for m in _months("2025-11", "2026-07")]
        + [_contribution(3, m, 8000) for m in WINDOW]
        + [_contribution(9, m, 1500) for m in WINDOW]
        + [_contribution(12, m, 1500) for m in WINDOW]
        + [_contribution(15, m, 1000) for m in WINDOW]
        + [_contribution(17, m, 3000) for m in ["2026-03", *WINDOW]]
        + [_contribution(20, m, 1200) for m in WINDOW]
    ),
    "gongjijin_contribution": [
        {
            "serial": f"G17{m}",
            "id_number": _id(17),
            "name": "居民17",
            "month": m,
            "base": 3500,
            "amount": 420,
            "balance": 12000 + 100 * n,
            "_pk": 17,
        }
        for n, m in enumerate(WINDOW)
    ],
    "renshe_pension": [
        {
            "pension_no": "PN16",
            "id_number": _id(16),
            "name": "居民16",
            "scheme": "职工",
            "start_month": "2020-01",
            "monthly_amount": 1000,
            "status": "正常发放",
            "_pk": 16,
        }
    ],
    "minzheng_recipients": [
        {
            "recipient_no": f"R{pk}",
            "hukou_no": _hh("E"),
            "id_number": _id(pk),
            "name": f"居民{pk}",
            "category": "低保",
            "status": "在保",
            "start_date": "2026-09-01",
            "monthly_amount": 2000,
            "_pk": pk,
        }
        for pk in (14, 15)
    ],
    "budongchan_property": [
        {
            "unit_no": f"U12{n}",
            "id_number": _id(12),
            "name": "居民12",
            "usage": "住宅",
            "reg_date": "2015-01-01",
            "price": 900000,
            "_pk": 12,
        }
        for n in (1, 2)
    ],
    "yibao_chronic": [
        {
            "reg_no": "M20",
            "id_number": _id(20),
            "name": "居民20",
            "category": "慢性病",
            "disease": "高血压",
            "approve_date": "2024-01-01",
            "_pk": 20,
        }
    ],
}


@pytest.fixture(scope="module")
def lake_and_persons(tmp_path_factory):
    return lake_of_records(tmp_path_factory.mktemp("res_lake"), RECORDS, today=AS_OF)


GATED = ("income_below_dibao", "income_below_dibian", "income_below_double", "low_earnings")


def gated_policy() -> dict:
    """The default policy with the income gate on (off as shipped): the income indicators
    fire only when at most half of the working-age members lack an income record, and
    ``income_unrecorded`` (10 points) names the others."""
    doc = default_policy()
    for i in doc["indicators"]:
        if i["id"] in GATED:
            i["params"]["max_unknown_share"] = 0.5
    doc["indicators"].append(
        {
            "id": "income_unrecorded",
            "dimension": "economic",
            "kind": "income_unrecorded",
            "params": {"min_share": 0.6},
            "points": 10,
            "label_zh": "劳动年龄成员均无收入记录",
            "label_en": "Working-age members without any income record",
        }
    )
    return doc


@pytest.fixture(scope="module")
def result(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    policy = Policy.from_dict(gated_policy())
    return monitor(lake, catalogue, persons, policy=policy, as_of=AS_OF)


def _rows(result) -> dict:
    return {r.hukou_no: r for r in result.households.itertuples(index=False)}


# household: (income per head, 低保 standard, ratio to it, living members with an income
# record, working-age members without one, help a month, provident-fund balance, resources
# per head) — fen
ESTIMATES = {
    "A": (400_000, 95_000, 4.2105, 1, 0, 0, 0, 400_000),
    "B": (0, 95_000, 0.0, 0, 1, 0, 0, 0),
    "C": (75_000, 95_000, 0.7895, 1, 0, 0, 0, 75_000),
    "E": (50_000, 95_000, 0.5263, 1, 0, 200_000, 0, 150_000),
    # (350,000 × 6 + 100,000 × 6) / (3 × 6): the March month is outside the window
    "F": (150_000, 95_000, 1.5789, 2, 1, 0, 1_250_000, 150_000),
    "G": (0, 95_000, 0.0, 0, 1, 0, 0, 0),
    "H": (120_000, 95_000, 1.2632, 1, 0, 0, 0, 120_000),
}


@pytest.mark.parametrize("letter", sorted(ESTIMATES))
def test_the_income_estimate_its_sources_and_uncertainty(result, letter):
    hh = result.household_facts.set_index("hukou_no").loc[_hh(letter)]
    got = (
        int(hh["income_per_head_est"]),
        int(hh["dibao_line"]),
        round(float(hh["income_ratio_to_dibao"]), 4),
        int(hh["n_income_members"]),
        int(hh["n_working_no_income"]),
        int(hh["help_monthly"]),
        int(hh["fund_balance"]),
        int(hh["resources_per_head"]),
    )
    assert got == ESTIMATES[letter]
    assert int(hh["dibian_line"]) == DIBIAN_LINE


def test_the_estimate_is_a_feature_of_the_model(result):
    f = result.features
    assert f.loc[_hh("F"), ["income_ratio_to_dibao", "income_unknown_share"]].round(4).tolist() == [
        1.5789,
        0.5,
    ]
    assert f.loc[_hh("E"), "resources_ratio"].round(4) == 1.5789
    assert f.loc[_hh("H"), "ind_quiet_hardship_signals"] == 3.0
    # near the line and a single adult left
    assert f.loc[_hh("C"), "ind_quiet_hardship_signals"] == 2.0
    # a single adult only: not fired
    assert f.loc[_hh("A"), "ind_quiet_hardship_signals"] == 0.0


# household: (level, trigger that raised, [(trigger, raises, resources per head, line,
# assets)])
TRIGGERS = {
    # enough left: the trigger adds its 20 points instead of raising to urgent (40: watch)
    "A": ("watch", None, [("earner_death_with_minors", False, 400_000, DIBIAN_LINE, False)]),
    "B": (
        "urgent",
        "earner_death_with_minors",
        [("earner_death_with_minors", True, 0, DIBIAN_LINE, False)],
    ),
    "C": (
        "urgent",
        "earner_death_with_minors",
        [("earner_death_with_minors", True, 75_000, DIBIAN_LINE, False)],
    ),
    # low income, but two homes: not raised (85 points: a warning by score)
    "D": ("warning", None, [("earner_death_with_minors", False, 75_000, DIBIAN_LINE, True)]),
    # the help already held counts: 1,500 yuan a head, above the line
    "E": ("watch", None, [("earner_death_with_minors", False, 150_000, DIBIAN_LINE, False)]),
}


@pytest.mark.parametrize("letter", sorted(TRIGGERS))
def test_a_hard_trigger_raises_only_when_little_is_left(result, letter):
    row = _rows(result)[_hh(letter)]
    level, raised, checks = TRIGGERS[letter]
    assert (row.level, row.trigger) == (level, raised)
    x = row.explanation
    if x is not None:
        got = [
            (t["id"], t["raises"], t["resources_per_head"], t["line"], t["assets"])
            for t in x["triggers"]
        ]
        assert got == checks
        assert all(t["checked"] and t["points"] == 20.0 for t in x["triggers"])
        assert (x["trigger"] is None) == (raised is None)


def test_a_trigger_that_does_not_raise_adds_its_points(result):
    rows = _rows(result)
    # HA: earner_death (20, sudden events) + the trigger's 20 after the caps; income above
    # every line; one weak signal only
    assert (rows[_hh("A")].scorecard_score, rows[_hh("A")].reasons) == (40.0, ["earner_death"])
    # HD: income indicators and quiet hardship 75 - 20 (two homes), capped at 45; + 20 (earner
    # death) + 20 (the trigger, after the caps)
    d = rows[_hh("D")]
    assert (d.scorecard_score, d.level, d.trigger) == (85.0, "warning", None)
    assert result.counts["by_trigger"] == {
        "earner_death_with_minors": {"fired": 5, "raised": 2},
        "disaster_home_lost": {"fired": 0, "raised": 0},
        "severe_disability_without_carer": {"fired": 0, "raised": 0},
    }


def test_without_requires_low_resources_a_trigger_always_raises(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    doc = gated_policy()
    for t in doc["triggers"]:
        for k in ("requires_low_resources", "resource_ratio", "points"):
            t.pop(k, None)
    out = monitor(lake, catalogue, persons, policy=Policy.from_dict(doc), as_of=AS_OF)
    rows = _rows(out)
    for letter in "ABCDE":
        assert (rows[_hh(letter)].level, rows[_hh(letter)].trigger) == (
            "urgent",
            "earner_death_with_minors",
        )
        assert [t["checked"] for t in rows[_hh(letter)].explanation["triggers"]] == [False]
    assert out.counts["by_trigger"]["earner_death_with_minors"] == {"fired": 5, "raised": 5}


def test_the_resource_ratio_is_a_policy_parameter(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    doc = gated_policy()
    for t in doc["triggers"]:
        if t["id"] == "earner_death_with_minors":
            t["resource_ratio"] = 5.0  # 4,750 yuan a head: HA's 4,000 is below it
    out = monitor(lake, catalogue, persons, policy=Policy.from_dict(doc), as_of=AS_OF)
    assert _rows(out)[_hh("A")].trigger == "earner_death_with_minors"
    assert _rows(out)[_hh("A")].level == "urgent"


# household: the income and quiet-hardship indicators that fired, with their values
INCOME = {
    # a single adult without any record: unknown, not low — the gate silences the income
    # indicators; income_unrecorded says so (value: 1 member without a record); quiet
    # hardship reads the estimate as it is (near the line, a single adult)
    "G": {"income_unrecorded": 1, "quiet_hardship": 2},
    # 1,200 yuan: below the 低边 line and twice the standard; three weak signals
    "H": {
        "income_below_dibian": 120_000,
        "income_below_double": 120_000,
        "low_earnings": 120_000,
        "quiet_hardship": 3,
    },
    # one of two working-age members without a record (share 0.5 ≤ 0.5): the estimate counts;
    # the best wage (3,500 yuan) is above 2.5 × the standard: no low_earnings
    "F": {"income_below_double": 150_000},
}
ECONOMIC = {"income_below_dibao", "income_below_dibian", "income_below_double", "low_earnings",
            "income_unrecorded", "quiet_hardship"}  # fmt: skip


@pytest.mark.parametrize("letter", sorted(INCOME))
def test_income_gate_unrecorded_and_quiet_hardship(result, letter):
    row = _rows(result)[_hh(letter)]
    fired = (
        {i["id"]: i["value"] for i in row.explanation["indicators"] if i["id"] in ECONOMIC}
        if row.explanation
        else None
    )
    if fired is None:  # below every band: no explanation; the reasons give the ids
        assert sorted(r for r in row.reasons if r in ECONOMIC) == sorted(INCOME[letter])
    else:
        assert fired == INCOME[letter]


def test_quiet_hardship_facts_name_each_signal(result):
    row = _rows(result)[_hh("H")]
    quiet = next(i for i in row.explanation["indicators"] if i["id"] == "quiet_hardship")
    assert quiet["facts_total"] == 3
    # facts from a feed are listed (the chronic-disease approval); the others are computed
    assert [(f["feed"], f["label"]) for f in quiet["facts"]] == [("yibao_chronic", "chronic")]


def test_as_shipped_the_gate_is_off(lake_and_persons):
    lake, catalogue, persons = lake_and_persons
    out = monitor(lake, catalogue, persons, policy=Policy.from_dict(default_policy()), as_of=AS_OF)
    g = _rows(out)[_hh("G")]
    # no income record at all reads as no income: every income indicator fires
    assert [r for r in g.reasons if r in ECONOMIC] == [*GATED, "quiet_hardship"]


@pytest.mark.parametrize("doc", [default_policy, gated_policy])
def test_the_pandas_reference_agrees(lake_and_persons, doc):
    lake, catalogue, persons = lake_and_persons
    policy = Policy.from_dict(doc())
    assert compare_with_sql(lake, catalogue, persons, policy=policy, as_of=AS_OF) == {}
