"""Warnings (list, detail), the district summary, runs and the policy — through access.py."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doudi.audit.actions import audit_record
from doudi.monitoring import actions, selectors
from doudi.monitoring.access import (
    access_run,
    access_warning,
    edits_policy,
    reads_warnings,
    require_district,
    runs_for,
)
from doudi.monitoring.charts import street_level_chart
from doudi.monitoring.forms import PolicyFieldsForm, PolicyJSONForm
from doudi.monitoring.models import PolicyVersion, StatisticalModel, Warning
from doudi.monitoring.tasks import monitoring_run_queued
from doudi.registry.models import Jurisdiction


def _require_warnings(user):
    if not reads_warnings(user):
        raise PermissionDenied


def _policy_for_filters(run) -> selectors.PolicyIndex:
    """The labels used by the filters: the current run's policy, else the one in force."""
    version = (
        run.policy_version
        if run and run.policy_version
        else selectors.policy_in_force(on=selectors.today())
    )
    return selectors.PolicyIndex(version.document if version else {})


@require_GET
def warning_list(request):
    _require_warnings(request.user)
    filters = selectors.WarningFilters.from_query(request.GET)
    run = selectors.current_run()
    warnings = selectors.warning_list(user=request.user, filters=filters, run=run)
    page = Paginator(warnings, 50).get_page(request.GET.get("page"))
    changes = selectors.latest_changes(list(page.object_list), run)
    policy = _policy_for_filters(run)
    rows = [
        {
            "warning": w,
            "change": changes.get(w.pk),
            "level_label": policy.level_label(w.level),
            "reasons": [selectors.label(policy.indicators.get(r), r) for r in w.reasons[:4]],
        }
        for w in page.object_list
    ]
    inside = Jurisdiction.objects.filter(code__startswith=request.user.jurisdiction.code)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "run": run,
        "query": query.urlencode(),
        "levels": [(b["level"], selectors.label(b)) for b in reversed(policy.bands)],
        "dimensions": [(d, selectors.label(v)) for d, v in policy.dimensions.items()],
        "indicators": [(i, selectors.label(v)) for i, v in policy.indicators.items()],
        "streets": inside.filter(level=Jurisdiction.Level.STREET),
        "communities": inside.filter(level=Jurisdiction.Level.COMMUNITY),
        "statuses": Warning.Status.choices,
    }
    template = (
        "monitoring/_warning_rows.html"
        if request.headers.get("HX-Request") == "true"
        else "monitoring/warning_list.html"
    )
    return render(request, template, context)


@require_GET
def warning_detail(request, warning_id: int):
    warning = access_warning(request.user, warning_id)
    # Sensitive: the explanation holds health and disability facts.
    audit_record(
        request=request, action="warning.view", object_type="warning", object_id=warning.pk
    )
    explanation = selectors.explanation_view(warning=warning)
    changes = selectors.warning_history(warning=warning)
    return render(
        request,
        "monitoring/warning_detail.html",
        {
            "warning": warning,
            "x": explanation,
            "changes": changes,
            "household_url_allowed": request.user.can.reads_registry,
        },
    )


@require_GET
def summary(request):
    require_district(request.user)
    data = selectors.warning_summary(user=request.user)
    run = selectors.current_run()
    policy = _policy_for_filters(run)
    levels = [b["level"] for b in reversed(policy.bands)]
    levels += [lv for lv in data["levels"] if lv not in levels]
    labels = {lv: policy.level_label(lv) for lv in levels}
    table = [
        {"street": s, "cells": [(labels[lv], s["levels"].get(lv, 0)) for lv in levels]}
        for s in data["streets"]
    ]
    totals = [sum(s["levels"].get(lv, 0) for s in data["streets"]) for lv in levels]
    return render(
        request,
        "monitoring/summary.html",
        {
            "levels": [(lv, labels[lv]) for lv in levels],
            "table": table,
            "totals": totals,
            "total": sum(totals),
            "run": run,
            "chart": street_level_chart(streets=data["streets"], levels=levels, labels=labels),
        },
    )


@require_http_methods(["GET", "POST"])
def run_list(request):
    require_district(request.user)
    if request.method == "POST":
        if not edits_policy(request.user):
            raise PermissionDenied
        try:
            run = actions.monitoring_run_create(actor=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("monitoring:runs")
        transaction.on_commit(lambda: monitoring_run_queued.enqueue(run.pk))
        return redirect("monitoring:run_detail", run_id=run.pk)
    page = Paginator(
        runs_for(request.user).select_related("policy_version", "started_by"), 30
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/run_list.html",
        {"page": page, "can_run": edits_policy(request.user), "current": selectors.current_run()},
    )


@require_GET
def run_detail(request, run_id: int):
    run = access_run(request.user, run_id)
    template = (
        "monitoring/_run_status.html"
        if request.headers.get("HX-Request") == "true"
        else "monitoring/run_detail.html"
    )
    policy = selectors.PolicyIndex(run.policy_version.document if run.policy_version else {})
    levels = [
        (lv, policy.level_label(lv), n)
        for lv, n in sorted(
            run.counts.get("levels", {}).items(), key=lambda kv: -policy.level_rank(kv[0])
        )
    ]
    dimensions = [
        (selectors.label(policy.dimensions.get(d), d), n)
        for d, n in run.counts.get("dimensions", {}).items()
    ]
    street_names = dict(
        Jurisdiction.objects.filter(code__in=list(run.counts.get("streets", {}))).values_list(
            "code", "name"
        )
    )
    streets = [
        (
            street_names.get(code, code or "—"),
            [(policy.level_label(lv), n) for lv, n in by_level.items()],
        )
        for code, by_level in run.counts.get("streets", {}).items()
    ]
    model = (
        StatisticalModel.objects.filter(version=run.model_version).first()
        if run.model_version
        else None
    )
    return render(
        request,
        template,
        {
            "run": run,
            "levels": levels,
            "dimensions": dimensions,
            "streets": streets,
            "model": model,
            "changes": run.counts.get("changes", {}),
            "feed_problems": selectors.feed_problems(run.counts),
            "feeds_checked": bool(run.counts.get("feeds")),
        },
    )


@require_GET
def policy_page(request):
    require_district(request.user)
    in_force = selectors.policy_in_force(on=selectors.today())
    versions = list(selectors.policy_versions())
    return render(
        request,
        "monitoring/policy.html",
        {
            "in_force": in_force,
            "versions": versions,
            "today": selectors.today(),
            "policy": selectors.PolicyIndex(in_force.document) if in_force else None,
            "can_edit": edits_policy(request.user),
        },
    )


@require_GET
def policy_version_detail(request, number: int):
    require_district(request.user)
    try:
        version = PolicyVersion.objects.select_related("created_by").get(number=int(number))
    except (PolicyVersion.DoesNotExist, ValueError):
        raise Http404("no such policy version") from None
    return render(
        request,
        "monitoring/policy_version.html",
        {
            "version": version,
            "policy": selectors.PolicyIndex(version.document),
            "document": json.dumps(version.document, ensure_ascii=False, indent=2),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_edit(request):
    if not edits_policy(request.user):
        raise PermissionDenied
    base_version = (
        selectors.policy_in_force(on=selectors.today())
        or PolicyVersion.objects.order_by("-number").first()
    )
    if base_version is None:
        base_version = actions.policy_default_ensure()
    base = base_version.document
    mode = request.POST.get("mode", "fields")
    data = request.POST if request.method == "POST" else None
    fields_form = PolicyFieldsForm(
        data if mode == "fields" else None,
        base=base,
        prefix="f",
        initial={"effective_from": selectors.today()},
    )
    json_form = PolicyJSONForm(
        data if mode == "json" else None,
        prefix="j",
        initial={
            "effective_from": selectors.today(),
            "document": json.dumps(base, ensure_ascii=False, indent=2),
        },
    )
    problems: list[str] = []
    if request.method == "POST":
        form = json_form if mode == "json" else fields_form
        if form.is_valid():
            document = form.cleaned_data["document"] if mode == "json" else form.document()
            try:
                version = actions.policy_version_create(
                    actor=request.user,
                    document=document,
                    effective_from=form.cleaned_data["effective_from"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(
                    request,
                    _("Policy version %(n)s saved; in force from %(d)s.")
                    % {"n": version.number, "d": version.effective_from},
                )
                return redirect("monitoring:policy")
    return render(
        request,
        "monitoring/policy_edit.html",
        {
            "fields_form": fields_form,
            "json_form": json_form,
            "problems": problems,
            "mode": mode,
            "base_version": base_version,
        },
        status=400 if problems else 200,
    )
