"""Incremental matching of one record against a finished district run: the batch run's
persons for records it already linked, ID-first with the batch run's guard, the model for the
rest, and the batch run's cannot-link rules."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from doudi.engine import idnumber
from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.engine.linkage.district import link_district, records_from_lake
from doudi.engine.linkage.incremental import PersonIndex, rule_key
from doudi.engine.linkage.schema import name_pinyin
from doudi.synth import generate

# Same-pinyin replacements for common characters (王建国 → 汪建国).
HOMOPHONES = {
    "王": "汪",
    "张": "章",
    "刘": "留",
    "陈": "晨",
    "杨": "阳",
    "黄": "皇",
    "周": "州",
    "明": "鸣",
    "华": "桦",
    "军": "君",
    "伟": "玮",
    "芳": "方",
    "英": "鹰",
    "丽": "莉",
    "强": "墙",
    "平": "萍",
    "文": "闻",
    "红": "虹",
    "建": "健",
    "国": "帼",
}


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("incremental")
    generate(out, households=400, seed=11)
    lake, catalogue = Lake(out / "lake"), load_catalogue()
    for path in sorted((out / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    run = link_district(lake, catalogue)
    records = (
        records_from_lake(lake, catalogue)
        .to_pandas()
        .merge(run.persons[["unique_id", "person_key"]], on="unique_id")
    )
    return lake, catalogue, run, records


@pytest.fixture(scope="module")
def index(district):
    lake, catalogue, run, _ = district
    idx = PersonIndex.build(
        lake, catalogue, persons=run.persons, model=run.model, threshold=run.threshold
    )
    yield idx
    idx.close()


def _raw(r) -> dict:
    """A lake record as a clerk would type it: the ID as delivered (a near-miss ID included)."""
    return {
        "name": r.name,
        "id_number": r.id_number or r.id_near,
        "birth_date": r.birth_date,
        "sex": r.sex,
        "phone": r.phone,
        "address": r.address,
        "community": r.community,
    }


def _single_person_ids(records: pd.DataFrame) -> pd.DataFrame:
    """Records with a valid 18-digit ID that the batch run gave to one person only."""
    valid = records[records["id_number"].notna()]
    persons_per_id = valid.groupby("id_number")["person_key"].transform("nunique")
    return valid[persons_per_id == 1].sort_values("unique_id")


def test_the_index_holds_every_linked_record(district, index):
    _, _, run, records = district
    assert index.stats.records == len(run.persons) == len(records)
    assert index.stats.persons == run.persons["person_key"].nunique()
    assert index.stats.profiles == run.profiles


def test_existing_records_matched_as_new_get_their_own_person(district, index):
    _, _, _, records = district
    with_id = records[records["id_number"].notna()].sample(100, random_state=1)
    without = records[records["id_number"].isna()]  # all of them (91: check-digit typos …)
    sample = pd.concat([with_id, without])
    results = [(index.match(_raw(r)), r.person_key) for r in sample.itertuples()]
    assert [(m.person_key, m.basis) for m, key in results if m.person_key != key] == []
    assert {m.basis for m, _ in results} == {"id", "profile"}


def test_records_new_since_the_run_match_as_the_batch_run_linked_them(district):
    """Records the index does not hold (held out of the persons table) are matched as new
    records; the batch run, which saw them, is the reference."""
    lake, catalogue, run, records = district
    profile = [
        "name",
        "id_number",
        "id_near",
        "birth_date",
        "sex",
        "phone",
        "address",
        "community",
        "person_key",
    ]
    alone = records[records.groupby(profile, dropna=False)["unique_id"].transform("size") == 1]
    held = pd.concat(
        [
            alone[alone["id_number"].notna()].sample(80, random_state=2),
            alone[alone["id_number"].isna()],
        ]
    )
    kept = run.persons[~run.persons["unique_id"].isin(held["unique_id"])]
    idx = PersonIndex.build(lake, catalogue, persons=kept, model=run.model, threshold=run.threshold)
    try:
        remaining = set(kept["person_key"])
        results = [
            (idx.match(_raw(r)), r.person_key if r.person_key in remaining else None)
            for r in held.itertuples()
        ]
    finally:
        idx.close()
    assert idx.stats.records == len(kept)
    assert [(m.person_key, expected) for m, expected in results if m.person_key != expected] == []
    assert {m.basis for m, _ in results} == {"id", "model"}
    assert any(m.person_key is not None and m.basis == "model" for m, _ in results)


def test_a_mistyped_name_with_a_valid_id_is_that_person(district, index):
    _, _, _, records = district
    r = next(
        r
        for r in _single_person_ids(records).itertuples()
        if isinstance(r.name, str) and len(r.name) == 3
    )
    typo = r.name[:2] + ("亮" if r.name[2] != "亮" else "明")
    m = index.match({"name": typo, "id_number": r.id_number})
    assert (m.person_key, m.basis, m.match_probability) == (r.person_key, "id", 1.0)


def test_a_15_digit_id_is_upgraded_and_matched(district, index):
    _, _, _, records = district
    r = next(
        r
        for r in _single_person_ids(records).itertuples()
        if r.id_number[6:8] == "19" and isinstance(r.name, str)
    )
    old = r.id_number[:6] + r.id_number[8:17]
    assert len(old) == 15
    m = index.match({"name": r.name, "id_number": old})
    assert (m.person_key, m.basis) == (r.person_key, "id")


def test_a_new_person_gets_none(district, index):
    _, _, _, records = district
    newborn = idnumber.make("420106", dt.date(2026, 10, 3), 517)
    assert newborn not in set(records["id_number"].dropna())
    assert "司马未央" not in set(records["name"].dropna())
    community = sorted(records["community"].dropna())[0]
    m = index.match(
        {
            "name": "司马未央",
            "id_number": newborn,
            "birth_date": "2026-10-03",
            "sex": "女",
            "community": community,
            "address": "武昌区未来路99号",
        }
    )
    assert (m.person_key, m.basis, m.match_probability) == (None, "model", None)
    assert all(c.match_probability < index.threshold for c in m.candidates)


def test_a_homophone_name_with_the_same_birth_date_and_community_is_matched_by_model(
    district, index
):
    _, _, _, records = district
    names = set(records["name"].dropna())
    candidates = records[
        records["birth_date"].notna() & records["community"].notna() & records["name"].notna()
    ].sort_values("unique_id")
    for r in candidates.itertuples():
        pos = next((i for i, ch in enumerate(r.name) if ch in HOMOPHONES), None)
        if pos is None:
            continue
        homophone = r.name[:pos] + HOMOPHONES[r.name[pos]] + r.name[pos + 1 :]
        if homophone not in names:
            break
    assert name_pinyin(homophone) == name_pinyin(r.name) and homophone != r.name
    m = index.match(
        {"name": homophone, "birth_date": r.birth_date, "sex": r.sex, "community": r.community}
    )
    assert (m.person_key, m.basis) == (r.person_key, "model")
    assert m.match_probability >= index.threshold
    best = m.candidates[0]
    assert (best.person_key, best.match_probability, best.refused) == (
        r.person_key,
        m.match_probability,
        "",
    )
    assert set(best.weights) == {"name", "birth_date", "sex", "id_number", "phone", "place"}
    assert best.weights["name"] > 0 and best.weights["birth_date"] > 0
    assert best.weights["id_number"] == 0.0  # no ID on the record: the null level


def test_a_mistyped_id_digit_is_matched_by_model(district, index):
    _, _, _, records = district
    r = next(
        r
        for r in _single_person_ids(records).itertuples()
        if isinstance(r.name, str) and isinstance(r.birth_date, str)
    )
    digit = str((int(r.id_number[14]) + 1) % 10)
    typo = r.id_number[:14] + digit + r.id_number[15:]
    assert not idnumber.is_valid(typo)
    m = index.match({"name": r.name, "id_number": typo, "birth_date": r.birth_date})
    assert (m.person_key, m.basis) == (r.person_key, "model")


def test_a_different_valid_id_refuses_the_look_alike(district, index):
    """Twins: same name-like fields, different check-digit-valid IDs — never joined by the
    model (the batch run's cannot-link rule)."""
    _, _, _, records = district
    r = next(
        r
        for r in _single_person_ids(records).itertuples()
        if isinstance(r.name, str) and isinstance(r.community, str)
    )
    ids = set(records["id_number"].dropna())
    birth = dt.date.fromisoformat(
        r.id_number[6:10] + "-" + r.id_number[10:12] + "-" + r.id_number[12:14]
    )
    twin = next(
        t
        for t in (idnumber.make(r.id_number[:6], birth, s) for s in range(999, 0, -2))
        if t not in ids
    )
    m = index.match(
        {
            "name": r.name,
            "id_number": twin,
            "birth_date": r.birth_date,
            "sex": r.sex,
            "community": r.community,
            "address": r.address,
        }
    )
    assert (m.person_key, m.basis) == (None, "model")
    refused = {c.person_key: c.refused for c in m.candidates}
    assert refused[r.person_key] == "different_ids"


def test_an_id_conflict_is_held_apart(district, index):
    """A valid ID with another name and birth date: the guard fails, so neither the ID nor
    the model joins the record to that ID's person."""
    _, _, _, records = district
    r = next(
        r
        for r in _single_person_ids(records).itertuples()
        if isinstance(r.name, str) and not r.name.startswith("欧阳")
    )
    m = index.match({"name": "欧阳娜娜", "id_number": r.id_number, "birth_date": "1901-07-07"})
    assert (m.person_key, m.basis) == (None, "model")
    assert {c.person_key: c.refused for c in m.candidates}[r.person_key] == "id_conflict"


def test_unknown_fields_and_empty_records_are_refused(index):
    with pytest.raises(ValueError, match="unknown record fields"):
        index.match({"name": "王建国", "birthdate": "1958-03-14"})
    with pytest.raises(ValueError, match="the record has no field to match on"):
        index.match({"name": " ", "id_number": None})


def test_as_dict_is_json_ready(district, index):
    _, _, _, records = district
    r = _single_person_ids(records).iloc[0]
    d = index.match({"name": r["name"], "id_number": r["id_number"]}).as_dict()
    assert (d["person_key"], d["basis"], d["match_probability"], d["threshold"]) == (
        r["person_key"],
        "id",
        1.0,
        0.5,
    )
    assert set(d["candidates"][0]) == {
        "person_key",
        "unique_id",
        "match_probability",
        "match_weight",
        "weights",
        "refused",
    }


def test_rule_key_hashes_equalities_only():
    assert rule_key('l."phone" = r."phone"') == (
        'CASE WHEN ("phone") IS NULL THEN NULL ELSE hash("phone") END'
    )
    assert rule_key(
        '(l."name_pinyin" = r."name_pinyin") AND '
        "(SUBSTRING(l.birth_date, 1, 4) = SUBSTRING(r.birth_date, 1, 4))"
    ) == (
        'CASE WHEN ("name_pinyin") IS NULL OR (SUBSTRING(birth_date, 1, 4)) IS NULL THEN NULL '
        'ELSE hash("name_pinyin", SUBSTRING(birth_date, 1, 4)) END'
    )
    assert rule_key("l.a = r.b") is None
    assert rule_key("levenshtein(l.a, r.a) <= 1") is None
