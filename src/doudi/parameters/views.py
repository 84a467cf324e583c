"""Pages: the parameters in force, proposing a change (diff + impact preview, then confirm),
and reviewing a change (a second person approves money parameters)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.parameters import actions
from doudi.parameters.api import rows_in_force, value_in_force
from doudi.parameters.forms import DecideForm, ProposeForm
from doudi.parameters.models import ParameterChange
from doudi.parameters.specs import BY_NAME, GROUPS, SPECS, WUCHANG
from doudi.parameters.units import display, input_text

_AREA = re.compile(r"^\d{2,12}$")


def _area(request) -> str:
    area = (request.POST.get("area") or request.GET.get("area") or WUCHANG).strip()
    if not _AREA.match(area):
        raise Http404("bad area code")
    return area


def _reads(user) -> bool:
    return bool(user.can.edits_policy or user.can.reads_audit)


def _today() -> dt.date:
    return timezone.localdate()


@require_GET
def parameter_list(request):
    if not _reads(request.user):
        raise PermissionDenied
    area = _area(request)
    rows = rows_in_force(area, _today())
    groups = []
    for key, title in GROUPS.items():
        items = []
        for spec in SPECS:
            if spec.group != key:
                continue
            row = rows.get(spec.name)
            items.append(
                {
                    "spec": spec,
                    "row": row,
                    "shown": display(spec, row.value) if row else _("No record"),
                }
            )
        groups.append((title, items))
    pending = ParameterChange.objects.filter(status=ParameterChange.Status.PENDING).select_related(
        "proposed_by"
    )
    recent = ParameterChange.objects.exclude(status=ParameterChange.Status.PENDING).select_related(
        "proposed_by", "reviewed_by"
    )[:20]
    return render(
        request,
        "parameters/list.html",
        {
            "area": area,
            "groups": groups,
            "pending": [_change_row(c) for c in pending],
            "recent": [_change_row(c) for c in recent],
            "can_edit": request.user.can.edits_policy,
        },
    )


def _change_row(change: ParameterChange) -> dict:
    spec = BY_NAME[change.name]
    return {
        "change": change,
        "spec": spec,
        "old": display(spec, change.old_value) if change.old_value is not None else _("No record"),
        "new": display(spec, change.new_value),
    }


@require_http_methods(["GET", "POST"])
def propose(request, name: str):
    if not request.user.can.edits_policy:
        raise PermissionDenied
    spec = BY_NAME.get(name)
    if spec is None:
        raise Http404("no such parameter")
    area = _area(request)
    today = _today()
    current = value_in_force(name, area, today)
    proposal = None
    problems: list[str] = []
    if request.method == "POST":
        form = ProposeForm(request.POST, spec=spec)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = actions.parameter_change_prepare(
                    name=name,
                    area_code=area,
                    text=data["value"],
                    effective_from=data["effective_from"],
                    source=data["source"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                fingerprint = form.fingerprint()
                if "confirm" in request.POST and data.get("previewed") == fingerprint:
                    change = actions.parameter_change_submit(
                        actor=request.user, proposal=proposal, request=request
                    )
                    if change.needs_approval:
                        messages.success(
                            request, _("The change is saved and awaits another person's approval.")
                        )
                    else:
                        messages.success(
                            request, _("The change is saved and applies from its effective date.")
                        )
                    return redirect("parameters:change", pk=change.pk)
                if "confirm" in request.POST:
                    problems = [
                        _(
                            "The values changed after the preview: check the new preview and confirm again."
                        )
                    ]
                form = ProposeForm({**request.POST.dict(), "previewed": fingerprint}, spec=spec)
                form.is_valid()
    else:
        form = ProposeForm(
            initial={
                "value": input_text(spec, current.value) if current else "",
                "effective_from": today,
            },
            spec=spec,
        )
    return render(
        request,
        "parameters/propose.html",
        {
            "spec": spec,
            "area": area,
            "form": form,
            "current": current,
            "current_shown": display(spec, current.value) if current else _("No record"),
            "proposal": proposal,
            "new_shown": display(spec, proposal.new_value) if proposal else "",
            "problems": problems,
        },
        status=400 if request.method == "POST" and (problems or not form.is_valid()) else 200,
    )


@require_GET
def change_detail(request, pk: int):
    if not _reads(request.user):
        raise PermissionDenied
    change = get_object_or_404(
        ParameterChange.objects.select_related("proposed_by", "reviewed_by"), pk=pk
    )
    own = change.proposed_by_id == request.user.pk
    return render(
        request,
        "parameters/change.html",
        {
            **_change_row(change),
            "can_decide": request.user.can.edits_policy
            and not own
            and change.status == ParameterChange.Status.PENDING,
            "own": own,
            "form": DecideForm(),
        },
    )


@require_POST
def change_decide(request, pk: int):
    if not request.user.can.edits_policy:
        raise PermissionDenied
    change = get_object_or_404(ParameterChange, pk=pk)
    form = DecideForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        actions.parameter_change_decide(
            actor=request.user,
            change_id=change.pk,
            approve=approve,
            note=form.cleaned_data.get("note", ""),
            request=request,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The change is approved and applied.") if approve else _("The change is rejected."),
        )
    return redirect("parameters:change", pk=change.pk)
