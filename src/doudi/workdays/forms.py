"""The year form: holidays and make-up working days typed as the State Council lists them,
one line each — ``2027-10-01 国庆节`` or a range ``2027-10-01~2027-10-07 国庆节``."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(\d{4}-\d{2}-\d{2}))?\s*(.*)$")
MAX_RANGE_DAYS = 31


def parse_days(text: str, *, what: str) -> list[tuple[dt.date, str]]:
    """Lines of dates or date ranges with an optional name; ValidationError naming each bad
    line."""
    days: list[tuple[dt.date, str]] = []
    problems = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            if match is None:
                raise ValueError
            first = dt.date.fromisoformat(match[1])
            last = dt.date.fromisoformat(match[2]) if match[2] else first
        except ValueError:
            problems.append(
                f"{what}第{number}行“{line[:40]}”不是日期：请写成 2027-10-01 或 "
                "2027-10-01~2027-10-07，后面可加名称"
            )
            continue
        if last < first or (last - first).days > MAX_RANGE_DAYS:
            problems.append(f"{what}第{number}行的日期范围不对：结束日期须在开始日期之后31天内")
            continue
        name = match[3].strip()[:64]
        day = first
        while day <= last:
            days.append((day, name))
            day += dt.timedelta(days=1)
    seen = set()
    for day, _name in days:
        if day in seen:
            problems.append(f"{what}中 {day.isoformat()} 重复了")
        seen.add(day)
    if problems:
        raise forms.ValidationError(problems)
    return days


class HolidayYearForm(forms.Form):
    source = forms.CharField(
        label=_("Source (the State Council notice and its number)"), max_length=300
    )
    published_on = forms.DateField(
        label=_("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    holidays = forms.CharField(
        label=_("Public holidays, one date or range per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    workdays = forms.CharField(
        label=_("Make-up working days (Saturdays or Sundays worked), one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_holidays(self):
        return parse_days(self.cleaned_data["holidays"], what="放假日期")

    def clean_workdays(self):
        return parse_days(self.cleaned_data.get("workdays", ""), what="调休上班日期")


def days_text(days) -> str:
    """A year's days back as the form's lines (consecutive days with one name as a range)."""
    lines, run = [], []
    for day, name in days:
        if run and day == run[-1][0] + dt.timedelta(days=1) and name == run[-1][1]:
            run.append((day, name))
            continue
        if run:
            lines.append(_line(run))
        run = [(day, name)]
    if run:
        lines.append(_line(run))
    return "\n".join(lines)


def _line(run) -> str:
    first, last, name = run[0][0], run[-1][0], run[0][1]
    dates = first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}"
    return f"{dates} {name}".strip()
