"""China's official calendar: holidays and make-up working days from the seeded tables, a
year without a table refused, and the administrator's page for next year's table."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from doudi.audit.models import AuditEntry
from doudi.workdays.models import HolidayYear, SpecialDay
from doudi.workdays.selectors import (
    CalendarMissing,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_2025_national_day_holiday_and_its_make_up_working_days():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    assert [is_working_day(D(2025, 9, day)) for day in (27, 28, 29, 30)] == [
        False,
        True,
        True,
        True,
    ]
    assert [is_working_day(D(2025, 10, day)) for day in range(1, 13)] == [
        *[False] * 8,  # 1–8 October
        True,  # Thursday 9
        True,  # Friday 10
        True,  # Saturday 11, a make-up working day
        False,  # Sunday 12
    ]
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 26), 3) == D(2025, 9, 30)  # through Sunday the 28th
    assert add_working_days(D(2025, 9, 30), 0) == D(2025, 9, 30)
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3
    assert working_days_between(D(2025, 10, 11), D(2025, 9, 30)) == -3


def test_spring_festival_2026_across_the_year_boundary_of_tables():
    # 2026-02-15..23 off; Saturday 14 and Saturday 28 February worked.
    calendar = WorkCalendar()
    assert calendar.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert calendar.add(D(2025, 12, 30), 3) == D(2026, 1, 5)  # 2026-01-01..03 off


def test_a_year_without_a_table_is_refused_with_a_clear_message():
    assert not HolidayYear.objects.filter(year=2027).exists()
    with pytest.raises(CalendarMissing) as caught:
        add_working_days(D(2026, 12, 29), 5)
    assert str(caught.value) == (
        "2027年的法定节假日安排尚未录入，无法按工作日计算期限。"
        "请系统管理员在“节假日安排”页面录入国务院办公厅公布的2027年安排。"
    )
    assert add_working_days(D(2026, 12, 29), 2) == D(2026, 12, 31)  # stays inside 2026


def test_seeded_from_the_chinesecalendar_package():
    years = list(HolidayYear.objects.order_by("year").values_list("year", flat=True))
    assert years == list(range(2004, 2027))
    table = HolidayYear.objects.get(year=2025)
    assert table.source == "chinesecalendar 1.11.0"
    workdays = table.days.filter(kind=SpecialDay.Kind.WORKDAY).order_by("day")
    assert [(d.day, d.name) for d in workdays] == [
        (D(2025, 1, 26), "春节"),
        (D(2025, 2, 8), "春节"),
        (D(2025, 4, 27), "劳动节"),
        (D(2025, 9, 28), "国庆节"),
        (D(2025, 10, 11), "国庆节"),
    ]
    out = StringIO()
    call_command("workdays", "seed", stdout=out)
    assert out.getvalue() == "nothing to add: chinesecalendar 1.11.0 covers 2004–2026\n"


YEAR_2027 = {
    "source": "国务院办公厅关于2027年部分节假日安排的通知（演示）",
    "published_on": "2026-11-10",
    "holidays": "2027-01-01 元旦\n2027-10-01~2027-10-07 国庆节",
    "workdays": "2027-09-26 国庆节\n2027-10-09 国庆节",
}


def test_the_administrator_enters_next_year_and_deadlines_reach_into_it(cast):
    from tests.conftest import sign_in

    grace = sign_in(cast["grace"])
    assert grace.get("/workdays/2027/edit/").status_code == 200
    response = grace.post("/workdays/2027/edit/", YEAR_2027)
    assert response.status_code == 302 and response["Location"] == "/workdays/2027/"
    table = HolidayYear.objects.get(year=2027)
    assert (table.source, table.published_on, table.updated_by) == (
        YEAR_2027["source"],
        D(2026, 11, 10),
        cast["grace"],
    )
    assert table.days.filter(kind="holiday").count() == 8
    # Thursday 30 September 2027: the next working day is Friday 8 October, then Saturday 9th
    assert add_working_days(D(2027, 9, 30), 1) == D(2027, 10, 8)
    assert add_working_days(D(2027, 9, 30), 2) == D(2027, 10, 9)
    assert add_working_days(D(2027, 9, 30), 3) == D(2027, 10, 11)
    entry = AuditEntry.objects.get(action="workdays.year_save", outcome="success")
    assert entry.detail["after"]["workdays"] == ["2027-09-26", "2027-10-09"]
    page = grace.get("/workdays/2027/edit/").content.decode()
    assert "2027-10-01~2027-10-07 国庆节" in page


def test_bad_lines_are_refused_naming_the_line_and_nothing_is_saved(cast):
    from tests.conftest import sign_in

    grace = sign_in(cast["grace"])
    response = grace.post(
        "/workdays/2027/edit/",
        {**YEAR_2027, "holidays": "2027-01-01 元旦\n十月一日 国庆节", "workdays": "2027-09-27"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "放假日期第2行“十月一日 国庆节”不是日期" in html
    assert "十月一日 国庆节" in html  # what was typed is still in the form
    assert not HolidayYear.objects.filter(year=2027).exists()
    response = grace.post("/workdays/2027/edit/", {**YEAR_2027, "workdays": "2027-09-27 周一"})
    assert "2027-09-27 是工作日，调休上班日须是周六或周日" in response.content.decode()
    assert not HolidayYear.objects.filter(year=2027).exists()


@pytest.mark.parametrize("who", ["alice", "carol", "dave", "erin", "heidi"])
def test_only_the_administrator_edits_the_calendar(cast, clients, who):
    assert clients[who].get("/workdays/").status_code == 200
    assert clients[who].get("/workdays/2025/").status_code == 200
    assert clients[who].get("/workdays/2027/edit/").status_code == 403
    assert clients[who].post("/workdays/2027/edit/", YEAR_2027).status_code == 403
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/workdays/2027/edit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
