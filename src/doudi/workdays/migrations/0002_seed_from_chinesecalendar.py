"""Seed the holiday tables of every year the installed chinesecalendar package covers
(2004–2026 for chinesecalendar 1.11). Later years: `doudi workdays seed` after upgrading the
package, or an administrator enters the State Council's notice on /workdays/."""

from django.db import migrations


def seed(apps, schema_editor):
    from doudi.workdays.actions import PACKAGE, package_tables

    HolidayYear = apps.get_model("workdays", "HolidayYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    version, tables = package_tables()
    existing = set(HolidayYear.objects.values_list("year", flat=True))
    for year in sorted(set(tables) - existing):
        table = HolidayYear.objects.create(year=year, source=f"{PACKAGE} {version}".strip())
        SpecialDay.objects.bulk_create(
            [
                SpecialDay(year=table, day=day, kind=str(kind), name=name)
                for day, kind, name in sorted(tables[year])
            ]
        )


def unseed(apps, schema_editor):
    HolidayYear = apps.get_model("workdays", "HolidayYear")
    HolidayYear.objects.filter(source__startswith="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_holiday_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
