"""Named identity-resolution scenarios, mixed into the synthetic district.

Each scenario person is born in the 1930s (the background district starts in 1940), so the
expected clusters below are exact: a scenario record clusters with exactly the records listed
with it and nothing else.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from doudi.engine import idnumber

WANG = idnumber.make("420106", dt.date(1932, 3, 5), 11)
LI = idnumber.make("420106", dt.date(1933, 7, 21), 22)
ZHAO = idnumber.make("420102", dt.date(1934, 11, 2), 44)
SUN = idnumber.make("420111", dt.date(1935, 1, 9), 55)
ZHOU = idnumber.make("420102", dt.date(1936, 5, 30), 66)
SHARED = idnumber.make("420102", dt.date(1937, 8, 8), 33)
CHEN_1 = idnumber.make("420106", dt.date(1938, 10, 10), 71)
CHEN_2 = idnumber.make("420106", dt.date(1938, 10, 10), 93)


def _mistyped(number: str) -> str:
    """The 12th digit changed: the check character no longer fits."""
    digit = "7" if number[11] != "7" else "8"
    return number[:11] + digit + number[12:]


def _rec(uid: str, **fields) -> dict:
    source = uid.split(":")[0]
    base = {
        "unique_id": uid,
        "source": source,
        "name": None,
        "birth_date": None,
        "sex": None,
        "id_number": None,
        "phone": None,
        "address": None,
        "community": None,
    }
    return base | fields


RECORDS = [
    # 王建国 / 汪建国: a homophone surname, the second record without an ID.
    _rec(
        "minzheng:s-wang",
        name="王建国",
        birth_date="1932-03-05",
        id_number=WANG,
        phone="13900000001",
        community="420106001001",
    ),
    _rec(
        "yibao:s-wang",
        name="汪建国",
        birth_date="1932-03-05",
        phone="13900000001",
        community="420106001001",
    ),
    # 李明华 / 李华明: given-name characters swapped, no ID on the second.
    _rec(
        "minzheng:s-li",
        name="李明华",
        birth_date="1933-07-21",
        id_number=LI,
        address="中山路8号2栋301室",
        community="420106001002",
    ),
    _rec(
        "renshe:s-li",
        name="李华明",
        birth_date="1933-07-21",
        address="中山路8号2栋301室",
        community="420106001002",
    ),
    # 赵丽: one mistyped ID digit (fails the check character).
    _rec(
        "minzheng:s-zhao",
        name="赵丽",
        birth_date="1934-11-02",
        id_number=ZHAO,
        community="420102001001",
    ),
    _rec(
        "yibao:s-zhao",
        name="赵丽",
        birth_date="1934-11-02",
        id_number=_mistyped(ZHAO),
        community="420102001001",
    ),
    # 孙强: an 18-digit and a 15-digit ID of the same person; the 15-digit record has no
    # birth date of its own (it comes from the ID).
    _rec("minzheng:s-sun", name="孙强", birth_date="1935-01-09", id_number=SUN),
    _rec("canlian:s-sun", name="孙强", id_number=SUN[:6] + SUN[8:17]),
    # 周芳: no ID on the second record, same name, birth date and phone.
    _rec(
        "minzheng:s-zhou", name="周芳", birth_date="1936-05-30", id_number=ZHOU, phone="13700000002"
    ),
    _rec("renshe:s-zhou", name="周芳", birth_date="1936-05-30", phone="13700000002"),
    # One ID, two different people by name and birth date: a conflict, never merged.
    _rec(
        "minzheng:s-conflict",
        name="张伟",
        birth_date="1937-08-08",
        id_number=SHARED,
        phone="13500000003",
    ),
    _rec(
        "yibao:s-conflict",
        name="刘芳",
        birth_date="1960-02-14",
        id_number=SHARED,
        phone="13600000004",
    ),
    # 陈伟 twice: same name, birth date, address and phone, different valid IDs — two people.
    _rec(
        "minzheng:s-chen-1",
        name="陈伟",
        birth_date="1938-10-10",
        id_number=CHEN_1,
        phone="13800000005",
        address="和平大道9号1栋101室",
        community="420106002001",
    ),
    _rec(
        "yibao:s-chen-2",
        name="陈伟",
        birth_date="1938-10-10",
        id_number=CHEN_2,
        phone="13800000005",
        address="和平大道9号1栋101室",
        community="420106002001",
    ),
]

EXPECTED_CLUSTERS = [
    {"minzheng:s-wang", "yibao:s-wang"},
    {"minzheng:s-li", "renshe:s-li"},
    {"minzheng:s-zhao", "yibao:s-zhao"},
    {"minzheng:s-sun", "canlian:s-sun"},
    {"minzheng:s-zhou", "renshe:s-zhou"},
    {"minzheng:s-conflict"},
    {"yibao:s-conflict"},
    {"minzheng:s-chen-1"},
    {"yibao:s-chen-2"},
]


def frame() -> pd.DataFrame:
    return pd.DataFrame(RECORDS)
