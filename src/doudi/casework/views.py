"""Casework pages: thin — load through access.py, call one action or selector, render.
HTMX requests get the partial from the same view."""

from __future__ import annotations

import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.audit.actions import audit_record
from doudi.casework import actions, charts, selectors
from doudi.casework.access import (
    access_attachment,
    access_grant,
    access_referral,
    access_task,
    access_visit,
    grants_for,
    reads_casework,
    referrals_for,
    tasks_for,
    works_cases,
)
from doudi.casework.forms import (
    AcknowledgeForm,
    AssistGrantForm,
    AttachmentForm,
    DispositionForm,
    DrawForm,
    PaperworkForm,
    ParameterForm,
    ProviderForm,
    RateForm,
    ReferralForm,
    RespondForm,
    SaveFilterForm,
    SessionForm,
    TaskCreateForm,
    VisitForm,
    cause_label,
    need_label,
    problems_of,
    yuan_to_fen,
)
from doudi.casework.models import (
    Disposition,
    Notification,
    Provider,
    Referral,
    SavedFilter,
    Task,
    Visit,
)
from doudi.common.csv_export import csv_download, safe_cell
from doudi.monitoring import selectors as monitoring_selectors
from doudi.registry.access import access_household
from doudi.registry.models import Jurisdiction, Membership


def _require_reader(user):
    if not reads_casework(user):
        raise PermissionDenied


def _require_worker(user):
    if not works_cases(user):
        raise PermissionDenied


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _policy():
    run = monitoring_selectors.current_run()
    version = (
        run.policy_version
        if run and run.policy_version
        else monitoring_selectors.policy_in_force(on=monitoring_selectors.today())
    )
    return monitoring_selectors.PolicyIndex(version.document if version else {})


# --- the work queue ------------------------------------------------------------------------


def _rows(tasks, policy) -> list[dict]:
    on = monitoring_selectors.today()
    rows = []
    for task in tasks:
        warning = task.warning
        head = selectors.head_of(task)
        rows.append(
            {
                "task": task,
                "head": head,
                "level": policy.level_label(warning.level) if warning else "",
                "reasons": [
                    monitoring_selectors.label(policy.indicators.get(r), r)
                    for r in (warning.reasons if warning else [])
                ],
                "age": (on - timezone.localdate(task.started_at)).days,
                "overdue": bool(
                    task.due_on and task.due_on < on and not task.visited_at and task.is_open
                ),
            }
        )
    return rows


def _queue_context(request, filters) -> dict:
    user = request.user
    policy = _policy()
    tasks = selectors.queue(user=user, filters=filters)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    inside = Jurisdiction.objects.filter(code__startswith=user.jurisdiction.code)
    return {
        "page": page,
        "rows": _rows(page.object_list, policy),
        "filters": filters,
        "query": filters.query(),
        "levels": [(b["level"], monitoring_selectors.label(b)) for b in reversed(policy.bands)],
        "dimensions": [(d, monitoring_selectors.label(v)) for d, v in policy.dimensions.items()],
        "indicators": [(i, monitoring_selectors.label(v)) for i, v in policy.indicators.items()],
        "streets": inside.filter(level=Jurisdiction.Level.STREET),
        "communities": inside.filter(level=Jurisdiction.Level.COMMUNITY),
        "officers": list(selectors.officers_for(user)),
        "statuses": [("active", _("Not closed"))] + list(Task.Status.choices),
        "sorts": [
            ("overdue", _("Overdue first")),
            ("level", _("Level")),
            ("score", _("Score")),
            ("due", _("Due date")),
        ],
        "saved": selectors.saved_filters(user=user),
        "can_assign": user.can.assigns_tasks,
    }


@require_GET
def queue(request):
    _require_reader(request.user)
    filters = selectors.QueueFilters.from_query(request.GET)
    context = _queue_context(request, filters)
    template = "casework/_queue_rows.html" if _htmx(request) else "casework/queue.html"
    return render(request, template, context)


EXPORT_HEADER = [
    "户号",
    "户主姓名",
    "户主身份证号码（脱敏）",
    "住址",
    "联系电话（脱敏）",
    "街道",
    "社区",
    "预警等级",
    "风险分",
    "预警原因",
    "预警天数",
    "负责人",
    "任务状态",
    "期限",
    "是否逾期",
]


def _export_rows(request, filters):
    policy = _policy()
    tasks = selectors.queue(user=request.user, filters=filters)
    for row in _rows(tasks, policy):
        task, head = row["task"], row["head"]
        yield [
            task.household.hukou_no,
            head.name if head else "",
            head.id_masked if head else "",
            task.household.address,
            head.phone_masked if head and head.phone else "",
            task.household.community.parent.name if task.household.community.parent else "",
            task.household.community.name,
            row["level"],
            "" if task.warning is None else f"{task.warning.score:.1f}",
            "、".join(row["reasons"]),
            row["age"],
            task.assignee.label if task.assignee else "",
            task.get_status_display(),
            task.due_on.isoformat() if task.due_on else "",
            "是" if row["overdue"] else "否",
        ]


@require_GET
def queue_export(request, fmt: str):
    """Exactly the rows the filters show (every page), masked IDs and phones, safe against
    formula injection; CSV or XLSX."""
    _require_reader(request.user)
    filters = selectors.QueueFilters.from_query(request.GET)
    rows = list(_export_rows(request, filters))
    audit_record(
        request=request,
        action="casework.queue_export",
        object_type="task",
        detail={"format": fmt, "rows": len(rows), "filters": filters.query()},
    )
    stamp = monitoring_selectors.today().isoformat()
    if fmt == "csv":
        return csv_download(f"worklist-{stamp}.csv", EXPORT_HEADER, rows)
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("工作清单")
    for c, text in enumerate(EXPORT_HEADER):
        sheet.write_string(0, c, text)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, safe_cell(value))
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="worklist-{stamp}.xlsx"'
    return response


def _back_to_queue(request) -> str:
    """The queue with the filters the form came from (a path of ours: no open redirect)."""
    from django.urls import reverse

    query = request.POST.get("query", "")
    return reverse("casework:queue") + (f"?{query}" if query else "")


@require_POST
def queue_assign(request):
    _require_reader(request.user)
    ids = [int(v) for v in request.POST.getlist("task") if v.isdigit()]
    tasks = list(tasks_for(request.user).filter(pk__in=ids).select_related("community"))
    if not ids:
        messages.error(request, _("Select at least one task to assign."))
        return redirect(_back_to_queue(request))
    if len(tasks) != len(set(ids)):
        raise Http404("no such task")
    assignee = None
    if request.POST.get("assignee", "").isdigit():
        assignee = (
            selectors.officers_for(request.user).filter(pk=int(request.POST["assignee"])).first()
        )
        if assignee is None:
            raise Http404("no such officer")
    try:
        counts = actions.tasks_assign_bulk(
            actor=request.user, tasks=tasks, assignee=assignee, request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Assigned: %(list)s")
            % {"list": "、".join(f"{name} {n}" for name, n in sorted(counts.items()))},
        )
    return redirect(_back_to_queue(request))


@require_POST
def filter_save(request):
    _require_reader(request.user)
    form = SaveFilterForm(request.POST)
    if form.is_valid():
        query = {k: request.POST.get(k, "") for k in selectors.FILTER_KEYS}
        try:
            actions.saved_filter_save(
                actor=request.user, name=form.cleaned_data["name"], query=query
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Filter saved."))
    else:
        messages.error(request, "；".join(problems_of(form)))
    return redirect(_back_to_queue(request))


@require_POST
def filter_delete(request, filter_id: int):
    saved = SavedFilter.objects.filter(pk=filter_id, user=request.user).first()
    if saved is None:
        raise Http404("no such filter")
    actions.saved_filter_delete(actor=request.user, saved=saved)
    return redirect("casework:queue")


# --- a task ----------------------------------------------------------------------------------


def _evidence(task: Task) -> dict | None:
    if task.warning is None:
        return None
    return monitoring_selectors.explanation_view(warning=task.warning)


@require_GET
def task_detail(request, task_id: int):
    task = access_task(request.user, task_id)
    audit_record(request=request, action="task.view", object_type="task", object_id=task.pk)
    visits = list(task.visits.select_related("recorded_by").prefetch_related("attachments"))
    referrals = list(task.referrals.select_related("provider").prefetch_related("sessions"))
    providers = {
        need: selectors.providers_matching(need=need, community=task.community)
        for need in actions.SERVICE_NEEDS
    }
    matching = sorted({p.pk: p for ps in providers.values() for p in ps}.values(), key=str)
    return render(
        request,
        "casework/task.html",
        {
            "task": task,
            "household": task.household,
            "members": list(
                Membership.objects.filter(household=task.household)
                .select_related("person")
                .order_by("id")
            ),
            "x": _evidence(task),
            "events": list(task.events.select_related("actor")),
            "visits": visits,
            "draft": next((v for v in visits if v.status == Visit.Status.DRAFT), None),
            "dispositions": list(task.dispositions.select_related("decided_by")),
            "referrals": referrals,
            "grants": list(task.assist_grants.all()),
            "officers": list(selectors.officers_of(task.community)),
            "disposition_form": DispositionForm(),
            "referral_form": ReferralForm(providers=matching),
            "providers_by_need": {need_label(n): ps for n, ps in providers.items()},
            "ack_form": AcknowledgeForm(),
            "can_work": works_cases(request.user),
            "can_assign": request.user.can.assigns_tasks,
            "can_grant": request.user.can.grants_assist_first,
            "causes": [cause_label(c) for v in visits for c in v.causes],
        },
    )


def _task_action(request, task, fn, **kwargs):
    try:
        fn(actor=request.user, task=task, request=request, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("casework:task", task_id=task.pk)


@require_POST
def task_assign(request, task_id: int):
    task = access_task(request.user, task_id)
    officer = (
        selectors.officers_of(task.community)
        .filter(pk=int(request.POST.get("assignee") or 0))
        .first()
    )
    if officer is None:
        messages.error(request, _("Choose an officer of the task's community."))
        return redirect("casework:task", task_id=task.pk)
    return _task_action(request, task, actions.task_assign, assignee=officer)


@require_POST
def task_close(request, task_id: int):
    task = access_task(request.user, task_id)
    return _task_action(request, task, actions.task_close)


@require_POST
def disposition_create(request, task_id: int):
    task = access_task(request.user, task_id)
    form = DispositionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(problems_of(form)))
        return redirect("casework:task", task_id=task.pk)
    return _task_action(request, task, actions.disposition_record, **form.cleaned_data)


@require_POST
def disposition_ack(request, disposition_id: int):
    disposition = Disposition.objects.filter(
        pk=disposition_id, task__in=tasks_for(request.user)
    ).first()
    if disposition is None:
        raise Http404("no such disposition")
    form = AcknowledgeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(problems_of(form))
        actions.disposition_acknowledge(
            actor=request.user,
            disposition=disposition,
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("casework:task", task_id=disposition.task_id)


@require_POST
def referral_create(request, task_id: int):
    task = access_task(request.user, task_id)
    need = request.POST.get("need", "")
    providers = selectors.providers_matching(need=need, community=task.community)
    form = ReferralForm(request.POST, providers=providers)
    if not form.is_valid():
        messages.error(request, "；".join(problems_of(form)))
        return redirect("casework:task", task_id=task.pk)
    provider = next(p for p in providers if p.pk == form.cleaned_data["provider"])
    return _task_action(
        request,
        task,
        actions.referral_create,
        provider=provider,
        need=form.cleaned_data["need"],
        note=form.cleaned_data["note"],
    )


# --- home visits -----------------------------------------------------------------------------


@require_POST
def visit_start(request, task_id: int):
    task = access_task(request.user, task_id)
    try:
        visit = actions.visit_start(actor=request.user, task=task, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("casework:task", task_id=task.pk)
    return redirect("casework:visit", visit_id=visit.pk)


def _members(visit: Visit):
    return list(
        Membership.objects.filter(household=visit.household).select_related("person").order_by("id")
    )


def _initial(visit: Visit, user) -> dict:
    if visit.draft:
        return dict(visit.draft)
    return {
        "visited_on": monitoring_selectors.today().isoformat(),
        "mode": Visit.Mode.IN_PERSON,
        "visitor_1": user.label,
    }


def _draft_data(post) -> dict:
    data = {}
    for key in post:
        if key in ("csrfmiddlewaretoken",):
            continue
        values = post.getlist(key)
        data[key] = values if key in ("members_present", "causes", "needs") else values[-1]
    return data


@require_http_methods(["GET", "POST"])
def visit_form(request, visit_id: int):
    visit = access_visit(request.user, visit_id)
    members = _members(visit)
    if visit.status == Visit.Status.COMPLETED:
        audit_record(request=request, action="visit.view", object_type="visit", object_id=visit.pk)
        return render(
            request,
            "casework/visit_done.html",
            {
                "visit": visit,
                "members": {m.person_id: m.person.name for m in members},
                "causes": [cause_label(c) for c in visit.causes],
                "needs": [need_label(n) for n in visit.needs],
                "attachments": list(visit.attachments.all()),
                "draft_key": f"doudi-visit-{visit.pk}",
            },
        )
    _require_worker(request.user)
    problems: list[str] = []
    if request.method == "POST":
        # Whatever happens next, what was typed is kept.
        actions.visit_draft_save(
            actor=request.user, visit=visit, data=_draft_data(request.POST), request=request
        )
        form = VisitForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.visit_complete(
                    actor=request.user,
                    visit=visit,
                    visited_on=data["visited_on"],
                    mode=data["mode"],
                    visitors=form.visitors(),
                    members_present=data["members_present"],
                    member_confirmed_by=data["member_confirmed_by"],
                    living_conditions=data["living_conditions"],
                    observed_income_fen=yuan_to_fen(data["observed_income"]),
                    observed_spending_fen=yuan_to_fen(data["observed_spending"]),
                    hardship=data["hardship"],
                    causes=data["causes"],
                    needs=data["needs"],
                    notes=data["notes"],
                    outcome=data["outcome"],
                    visitors_confirmed=data["visitors_confirmed"],
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("The home visit is recorded."))
                return redirect("casework:visit", visit_id=visit.pk)
        else:
            problems = problems_of(form)
    else:
        form = VisitForm(initial=_initial(visit, request.user), members=members)
    return render(
        request,
        "casework/visit.html",
        {
            "visit": visit,
            "task": visit.task,
            "form": form,
            "problems": problems,
            "attachments": list(visit.attachments.all()),
            "attachment_form": AttachmentForm(),
            "remote_allowed": actions.remote_visits_allowed(
                area_code=visit.household.community.code, on=monitoring_selectors.today()
            ),
            "draft_key": f"doudi-visit-{visit.pk}",
        },
        status=400 if problems else 200,
    )


@require_POST
def visit_draft(request, visit_id: int):
    """The form as typed, from the page's script (JSON) while the visitors type."""
    visit = access_visit(request.user, visit_id)
    _require_worker(request.user)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The draft could not be read.")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("The draft could not be read.")}, status=400)
    try:
        actions.visit_draft_save(actor=request.user, visit=visit, data=data, request=request)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=409)
    return JsonResponse({"saved_at": visit.draft_saved_at.isoformat()})


@require_POST
def attachment_add(request, visit_id: int):
    visit = access_visit(request.user, visit_id)
    _require_worker(request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(problems_of(form)))
        return redirect("casework:visit", visit_id=visit.pk)
    upload = form.cleaned_data["file"]
    limit = actions.settings.DOUDI_ATTACHMENT_MAX_BYTES
    data = upload.read(limit + 1)
    try:
        actions.attachment_add(
            actor=request.user, visit=visit, name=upload.name, data=data, request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Attachment added."))
    return redirect("casework:visit", visit_id=visit.pk)


@require_GET
def attachment_download(request, attachment_id: int):
    attachment = access_attachment(request.user, attachment_id)
    path = actions.attachment_path(attachment)
    if not path.exists():
        raise Http404("attachment file missing")
    audit_record(
        request=request,
        action="attachment.view",
        object_type="attachment",
        object_id=attachment.pk,
    )
    response = FileResponse(
        path.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.name,
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- service referrals (officers and providers) ---------------------------------------------


@require_GET
def referral_detail(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    audit_record(
        request=request, action="referral.view", object_type="referral", object_id=referral.pk
    )
    is_provider = request.user.can.provides_services
    return render(
        request,
        "casework/referral.html",
        {
            "referral": referral,
            "need": need_label(referral.need),
            "sessions": list(referral.sessions.all()),
            "is_provider": is_provider,
            "respond_form": RespondForm(),
            "session_form": SessionForm(
                initial={"held_on": monitoring_selectors.today().isoformat()}
            ),
            "rate_form": RateForm(),
            "head": Membership.objects.filter(
                household=referral.household, relation=Membership.Relation.HEAD
            )
            .select_related("person")
            .first(),
        },
    )


def _referral_action(request, referral, fn, form=None, **kwargs):
    try:
        if form is not None:
            if not form.is_valid():
                raise ValidationError(problems_of(form))
            kwargs.update(form.cleaned_data)
        fn(actor=request.user, referral=referral, request=request, **kwargs)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("casework:referral", referral_id=referral.pk)


@require_POST
def referral_respond(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    return _referral_action(
        request, referral, actions.referral_respond, form=RespondForm(request.POST)
    )


@require_POST
def session_create(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    return _referral_action(request, referral, actions.session_log, form=SessionForm(request.POST))


@require_POST
def referral_complete(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    return _referral_action(request, referral, actions.referral_complete)


@require_POST
def referral_rate(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    return _referral_action(request, referral, actions.referral_rate, form=RateForm(request.POST))


@require_GET
def referral_list(request):
    """A provider's own referrals (and, for officers, their jurisdiction's)."""
    referrals = (
        referrals_for(request.user)
        .select_related("provider", "household__community")
        .order_by("status", "-id")
    )
    if not request.user.can.provides_services:
        _require_reader(request.user)
    return render(
        request,
        "casework/referrals.html",
        {
            "referrals": [(r, need_label(r.need)) for r in referrals[:200]],
            "hours": selectors.volunteer_hours(providers=Provider.objects.filter(user=request.user))
            if request.user.can.provides_services
            else {},
        },
    )


# --- a household's whole profile ----------------------------------------------------------


@require_GET
def household_profile(request, household_id: int):
    household = access_household(request.user, household_id)
    _require_reader(request.user)
    audit_record(
        request=request, action="household.view", object_type="household", object_id=household.pk
    )
    warning = getattr(household, "warning", None)
    x = monitoring_selectors.explanation_view(warning=warning) if warning else None
    tasks = list(
        tasks_for(request.user)
        .filter(household=household)
        .select_related("assignee")
        .order_by("-id")
    )
    visits = list(
        Visit.objects.filter(household=household, status=Visit.Status.COMPLETED).order_by(
            "-visited_on", "-id"
        )
    )
    today = monitoring_selectors.today()
    members = []
    for m in Membership.objects.filter(household=household).select_related("person").order_by("id"):
        birth = m.person.birth_date
        age = (
            None
            if birth is None
            else today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        )
        members.append({"m": m, "age": age})
    changes = monitoring_selectors.warning_history(warning=warning) if warning else []
    return render(
        request,
        "casework/household.html",
        {
            "household": household,
            "members": members,
            "warning": warning,
            "x": x,
            "changes": changes,
            "tasks": tasks,
            "visits": [
                (v, [cause_label(c) for c in v.causes], [need_label(n) for n in v.needs])
                for v in visits
            ],
            "referrals": list(
                Referral.objects.filter(household=household)
                .select_related("provider")
                .prefetch_related("sessions")
            ),
            "grants": list(grants_for(request.user).filter(household=household)),
            "task_form": TaskCreateForm(),
            "can_work": works_cases(request.user),
        },
    )


@require_POST
def task_create(request, household_id: int):
    household = access_household(request.user, household_id)
    form = TaskCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(problems_of(form)))
        return redirect("casework:household", household_id=household.pk)
    try:
        task = actions.task_create(
            actor=request.user,
            household=household,
            origin=form.cleaned_data["origin"],
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("casework:household", household_id=household.pk)
    return redirect("casework:task", task_id=task.pk)


# --- assist first --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assist(request):
    _require_reader(request.user)
    can_grant = request.user.can.grants_assist_first
    form = AssistGrantForm(request.POST if request.method == "POST" else None)
    problems: list[str] = []
    task = None
    if request.GET.get("task") or request.POST.get("task"):
        task = access_task(request.user, request.GET.get("task") or request.POST.get("task"))
    if request.method == "POST":
        if not can_grant:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                grant = actions.assist_grant(
                    actor=request.user,
                    task=task,
                    recipient_name=data["recipient_name"],
                    recipient_id_number=data["recipient_id_number"],
                    hukou_place=data["hukou_place"],
                    amount_fen=yuan_to_fen(data["amount"]),
                    reason=data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("Assist-first aid granted and recorded."))
                return redirect("casework:grant", grant_id=grant.pk)
        else:
            problems = problems_of(form)
    elif task is not None:
        head = (
            Membership.objects.filter(household=task.household, relation=Membership.Relation.HEAD)
            .select_related("person")
            .first()
        )
        form = AssistGrantForm(initial={"recipient_name": head.person.name if head else ""})
    limit = None
    if request.user.jurisdiction.level == Jurisdiction.Level.STREET:
        limit = selectors.parameter_in_force(
            "assist_first_limit_fen",
            area_code=request.user.jurisdiction.code,
            on=monitoring_selectors.today(),
        )
    return render(
        request,
        "casework/assist.html",
        {
            "form": form,
            "problems": problems,
            "task": task,
            "can_grant": can_grant,
            "limit": limit,
            "grants": list(
                grants_for(request.user)
                .select_related("street", "granted_by")
                .order_by("paperwork_completed_at", "-granted_at")[:100]
            ),
            "today": monitoring_selectors.today(),
        },
        status=400 if problems else 200,
    )


@require_GET
def grant_detail(request, grant_id: int):
    grant = access_grant(request.user, grant_id)
    audit_record(
        request=request, action="assist_grant.view", object_type="assist_grant", object_id=grant.pk
    )
    return render(
        request,
        "casework/grant.html",
        {"grant": grant, "form": PaperworkForm(), "can_work": works_cases(request.user)},
    )


@require_POST
def grant_paperwork(request, grant_id: int):
    grant = access_grant(request.user, grant_id)
    form = PaperworkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(problems_of(form))
        actions.assist_paperwork_complete(
            actor=request.user, grant=grant, note=form.cleaned_data["note"], request=request
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("casework:grant", grant_id=grant.pk)


@require_POST
def grant_close(request, grant_id: int):
    grant = access_grant(request.user, grant_id)
    try:
        actions.assist_close(actor=request.user, grant=grant, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("casework:grant", grant_id=grant.pk)


# --- the district and street page: timeliness, what the warnings miss, the draws ----------


@require_http_methods(["GET", "POST"])
def overview(request):
    _require_reader(request.user)
    if request.user.jurisdiction.level == Jurisdiction.Level.COMMUNITY:
        raise PermissionDenied
    form = DrawForm(request.POST if request.method == "POST" else None)
    problems: list[str] = []
    if request.method == "POST":
        if not request.user.can.edits_casework_policy:
            raise PermissionDenied
        if form.is_valid():
            try:
                draw = actions.verification_draw(
                    actor=request.user,
                    month=form.cleaned_data["month"],
                    seed=form.cleaned_data["seed"],
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(
                    request,
                    _("%(n)s households drawn for random verification (seed %(seed)s).")
                    % {"n": draw.draws, "seed": draw.seed},
                )
                return redirect("casework:overview")
        else:
            problems = problems_of(form)
    figures = selectors.timeliness(user=request.user)
    from doudi.casework.models import VerificationDraw

    return render(
        request,
        "casework/overview.html",
        {
            "figures": figures,
            "chart": charts.timeliness_chart(figures),
            "miss": selectors.miss_rate(user=request.user),
            "draws": list(VerificationDraw.objects.all()[:12]),
            "form": form,
            "problems": problems,
            "can_draw": request.user.can.edits_casework_policy,
        },
        status=400 if problems else 200,
    )


# --- parameters and providers (district bureau) ----------------------------------------------


@require_http_methods(["GET", "POST"])
def parameters(request):
    _require_reader(request.user)
    can_edit = request.user.can.edits_casework_policy
    form = ParameterForm(request.POST if request.method == "POST" else None)
    problems: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.policy_parameter_create(
                    actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("Parameter saved."))
                return redirect("casework:parameters")
        else:
            problems = problems_of(form)
    return render(
        request,
        "casework/parameters.html",
        {
            "rows": selectors.parameters_current(),
            "form": form,
            "problems": problems,
            "can_edit": can_edit,
        },
        status=400 if problems else 200,
    )


@require_http_methods(["GET", "POST"])
def providers(request):
    _require_reader(request.user)
    from django.contrib.auth import get_user_model

    from doudi.accounts.roles import Role

    can_edit = request.user.can.edits_casework_policy
    areas = Jurisdiction.objects.filter(
        code__startswith=request.user.jurisdiction.code,
        level__in=[Jurisdiction.Level.STREET, Jurisdiction.Level.COMMUNITY],
    )
    users = get_user_model().objects.filter(role=Role.SERVICE_PROVIDER, provider__isnull=True)
    form = ProviderForm(
        request.POST if request.method == "POST" else None, areas=areas, users=users
    )
    problems: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.provider_create(
                    actor=request.user,
                    kind=data["kind"],
                    name=data["name"],
                    skills=data["skills"],
                    area_codes=data["areas"],
                    capacity=data["capacity"],
                    user=users.filter(pk=data["user"]).first() if data["user"] else None,
                    request=request,
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("Provider added."))
                return redirect("casework:providers")
        else:
            problems = problems_of(form)
    rows = Provider.objects.prefetch_related("areas").order_by("name")
    hours = selectors.volunteer_hours(providers=rows)
    return render(
        request,
        "casework/providers.html",
        {
            "providers": [(p, [need_label(s) for s in p.skills], hours.get(p.pk)) for p in rows],
            "form": form,
            "problems": problems,
            "can_edit": can_edit,
        },
        status=400 if problems else 200,
    )


# --- notifications ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        actions.notifications_mark_read(actor=request.user)
        return redirect("casework:notifications")
    rows = list(Notification.objects.filter(user=request.user)[:100])
    return render(request, "casework/notifications.html", {"rows": rows})


@require_POST
def notification_open(request, notification_id: int):
    row = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if row is None:
        raise Http404("no such notification")
    actions.notifications_mark_read(actor=request.user, ids=[row.pk])
    return redirect(row.url or "casework:notifications")


# --- the visit form's service worker ----------------------------------------------------------


@require_GET
def service_worker(request):
    """The script that keeps the visit form usable offline (cached copy of the page and its
    static files). Served from /casework/ so its scope covers the visit pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("casework/visit-sw.js")
    with open(path, encoding="utf-8") as fh:
        response = HttpResponse(fh.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
