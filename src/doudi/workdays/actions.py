"""Writes to the holiday calendar: seeding from the chinesecalendar package, and a year's
table entered by an administrator when the State Council publishes it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.workdays.models import HolidayYear, SpecialDay

PACKAGE = "chinesecalendar"
# The package's English holiday names → the names the State Council's notices use.
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def package_tables() -> tuple[str, dict[int, list[tuple[dt.date, str, str]]]]:
    """The package's version and its tables by year: (day, kind, name). Empty when the
    package is not installed."""
    try:
        import chinese_calendar
        from chinese_calendar import constants
    except ImportError:
        return "", {}
    years: dict[int, list[tuple[dt.date, str, str]]] = {}
    for day, name in constants.holidays.items():
        years.setdefault(day.year, []).append(
            (day, SpecialDay.Kind.HOLIDAY, PACKAGE_NAMES.get(name, name))
        )
    for day, name in constants.workdays.items():
        if day.weekday() >= 5:  # the package lists every working day; keep the make-up ones
            years.setdefault(day.year, []).append(
                (day, SpecialDay.Kind.WORKDAY, PACKAGE_NAMES.get(name, name))
            )
    return str(getattr(chinese_calendar, "__version__", "")), years


@transaction.atomic
def holiday_years_seed() -> list[int]:
    """Add a table for every year the installed chinesecalendar package covers and the
    database lacks. Years already present (perhaps edited by an administrator) are left alone.
    Returns the years added."""
    version, tables = package_tables()
    existing = set(HolidayYear.objects.values_list("year", flat=True))
    added = []
    for year in sorted(set(tables) - existing):
        table = HolidayYear.objects.create(year=year, source=f"{PACKAGE} {version}".strip())
        SpecialDay.objects.bulk_create(
            [SpecialDay(year=table, day=d, kind=k, name=n) for d, k, n in sorted(tables[year])]
        )
        added.append(year)
    if added:
        audit_record(
            action="workdays.seed",
            object_type="holiday_year",
            detail={"years": added, "package": f"{PACKAGE} {version}".strip()},
        )
    return added


def _days_detail(days) -> dict:
    return {
        "holidays": sorted(d.isoformat() for d, k, _n in days if k == SpecialDay.Kind.HOLIDAY),
        "workdays": sorted(d.isoformat() for d, k, _n in days if k == SpecialDay.Kind.WORKDAY),
    }


def holiday_year_save(
    *,
    actor,
    year: int,
    source: str,
    published_on: dt.date | None,
    holidays: list[tuple[dt.date, str]],
    workdays: list[tuple[dt.date, str]],
    request=None,
) -> HolidayYear:
    """Create or replace one year's table (administrators). Every date must fall in ``year``;
    a make-up working day must be a Saturday or Sunday; no date may be both."""
    if actor is None or not actor.can.edits_calendar:
        audit_record(
            actor=actor,
            action="workdays.year_save",
            object_type="holiday_year",
            object_id=year,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only an administrator edits the holiday calendar")
    problems = []
    if not 2000 <= int(year) <= 2100:
        problems.append("年份须在2000至2100之间")
    source = (source or "").strip()
    if len(source) < 4:
        problems.append("请填写依据（国务院办公厅通知的名称和文号，至少4个字）")
    if not holidays:
        problems.append("请至少填写一个放假日期")
    for day, _name in [*holidays, *workdays]:
        if day.year != int(year):
            problems.append(f"{day.isoformat()} 不在{year}年内")
    for day, _name in workdays:
        if day.weekday() < 5:
            problems.append(f"{day.isoformat()} 是工作日，调休上班日须是周六或周日")
    both = {d for d, _ in holidays} & {d for d, _ in workdays}
    for day in sorted(both):
        problems.append(f"{day.isoformat()} 不能既放假又调休上班")
    if problems:
        raise ValidationError(problems)
    days = [(d, SpecialDay.Kind.HOLIDAY, n) for d, n in holidays] + [
        (d, SpecialDay.Kind.WORKDAY, n) for d, n in workdays
    ]
    with transaction.atomic():
        table = HolidayYear.objects.select_for_update().filter(year=year).first()
        before = None
        if table is None:
            table = HolidayYear.objects.create(
                year=year, source=source[:300], published_on=published_on, updated_by=actor
            )
        else:
            before = _days_detail(table.days.values_list("day", "kind", "name"))
            table.source, table.published_on, table.updated_by = source[:300], published_on, actor
            table.save(update_fields=["source", "published_on", "updated_by", "updated_at"])
            table.days.all().delete()
        SpecialDay.objects.bulk_create(
            [SpecialDay(year=table, day=d, kind=k, name=(n or "")[:64]) for d, k, n in days]
        )
        audit_record(
            actor=actor,
            action="workdays.year_save",
            object_type="holiday_year",
            object_id=year,
            request=request,
            detail={"source": source[:300], "before": before, "after": _days_detail(days)},
        )
    return table
