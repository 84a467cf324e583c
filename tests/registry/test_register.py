"""The register: ID numbers encrypted at rest, found by blind index, masked, revealed with a
reason; the household-register import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.registry.actions import jurisdictions_load, register_import
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


def _write_register(path, rows):
    header = (
        "户号,姓名,公民身份号码,性别,出生日期,与户主关系,住址,社区代码,社区名称,街道名称,联系电话"
    )
    lines = [header] + [",".join(r) for r in rows]
    path.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def test_register_import_creates_updates_and_rejects(tmp_path, district):
    head = idnumber.make("420106", dt.date(1950, 5, 6), 123)
    wife = idnumber.make("420106", dt.date(1952, 8, 9), 246)
    old15 = "420106" + "550101" + "135"  # 15-digit legacy number, upgraded on import
    bad = head[:-1] + ("0" if head[-1] != "0" else "1")
    nowhere = idnumber.make("420106", dt.date(1960, 1, 1), 8)
    community = "420106001001"
    path = tmp_path / "hukou.csv"
    _write_register(
        path,
        [
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
        ],
    )
    report = register_import(path=path)
    assert (report.rows, report.households_created, report.persons_created) == (5, 2, 3)
    assert report.rejected == [(5, "check_digit"), (6, "unknown_community")]
    sun = Person.objects.get(name="孙老汉")
    assert sun.id_number == idnumber.upgrade_15_to_18(old15)
    assert list(
        Membership.objects.filter(household__hukou_no="200000001").values_list(
            "person__name", "relation"
        )
    ) == [("赵大山", "head"), ("钱小红", "spouse")]
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.detail["persons_created"] == 3 and entry.detail["rejected"] == 2
    # The same file again changes nothing but counts updates.
    again = register_import(path=path)
    assert (again.households_created, again.persons_created, again.persons_updated) == (0, 0, 3)
    assert Person.objects.count() == 3 and Household.objects.count() == 2


def test_register_import_refuses_a_file_without_its_columns(tmp_path, district):
    from django.core.exceptions import ValidationError

    path = tmp_path / "wrong.csv"
    path.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        register_import(path=path)
    assert "户号" in str(err.value) and "公民身份号码" in str(err.value)
    assert Person.objects.count() == 0


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
