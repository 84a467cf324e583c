"""The holiday calendar: every signed-in user reads it; administrators enter a year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doudi.workdays import actions, selectors
from doudi.workdays.forms import HolidayYearForm, days_text
from doudi.workdays.models import HolidayYear, SpecialDay


@require_GET
def year_list(request):
    return render(
        request,
        "workdays/years.html",
        {"years": selectors.holiday_years(), "can_edit": request.user.can.edits_calendar},
    )


@require_GET
def year_detail(request, year: int):
    table = HolidayYear.objects.filter(year=year).first()
    if table is None:
        raise Http404("no table for this year")
    return render(
        request,
        "workdays/year.html",
        {
            "table": table,
            "days": table.days.all(),
            "can_edit": request.user.can.edits_calendar,
        },
    )


@require_http_methods(["GET", "POST"])
def year_edit(request, year: int):
    if not request.user.can.edits_calendar:
        raise PermissionDenied
    if not 2000 <= year <= 2100:
        raise Http404("year out of range")
    table = HolidayYear.objects.filter(year=year).first()
    problems: list[str] = []
    if request.method == "POST":
        form = HolidayYearForm(request.POST)
        if form.is_valid():
            try:
                actions.holiday_year_save(
                    actor=request.user,
                    year=year,
                    source=form.cleaned_data["source"],
                    published_on=form.cleaned_data["published_on"],
                    holidays=form.cleaned_data["holidays"],
                    workdays=form.cleaned_data["workdays"],
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("The %(year)s table is saved.") % {"year": year})
                return redirect("workdays:year", year=year)
    else:
        initial = {}
        if table is not None:
            days = list(table.days.values_list("day", "kind", "name"))
            initial = {
                "source": table.source,
                "published_on": table.published_on,
                "holidays": days_text([(d, n) for d, k, n in days if k == SpecialDay.Kind.HOLIDAY]),
                "workdays": days_text([(d, n) for d, k, n in days if k == SpecialDay.Kind.WORKDAY]),
            }
        form = HolidayYearForm(initial=initial)
    return render(
        request,
        "workdays/year_edit.html",
        {"form": form, "year": year, "table": table, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def year_new(request):
    """The year typed in the "add a year" form → its edit page."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return redirect("workdays:years")
    return redirect("workdays:year_edit", year=year)
