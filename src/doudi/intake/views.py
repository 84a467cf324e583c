"""Pages for department data officers (upload, deliveries, quarantine) and the bureau."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.audit.actions import audit_record
from doudi.common.csv_export import csv_download
from doudi.intake import actions
from doudi.intake.access import (
    access_quarantined_row,
    access_run,
    deliverable_feeds,
    feeds_for,
    quarantine_for,
    runs_for,
)
from doudi.intake.forms import UploadForm
from doudi.intake.models import IngestRun, QuarantinedRow
from doudi.intake.selectors import feed_freshness
from doudi.intake.tasks import ingest_uploaded_file
from doudi.privacy.masking import has_id_number, mask_id_numbers
from doudi.registry.actions import reveal_check
from doudi.registry.forms import RevealForm


def _require_feeds(user):
    if not feeds_for(user):
        raise PermissionDenied


@require_GET
def feed_list(request):
    _require_feeds(request.user)
    feeds = feeds_for(request.user)
    runs = runs_for(request.user).select_related("delivered_by")[:20]
    return render(
        request,
        "intake/feeds.html",
        {
            "freshness": feed_freshness(feeds),
            "runs": runs,
            "can_upload": bool(deliverable_feeds(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def upload(request):
    feeds = deliverable_feeds(request.user)
    if not feeds:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, feeds=feeds)
    if request.method == "POST" and form.is_valid():
        feed_id = form.cleaned_data["feed"]
        actions.delivery_check(actor=request.user, feed_id=feed_id)
        upload = form.cleaned_data["file"]
        folder = Path(settings.VAR_DIR) / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        run = actions.ingest_run_create(
            actor=request.user,
            channel=IngestRun.Channel.UPLOAD,
            source_name=Path(upload.name).name,
            feed_id=feed_id,
            upload_path=str(target),
        )
        transaction.on_commit(lambda: ingest_uploaded_file.enqueue(run.pk))
        return redirect("intake:run_detail", run_id=run.pk)
    return render(request, "intake/upload.html", {"form": form, "feeds": feeds})


@require_GET
def run_detail(request, run_id: int):
    run = access_run(request.user, run_id)
    quarantine = Paginator(run.quarantine.order_by("line", "id"), 50).get_page(
        request.GET.get("page")
    )
    template = (
        "intake/_run_status.html"
        if request.headers.get("HX-Request") == "true"
        else "intake/run_detail.html"
    )
    can_decide = run.status == IngestRun.Status.HELD and run.feed_id in {
        f.id for f in deliverable_feeds(request.user)
    }
    return render(
        request, template, {"run": run, "quarantine": quarantine, "can_decide": can_decide}
    )


@require_POST
def run_decide(request, run_id: int):
    """Confirm a held snapshot (it replaces the one in force) or withdraw it."""
    run = access_run(request.user, run_id)
    decision = request.POST.get("decision")
    try:
        if decision not in ("confirm", "withdraw"):
            raise ValidationError("decision must be confirm or withdraw")
        actions.held_run_decide(
            actor=request.user, run=run, confirm=decision == "confirm", request=request
        )
    except ValidationError:
        messages.error(request, _("This delivery is not waiting for confirmation."))
    return redirect("intake:run_detail", run_id=run.pk)


@require_GET
def quarantine_list(request):
    _require_feeds(request.user)
    rows = quarantine_for(request.user).select_related("run")
    feed = request.GET.get("feed", "")
    state = request.GET.get("state", QuarantinedRow.State.OPEN)
    if feed:
        rows = rows.filter(feed_id=feed)
    if state:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-run_id", "line", "id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/quarantine.html",
        {"page": page, "feed": feed, "state": state, "feeds": feeds_for(request.user)},
    )


@require_GET
def quarantine_download(request):
    """Quarantined rows as CSV (UTF-8 with BOM for Excel), every cell formula-safe."""
    _require_feeds(request.user)
    rows = quarantine_for(request.user).filter(state=QuarantinedRow.State.OPEN)
    feed = request.GET.get("feed", "")
    if feed:
        rows = rows.filter(feed_id=feed)
    rows = rows.order_by("run_id", "line", "id")
    audit_record(
        request=request,
        action="intake.quarantine_download",
        object_type="feed",
        object_id=feed,
        detail={"rows": rows.count()},
    )

    def stream():
        for row in rows.iterator(chunk_size=1000):
            yield (
                row.feed_id,
                row.run_id,
                row.location,
                row.field,
                row.reason_zh,
                row.reason_en,
                _masked_raw(row.raw),
            )

    return csv_download(
        "quarantine.csv", ["数据项", "批次", "位置", "字段", "原因", "Reason", "原始数据"], stream()
    )


def _masked_raw(raw_json: str) -> str:
    """A quarantined row's original cells (JSON) with every ID number masked."""
    raw = json.loads(raw_json)
    return json.dumps(
        {key: mask_id_numbers(str(value)) for key, value in raw.items()}, ensure_ascii=False
    )


def _correct_page(request, row, values: dict, *, revealed=False, status=200, **extra):
    """The correction page. ID numbers in the cells are masked unless just revealed (with a
    reason, audited); a masked cell sent back unchanged keeps its original value."""
    shown = values if revealed else {k: mask_id_numbers(str(v)) for k, v in values.items()}
    context = {
        "row": row,
        "cells": list(enumerate(shown.items())),
        "error": "",
        "run": None,
        "can_correct": request.user.can.delivers_feeds,
        "has_ids": not revealed and any(has_id_number(str(v)) for v in values.values()),
        "revealed": revealed,
        "reveal_form": extra.pop("reveal_form", None) or RevealForm(),
        **extra,
    }
    return render(request, "intake/correct.html", context, status=status)


@require_http_methods(["GET", "POST"])
def quarantine_correct(request, row_id: int):
    row = access_quarantined_row(request.user, row_id)
    raw = json.loads(row.raw)
    error, run = "", None
    if request.method == "POST":
        values = {}
        for i, key in enumerate(raw):
            value = request.POST.get(f"v_{i}", "")
            original = str(raw[key])
            # The page showed this cell masked: sent back unchanged, it keeps the original.
            if value != original and value == mask_id_numbers(original):
                value = original
            values[key] = value
        try:
            run = actions.quarantine_resubmit(actor=request.user, row=row, values=values)
        except ValidationError as exc:
            error = exc.messages[0]
        if run is not None and row.state == QuarantinedRow.State.RESUBMITTED:
            return redirect("intake:run_detail", run_id=run.pk)
        raw = values
    audit_record(
        request=request,
        action="intake.quarantine_view",
        object_type="quarantined_row",
        object_id=row.pk,
    )
    return _correct_page(request, row, raw, error=error, run=run)


@require_POST
def quarantine_reveal_id(request, row_id: int):
    """Show a quarantined row's cells with full ID numbers: the roles and reason rules of every
    reveal (the register's helper), audited as ``intake.quarantine_reveal_id``."""
    row = access_quarantined_row(request.user, row_id)
    raw = json.loads(row.raw)
    form = RevealForm(request.POST)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _correct_page(request, row, raw, error=error, reveal_form=form, status=400)
    try:
        reveal_check(
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            purpose=form.cleaned_data.get("purpose", ""),
            action="intake.quarantine_reveal_id",
            object_type="quarantined_row",
            object_id=row.pk,
            request=request,
        )
    except ValidationError as exc:
        return _correct_page(request, row, raw, error=exc.messages[0], reveal_form=form, status=400)
    return _correct_page(request, row, raw, revealed=True)
