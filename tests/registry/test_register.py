"""The register: ID numbers encrypted at rest, found by blind index, masked, revealed with a
reason; the household-register import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.registry.actions import jurisdictions_load
from doudi.registry.models import Household, Jurisdiction, Membership, Person
from tests.conftest import search_households

pytestmark = pytest.mark.django_db


def test_id_number_is_encrypted_at_rest(households):
    person = Person.objects.get(name="王建国")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_index, id_masked FROM registry_person WHERE id = %s", [person.pk]
        )
        stored, index, masked = cursor.fetchone()
    assert person.id_number.startswith("420106195803")
    assert person.id_number not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert len(index) == 64 and person.id_number not in index
    assert masked == person.id_number[:4] + "*" * 10 + person.id_number[-4:]


def test_household_page_shows_masked_ids_only(households, clients):
    household = households["A1"]
    html = clients["alice"].get(f"/households/{household.pk}/").content.decode()
    for membership in household.members.all():
        assert membership.person.id_masked in html
        assert membership.person.id_number not in html
    assert "王建国" in html and "户主" in html and "配偶" in html
    assert "138****8000" in html and "13800138000" not in html


def test_search_by_id_number_in_any_written_form(households, clients):
    number = Person.objects.get(name="张伟").id_number
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"
    for query in (number, full_width, spaced, number.lower()):
        hits = search_households(clients["alice"], query).context["page"].object_list
        assert [h.hukou_no for h in hits] == ["100000002"], query


def test_search_by_name_and_by_invalid_id(households, clients):
    alice = clients["alice"]
    hits = search_households(alice, "王建").context["page"].object_list
    assert [h.hukou_no for h in hits] == ["100000001"]
    invalid = search_households(alice, "420106195803140010").context
    assert invalid["page"].paginator.count == 0 and invalid["kind"] == "id"


def test_search_is_audited_without_the_query(households, clients):
    number = Person.objects.get(name="张伟").id_number
    search_households(clients["alice"], number)
    entry = AuditEntry.objects.get(action="household.search")
    assert entry.detail == {"kind": "id", "hits": 1}
    assert number not in str(entry.detail)


def test_reveal_requires_a_reason_and_is_audited(households, clients):
    person = Person.objects.get(name="王建国")
    alice = clients["alice"]
    refused = alice.post(f"/households/persons/{person.pk}/reveal-id/", {"reason": ""})
    assert refused.status_code == 400
    assert person.id_number not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="person.reveal_id").exists()
    shown = alice.post(
        f"/households/persons/{person.pk}/reveal-id/", {"reason": "入户核查核对身份"}
    )
    assert shown.status_code == 200
    assert person.id_number in shown.content.decode()
    entry = AuditEntry.objects.get(action="person.reveal_id")
    assert (entry.actor_name, entry.object_id, entry.detail, entry.outcome) == (
        "alice",
        str(person.pk),
        {"reason": "入户核查核对身份"},
        "success",
    )


def test_reveal_through_the_api(households, clients):
    person = Person.objects.get(name="刘芳")
    response = clients["bob"].post(
        f"/api/v1/persons/{person.pk}/reveal-id/",
        {"reason": "电话核实申请人"},
        content_type="application/json",
    )
    assert response.json() == {"person_id": person.pk, "id_number": person.id_number}


HEADER = "户号,姓名,公民身份号码,性别,出生日期,与户主关系,住址,社区代码,社区名称,街道名称,联系电话,人员编号"


def _write_register(path, rows):
    """Rows without the person number get one from their position (as 公安 numbers people)."""
    lines = [HEADER] + [
        ",".join(r if len(r) == 12 else [*r, f"P{n:08d}"]) for n, r in enumerate(rows, start=1)
    ]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


@pytest.fixture
def lake_dirs(settings, tmp_path):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    return tmp_path


def _deliver(path):
    from doudi.intake.actions import ingest_path

    run = ingest_path(path=path, feed_id="gongan_hukou")
    assert run.status == "ingested", (run.error_code, run.error_message)
    return run


def _rejects(run):
    import csv

    with open(run.flags["register"]["rejects_file"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_register_is_built_from_the_delivered_feed_with_rejects_listed(lake_dirs, district):
    head = idnumber.make("420106", dt.date(1950, 5, 6), 123)
    wife = idnumber.make("420106", dt.date(1952, 8, 9), 246)
    old15 = "420106" + "550101" + "135"  # 15-digit legacy number, upgraded on intake
    bad = head[:-1] + ("0" if head[-1] != "0" else "1")
    nowhere = idnumber.make("420106", dt.date(1960, 1, 1), 8)
    community = "420106001001"
    path = lake_dirs / "hukou.csv"
    rows = [
        [
            "200000001",
            "赵大山",
            head,
            "男",
            "1950-05-06",
            "户主",
            "和平路1号",
            community,
            "",
            "",
            "",
        ],
        [
            "200000001",
            "钱小红",
            wife,
            "女",
            "1952-08-09",
            "配偶",
            "和平路1号",
            community,
            "",
            "",
            "",
        ],
        [
            "200000002",
            "孙老汉",
            old15,
            "男",
            "1955-01-01",
            "户主",
            "和平路3号",
            community,
            "",
            "",
            "",
        ],
        [
            "200000003",
            "李错号",
            bad,
            "男",
            "1950-05-06",
            "户主",
            "和平路5号",
            community,
            "",
            "",
            "",
        ],
        [
            "200000004",
            "周无社",
            nowhere,
            "女",
            "1960-01-01",
            "户主",
            "x",
            "420106999999",
            "",
            "",
            "",
        ],
    ]
    _write_register(path, rows)
    run = _deliver(path)
    report = run.flags["register"]
    assert (report["rows"], report["households_created"], report["persons_created"]) == (5, 3, 4)
    assert report["rejected"] == 1
    # the row with a wrong check digit is kept in the lake without its ID, and listed
    assert _rejects(run) == [{"line": "5", "person_no": "P00000004", "reason": "id_check_digit"}]
    sun = Person.objects.get(name="孙老汉")
    assert sun.id_number == idnumber.upgrade_15_to_18(old15)
    assert list(
        Membership.objects.filter(household__hukou_no="200000001").values_list(
            "person__name", "relation"
        )
    ) == [("赵大山", "head"), ("钱小红", "spouse")]
    # an unknown community code: the household is kept, in the unassigned community
    zhou = Household.objects.get(hukou_no="200000004")
    assert (zhou.community.code, zhou.registered_community_code) == (
        "420106000000",
        "420106999999",
    )
    assert report["unknown_codes"] == {"420106999999": 1}
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.detail["persons_created"] == 4 and entry.detail["rejected"] == 1
    # the same file again is the same delivery: nothing changes
    from doudi.intake.actions import ingest_path

    again = ingest_path(path=path, feed_id="gongan_hukou")
    assert again.status == "duplicate" and "register" not in again.flags
    assert Person.objects.count() == 4 and Household.objects.count() == 3


def test_a_later_delivery_records_moves_births_deaths_and_cancellations(lake_dirs, district):
    a, b = "420106001001", "420106001002"
    old = idnumber.make("420106", dt.date(1940, 1, 1), 11)
    son = idnumber.make("420106", dt.date(1970, 1, 1), 13)
    other = idnumber.make("420106", dt.date(1980, 1, 1), 15)
    baby = idnumber.make("420106", dt.date(2026, 9, 1), 17)
    first = lake_dirs / "hukou-1.csv"
    _write_register(
        first,
        [
            [
                "300000001",
                "吴老",
                old,
                "男",
                "1940-01-01",
                "户主",
                "和平路1号",
                a,
                "",
                "",
                "",
                "P1",
            ],
            ["300000001", "吴儿", son, "男", "1970-01-01", "子", "和平路1号", a, "", "", "", "P2"],
            [
                "300000002",
                "郑一",
                other,
                "男",
                "1980-01-01",
                "户主",
                "和平路2号",
                a,
                "",
                "",
                "",
                "P3",
            ],
        ],
    )
    _deliver(first)
    second = lake_dirs / "hukou-2.csv"
    _write_register(
        second,
        [
            # the old man died (cancelled); his son heads the household now
            [
                "300000001",
                "吴儿",
                son,
                "男",
                "1970-01-01",
                "户主",
                "和平路1号",
                a,
                "",
                "",
                "",
                "P2",
            ],
            # 郑一 moved to a new household in community B, and a baby was born there
            [
                "300000003",
                "郑一",
                other,
                "男",
                "1980-01-01",
                "户主",
                "新河路9号",
                b,
                "",
                "",
                "",
                "P3",
            ],
            ["300000003", "郑宝", baby, "女", "2026-09-01", "女", "新河路9号", b, "", "", "", "P4"],
        ],
    )
    run = _deliver(second)
    report = run.flags["register"]
    assert (
        report["households_created"],
        report["households_removed"],
        report["persons_created"],
        report["persons_moved"],
        report["persons_removed"],
    ) == (1, 1, 1, 1, 1)
    zheng = Person.objects.get(name="郑一")
    assert (zheng.membership.household.hukou_no, zheng.membership.household.community.code) == (
        "300000003",
        b,
    )
    assert Person.objects.get(name="吴老").removed_on is not None
    assert Person.objects.get(name="吴儿").membership.relation == "head"
    assert Household.objects.get(hukou_no="300000002").removed_on is not None
    assert Household.objects.get(hukou_no="300000001").removed_on is None
    assert Person.objects.get(name="郑宝").removed_on is None


def test_two_hundred_duplicate_id_rows_load_without_a_crash_and_are_reported(lake_dirs, district):
    """公安 lists some people twice under two person numbers: identical rows collapse into
    one person; rows that differ are resolved by the latest row, and the earlier one listed."""
    a = "420106001001"
    rows = []
    for n in range(300):
        number = idnumber.make("420106", dt.date(1950, 1, 1) + dt.timedelta(days=n), 1 + 2 * n)
        rows.append(
            [f"4{n:08d}", f"居民{n}", number, "男", "", "户主", f"路{n}号", a, "", "", "", f"A{n}"]
        )
    for n in range(100):  # exact duplicates under another person number
        rows.append([*rows[n][:11], f"B{n}"])
    for n in range(100, 200):  # the same ID in another household, later in the file
        rows.append(
            [f"5{n:08d}", f"居民{n}", rows[n][2], "男", "", "户主", "新路", a, "", "", "", f"C{n}"]
        )
    path = lake_dirs / "hukou.csv"
    _write_register(path, rows)
    run = _deliver(path)
    report = run.flags["register"]
    assert (report["rows"], report["duplicates_collapsed"], report["duplicates_superseded"]) == (
        500,
        100,
        100,
    )
    assert Person.objects.count() == 300
    assert Membership.objects.filter(household__hukou_no__startswith="5").count() == 100
    assert report["households"] == 300  # 200 old households + 100 new ones of the moved IDs
    listed = _rejects(run)
    assert len(listed) == report["rejected"] == 100
    assert listed[0] == {
        "line": "102",
        "person_no": "A100",
        "reason": "duplicate_id_superseded_by_line_402",
    }


def test_jurisdiction_tree_of_wuchang(db):
    total = jurisdictions_load()
    assert total == 1 + 14 + 142
    streets = Jurisdiction.objects.filter(level="street")
    assert streets.count() == 14
    assert [s.name for s in streets.order_by("code")] == [
        "积玉桥街道",
        "杨园街道",
        "徐家棚街道",
        "粮道街道",
        "中华路街道",
        "黄鹤楼街道",
        "紫阳街道",
        "白沙洲街道",
        "首义路街道",
        "中南路街道",
        "水果湖街道",
        "珞珈山街道",
        "石洞街道",
        "南湖街道",
    ]
    assert Jurisdiction.objects.get(code="420106").name == "武昌区"
    for community in Jurisdiction.objects.filter(level="community").select_related("parent"):
        assert len(community.code) == 12 and community.code.startswith(community.parent.code)
    assert not Jurisdiction.objects.filter(code="420106490").exists()
    # Idempotent.
    assert jurisdictions_load() == total and Jurisdiction.objects.count() == total
