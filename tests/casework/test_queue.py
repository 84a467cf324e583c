"""The work queue: scoped rows with what an officer needs, filters and sorts, saved filters,
bulk assignment, exports of exactly the filtered rows, and a pinned query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.audit.models import AuditEntry
from doudi.casework.models import SavedFilter, Task
from tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [row["task"].household.hukou_no for row in response.context["rows"]]


def test_rows_are_scoped_and_show_what_an_officer_needs(warned, clients):
    assert sorted(listed(clients["alice"].get("/casework/"))) == ["100000001", "100000002"]
    assert listed(clients["bob"].get("/casework/")) == ["100000003"]
    assert len(listed(clients["dave"].get("/casework/"))) == 4
    assert clients["peggy"].get("/casework/").status_code == 403
    assert clients["frank"].get("/casework/").status_code == 403
    html = clients["alice"].get("/casework/?sort=level").content.decode()
    for text in (
        "王建国",
        "4201**********",  # masked ID
        "和平社区幸福路1号",
        "138****8000",  # masked phone
        "预警",
        "60.0",
        "重特大疾病或特殊病（认定或近两年确诊）",
        "待分派",
        "2026年5月9日",
    ):
        assert text in html, text
    assert "13800138000" not in html


def test_filters_and_sorts(warned, clients):
    dave = clients["dave"]
    assert listed(dave.get("/casework/?sort=level")) == [
        "100000003",
        "100000001",
        "100000004",
        "100000002",
    ]
    assert listed(dave.get("/casework/?sort=score")) == [
        "100000003",
        "100000001",
        "100000004",
        "100000002",
    ]
    assert listed(dave.get("/casework/?street=420106002")) == ["100000004"]
    assert listed(dave.get("/casework/?community=420106001002")) == ["100000003"]
    assert listed(dave.get("/casework/?dimension=health")) == ["100000001"]
    assert listed(dave.get("/casework/?reason=income_below_dibian&sort=level")) == [
        "100000004",
        "100000002",
    ]
    assert listed(dave.get("/casework/?level=urgent")) == ["100000003"]
    Task.objects.filter(household__hukou_no="100000002").update(status="assigned")
    assert listed(dave.get("/casework/?status=assigned")) == ["100000002"]


def test_the_phone_is_revealed_with_a_reason_and_audited(warned, clients, households):
    head = households["A1"].members.get(relation="head").person
    response = clients["alice"].post(
        f"/households/persons/{head.pk}/reveal-phone/",
        {"reason": "预约入户核查"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "13800138000" in response.content.decode()
    entry = AuditEntry.objects.get(action="person.reveal_phone")
    assert (entry.actor_name, entry.object_id, entry.detail) == (
        "alice",
        str(head.pk),
        {"reason": "预约入户核查"},
    )
    assert (
        clients["alice"]
        .post(f"/households/persons/{head.pk}/reveal-phone/", {"reason": "看"})
        .status_code
        == 400
    )
    assert (
        clients["bob"]
        .post(f"/households/persons/{head.pk}/reveal-phone/", {"reason": "预约入户核查"})
        .status_code
        == 404
    )
    assert AuditEntry.objects.filter(action="person.reveal_phone").count() == 1


def test_saved_filters_are_per_user(warned, clients, cast):
    response = clients["carol"].post(
        "/casework/filters/",
        {"name": "紧急未分派", "level": "urgent", "officer": "none", "query": "level=urgent"},
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get()
    assert (saved.user, saved.name, saved.query) == (
        cast["carol"],
        "紧急未分派",
        "officer=none&level=urgent",
    )
    assert "紧急未分派" in clients["carol"].get("/casework/").content.decode()
    assert "紧急未分派" not in clients["dave"].get("/casework/").content.decode()
    assert clients["dave"].post(f"/casework/filters/{saved.pk}/delete/").status_code == 404
    assert listed(clients["carol"].get(f"/casework/?{saved.query}")) == ["100000003"]


def test_bulk_assign_from_the_queue(warned, clients, cast):
    ids = [warned["100000001"].pk, warned["100000002"].pk]
    response = clients["carol"].post(
        "/casework/assign/", {"task": ids, "assignee": "", "query": "sort=level"}
    )
    assert response["Location"] == "/casework/?sort=level"
    assert set(Task.objects.filter(pk__in=ids).values_list("assignee__username", flat=True)) == {
        "alice"
    }
    # a task of another community cannot be slipped in
    other = warned["100000004"].pk
    assert clients["carol"].post("/casework/assign/", {"task": [other]}).status_code == 404
    assert Task.objects.get(pk=other).assignee is None


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_exports_hold_exactly_the_filtered_rows_and_are_injection_safe(warned, clients):
    from python_calamine import CalamineWorkbook

    household = warned["100000002"].household
    evil = make_person(name='=HYPERLINK("http://x")', birth=warned["run"].as_of.replace(1980))
    household.members.filter(relation="head").update(relation="spouse")
    household.members.create(person=evil, relation="head")
    dave = clients["dave"]
    response = dave.get("/casework/export.csv?reason=income_below_dibian&sort=level")
    rows = _csv(response)
    assert rows[0][:4] == ["户号", "户主姓名", "户主身份证号码（脱敏）", "住址"]
    assert [r[0] for r in rows[1:]] == ["100000004", "100000002"]
    assert rows[2][1] == '\'=HYPERLINK("http://x")'
    assert rows[2][4] == "138****8000" and "13800138000" not in str(rows)
    xlsx = dave.get("/casework/export.xlsx?reason=income_below_dibian&sort=level")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    table = sheet.to_python()
    assert [r[0] for r in table[1:]] == ["100000004", "100000002"]
    assert table[2][1] == '\'=HYPERLINK("http://x")'
    entries = AuditEntry.objects.filter(action="casework.queue_export").order_by("seq")
    assert [(e.detail["format"], e.detail["rows"]) for e in entries] == [("csv", 2), ("xlsx", 2)]
    # an officer's export never holds another community's rows
    alice_rows = _csv(clients["alice"].get("/casework/export.csv?sort=level"))
    assert [r[0] for r in alice_rows[1:]] == ["100000001", "100000002"]


def test_queue_query_count_is_pinned(warned, clients, district, cast):
    dave = clients["dave"]
    dave.get("/casework/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = dave.get("/casework/")
    assert len(response.context["rows"]) == 4
    from doudi.casework import actions

    for n in range(6):
        head = make_person(name=f"测试{n}", birth=warned["run"].as_of.replace(1970))
        h = make_household(
            hukou_no=f"3000000{n:02d}", community=district["C"], members=[("head", head)]
        )
        actions.task_create(
            actor=cast["dave"],
            household=h,
            origin="walk_in",
            note="来访求助登记",
        )
    with CaptureQueriesContext(connection) as many:
        response = dave.get("/casework/")
    assert len(response.context["rows"]) == 10
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
