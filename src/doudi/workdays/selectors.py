"""Working days by China's official calendar — the one place deadlines count them.

``add_working_days(start, n)`` is the n-th working day after ``start`` (``start`` itself is
not counted, so an acceptance on a Friday with 3 working days is due on Wednesday);
``working_days_between(start, end)`` counts the working days after ``start`` up to and
including ``end``, so ``working_days_between(s, add_working_days(s, n)) == n``.

A working day is a Monday–Friday that is not a public holiday, or a make-up working day
(调休上班). Both need the year's table (:class:`~doudi.workdays.models.HolidayYear`); a date
in a year without one raises :class:`CalendarMissing` instead of guessing.
"""

from __future__ import annotations

import datetime as dt

from doudi.workdays.models import HolidayYear, SpecialDay

# A deadline more than this many working days ahead is a typo, not a policy.
MAX_WORKING_DAYS = 1000


class CalendarMissing(Exception):
    """A date falls in a year whose holiday arrangement has not been entered."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法按工作日计算期限。"
            f"请系统管理员在“节假日安排”页面录入国务院办公厅公布的{year}年安排。"
        )


class WorkCalendar:
    """The official calendar, reading each year's table once (one query per year)."""

    def __init__(self):
        self._years: dict[int, dict[dt.date, str]] = {}

    def special_days(self, year: int) -> dict[dt.date, str]:
        if year not in self._years:
            days = dict(SpecialDay.objects.filter(year__year=year).values_list("day", "kind"))
            if not days and not HolidayYear.objects.filter(year=year).exists():
                raise CalendarMissing(year)
            self._years[year] = days
        return self._years[year]

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.special_days(day.year).get(day)
        if kind == SpecialDay.Kind.HOLIDAY:
            return False
        if kind == SpecialDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5

    def add(self, start: dt.date, n: int) -> dt.date:
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {n}")
        day = start
        while n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def add_working_days(start: dt.date, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The n-th working day after ``start``; raises :class:`CalendarMissing` for a year
    without a table."""
    return (calendar or WorkCalendar()).add(start, n)


def working_days_between(
    start: dt.date, end: dt.date, *, calendar: WorkCalendar | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier)."""
    return (calendar or WorkCalendar()).between(start, end)


def is_working_day(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or WorkCalendar()).is_working_day(day)


def holiday_years():
    """Every year with a table, newest first, with its counts of holidays and make-up days."""
    from django.db.models import Count, Q

    return HolidayYear.objects.select_related("updated_by").annotate(
        holidays=Count("days", filter=Q(days__kind=SpecialDay.Kind.HOLIDAY)),
        workdays=Count("days", filter=Q(days__kind=SpecialDay.Kind.WORKDAY)),
    )
