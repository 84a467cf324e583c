"""Assistance pages: thin — load through access.py, call one action, render."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.assistance import actions, policy
from doudi.assistance.access import (
    access_application,
    applications_for,
    decides,
    is_staff_reader,
    resident_of,
    works_applications,
)
from doudi.assistance.models import (
    Application,
    Decision,
    Entitlement,
    PaymentBatch,
    Programme,
    Push,
    VerificationReport,
)
from doudi.audit.actions import audit_record
from doudi.registry.access import access_household, households_for
from doudi.registry.models import Jurisdiction, Membership

MAX_UPLOAD = 10 * 1024 * 1024
EVENT_LABELS = {
    "started": gettext_lazy("Application started"),
    "submitted": gettext_lazy("Declaration submitted"),
    "signed": gettext_lazy("Commitment and authorization signed"),
    "verified": gettext_lazy("Economic verification done"),
    "first_opinion": gettext_lazy("First opinion recorded, public notice started"),
    "objection": gettext_lazy("Objection recorded"),
    "decided": gettext_lazy("Decision made"),
}


def _item_label(item: str) -> str:
    return actions.INCOME_LABELS.get(item) or actions.ASSET_LABELS.get(item) or item


def _login_required(user) -> None:
    if user is None or not user.is_authenticated:
        raise PermissionDenied


@require_GET
def application_list(request):
    _login_required(request.user)
    if not (is_staff_reader(request.user) or resident_of(request.user)):
        raise PermissionDenied
    rows = list(
        applications_for(request.user)
        .select_related("applicant", "community")
        .order_by("-id")[:200]
    )
    on = actions.today()
    final = (Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.WITHDRAWN)
    for a in rows:
        a.overdue = bool(a.due_on and a.due_on < on and a.status not in final)
    return render(
        request,
        "assistance/list.html",
        {
            "applications": rows,
            "resident": resident_of(request.user),
            "programmes": [
                (v, label) for v, label in Programme.choices if v in actions.ONLINE_PROGRAMMES
            ],
            "can_work": works_applications(request.user),
        },
    )


@require_POST
def application_start(request):
    _login_required(request.user)
    resident = resident_of(request.user)
    try:
        if resident is not None:
            membership = Membership.objects.select_related("household").get(person=resident.person)
            household, applicant = membership.household, resident.person
        else:
            household = access_household(request.user, int(request.POST.get("household", 0)))
            member = Membership.objects.select_related("person").get(
                household=household, pk=int(request.POST.get("applicant", 0))
            )
            applicant = member.person
        application = actions.application_start(
            actor=request.user,
            programme=request.POST.get("programme", ""),
            household=household,
            applicant=applicant,
            request=request,
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assistance:list")
    return redirect("assistance:declaration", application_id=application.pk)


def _declaration_context(application, errors=None, data=None):
    data = data if data is not None else application.draft
    rows = []
    for i in range(actions.MAX_MEMBERS):
        rows.append(
            {
                "i": i,
                "n": i + 1,
                "name": data.get(f"m{i}_name", ""),
                "id": data.get(f"m{i}_id", ""),
                "birth": data.get(f"m{i}_birth", ""),
                "relation": data.get(f"m{i}_relation", ""),
                "situation": data.get(f"m{i}_situation", ""),
                "errors": [
                    (errors or {}).get(f"m{i}_{f}")
                    for f in ("name", "id", "birth", "relation", "situation")
                    if (errors or {}).get(f"m{i}_{f}")
                ],
            }
        )
    incomes = [
        {"name": k, "label": label, "value": data.get(k, ""), "error": (errors or {}).get(k)}
        for k, (_c, label) in actions.INCOME_FIELDS.items()
    ]
    assets = [
        {"name": k, "label": label, "value": data.get(k, ""), "error": (errors or {}).get(k)}
        for k, (_c, label) in actions.ASSET_FIELDS.items()
    ]
    return {
        "application": application,
        "rows": rows,
        "incomes": incomes,
        "assets": assets,
        "relations": actions.RELATIONS.items(),
        "situations": policy.SITUATIONS.items(),
        "bank_account": data.get("bank_account", ""),
        "errors": errors or {},
        "draft_key": f"doudi-application-{application.pk}",
    }


@require_http_methods(["GET", "POST"])
def declaration(request, application_id: int):
    application = access_application(request.user, application_id)
    if application.status != Application.Status.DRAFT:
        return redirect("assistance:application", application_id=application.pk)
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        upload = request.FILES.get("attachment")
        attachment = None
        if upload is not None:
            attachment = (upload.name, upload.read(MAX_UPLOAD + 1))
        try:
            actions.declaration_submit(
                actor=request.user,
                application=application,
                data=data,
                attachment=attachment,
                request=request,
            )
        except actions.DeclarationInvalid as exc:
            context = _declaration_context(application, exc.errors, data)
            return render(request, "assistance/declaration.html", context, status=400)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("assistance:declaration", application_id=application.pk)
        return redirect("assistance:sign", application_id=application.pk)
    actions._check_owner(request.user, application, "assistance.declaration_view", request)
    return render(request, "assistance/declaration.html", _declaration_context(application))


@require_POST
def draft(request, application_id: int):
    application = access_application(request.user, application_id)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The draft could not be read.")}, status=400)
    if not isinstance(data, dict):
        return JsonResponse({"error": _("The draft could not be read.")}, status=400)
    try:
        actions.draft_save(actor=request.user, application=application, data=data, request=request)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=409)
    return JsonResponse({"saved_at": application.updated_at.isoformat()})


@require_http_methods(["GET", "POST"])
def sign(request, application_id: int):
    application = access_application(request.user, application_id)
    if application.status != Application.Status.SUBMITTED:
        return redirect("assistance:application", application_id=application.pk)
    members = list(application.members.all())
    grown = {m.pk for m in actions.adults(application)}
    if request.method == "POST":
        signed = [m.pk for m in members if request.POST.get(f"sign_{m.pk}") == "yes"]
        guardians = {}
        for m in members:
            if m.pk not in grown:
                try:
                    guardians[m.pk] = int(request.POST.get(f"guardian_{m.pk}", 0))
                except ValueError:
                    pass
        try:
            if request.POST.get("commit") != "yes":
                raise ValidationError(_("Please read the commitment and tick that you agree."))
            actions.sign(
                actor=request.user,
                application=application,
                signed=signed,
                guardians=guardians,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Signed. The office will now check your declaration."))
            return redirect("assistance:application", application_id=application.pk)
    actions._check_owner(request.user, application, "assistance.sign_view", request)
    return render(
        request,
        "assistance/sign.html",
        {
            "application": application,
            "adults": [m for m in members if m.pk in grown],
            "minors": [m for m in members if m.pk not in grown],
            "notice_version": actions.NOTICE_VERSION,
        },
    )


@require_GET
def application_detail(request, application_id: int):
    application = access_application(request.user, application_id)
    audit_record(
        request=request,
        action="assistance.application_view",
        object_type="application",
        object_id=application.pk,
    )
    report = application.reports.order_by("-id").first()
    decision = Decision.objects.filter(application=application).first()
    return render(
        request,
        "assistance/application.html",
        {
            "application": application,
            "members": list(application.members.all()),
            "incomes": list(application.incomes.all()),
            "assets": list(application.assets.all()),
            "report": report,
            "decision": decision,
            "entitlement": Entitlement.objects.filter(application=application).first(),
            "pushes": list(application.pushes.select_related("member")),
            "objections": list(application.objections.all()),
            "events": [
                (e, EVENT_LABELS.get(e.kind, e.kind))
                for e in application.events.select_related("actor")
            ],
            "can_work": works_applications(request.user),
            "can_decide": decides(request.user),
            "resident": resident_of(request.user),
        },
    )


@require_POST
def verify(request, application_id: int):
    application = access_application(request.user, application_id)
    try:
        report = actions.verify(actor=request.user, application=application, request=request)
    except actions.VerificationRefused as exc:
        messages.error(request, str(exc))
        return redirect("assistance:application", application_id=application.pk)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assistance:application", application_id=application.pk)
    return redirect("assistance:report", report_id=report.pk)


@require_GET
def report(request, report_id: int):
    try:
        report = VerificationReport.objects.select_related("application__applicant").get(
            pk=int(report_id), application__in=applications_for(request.user)
        )
    except VerificationReport.DoesNotExist:
        raise Http404 from None
    audit_record(
        request=request, action="assistance.report_view", object_type="report", object_id=report.pk
    )
    return render(
        request,
        "assistance/report.html",
        {
            "report": report,
            "application": report.application,
            "rows": [
                dict(r, label=_item_label(r["item"])) for r in report.rows if not r.get("summary")
            ],
            "summary": [r for r in report.rows if r.get("summary")],
        },
    )


@require_POST
def first_opinion(request, application_id: int):
    application = access_application(request.user, application_id)
    try:
        actions.first_opinion(
            actor=request.user,
            application=application,
            text=request.POST.get("text", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assistance:application", application_id=application.pk)


@require_POST
def objection(request, application_id: int):
    application = access_application(request.user, application_id)
    try:
        actions.objection_record(
            actor=request.user,
            application=application,
            text=request.POST.get("text", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assistance:application", application_id=application.pk)


@require_POST
def decide(request, application_id: int):
    application = access_application(request.user, application_id)
    try:
        actions.decide(
            actor=request.user,
            application=application,
            approve=request.POST.get("outcome") == "approved",
            reasons=request.POST.get("reasons", ""),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assistance:application", application_id=application.pk)
    return redirect("assistance:decision_notice", application_id=application.pk)


def _entitlement(user, entitlement_id: int) -> Entitlement:
    try:
        return Entitlement.objects.select_related("application").get(
            pk=int(entitlement_id), application__in=applications_for(user)
        )
    except Entitlement.DoesNotExist:
        raise Http404 from None


@require_POST
def entitlement_change(request, entitlement_id: int):
    entitlement = _entitlement(request.user, entitlement_id)
    try:
        month = dt.date.fromisoformat(request.POST.get("from_month", "") + "-01")
    except ValueError:
        messages.error(request, _("Month: use the form 2024-06."))
        return redirect("assistance:application", application_id=entitlement.application_id)
    kind = request.POST.get("kind", "")
    try:
        amount = None
        if kind == "adjust":
            amount = actions.yuan_to_fen(
                request.POST.get("amount", ""),
                label="调整后金额（元/月）",
                maximum=actions.MAX_MONTHLY_INCOME_YUAN,
            )
        months = None
        if kind == "phase_out":
            try:
                months = int(request.POST.get("months", ""))
            except ValueError:
                months = 0
        actions.entitlement_change(
            actor=request.user,
            entitlement=entitlement,
            kind=kind,
            from_month=month,
            reason=request.POST.get("reason", ""),
            monthly_fen=amount,
            months=months,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The change is recorded."))
    return redirect("assistance:application", application_id=entitlement.application_id)


@require_POST
def member_death(request, entitlement_id: int):
    entitlement = _entitlement(request.user, entitlement_id)
    try:
        member = entitlement.application.members.get(pk=int(request.POST.get("member", 0)))
        died_on = dt.date.fromisoformat(request.POST.get("died_on", ""))
    except (ValueError, TypeError):
        messages.error(request, _("Date of death: use the form 2024-06-30."))
        return redirect("assistance:application", application_id=entitlement.application_id)
    except Exception:  # noqa: BLE001 — no such member of this application
        raise Http404 from None
    try:
        actions.member_death_record(
            actor=request.user,
            entitlement=entitlement,
            member=member,
            died_on=died_on,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("assistance:application", application_id=entitlement.application_id)


@require_GET
def decision_notice(request, application_id: int):
    """The written notice (决定通知书) with the reasons and, if approved, the amount."""
    application = access_application(request.user, application_id)
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        raise Http404
    return render(
        request,
        "assistance/decision_notice.html",
        {"application": application, "decision": decision},
    )


@login_not_required
@require_GET
def public_notice(request, community_id: int):
    """The community notice board: name, household size and amount only (no sign-in)."""
    try:
        community = Jurisdiction.objects.get(pk=int(community_id), level="community")
    except Jurisdiction.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "assistance/public_notice.html",
        {"community": community, "rows": actions.public_notice(community=community)},
    )


def _require_bureau(user) -> None:
    if not decides(user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def payments(request):
    _login_required(request.user)
    _require_bureau(request.user)
    if request.method == "POST":
        try:
            month = dt.date.fromisoformat(request.POST.get("month", "") + "-01")
        except ValueError:
            messages.error(request, _("Month: use the form 2024-06."))
        else:
            actions.payment_batch(month=month, actor=request.user)
            messages.success(request, _("Batch ready."))
            return redirect("assistance:payments")
    return render(
        request,
        "assistance/payments.html",
        {"batches": list(PaymentBatch.objects.defer("content"))},
    )


@require_GET
def payment_download(request, month: str):
    _login_required(request.user)
    _require_bureau(request.user)
    try:
        day = dt.date.fromisoformat(f"{month}-01")
        batch = PaymentBatch.objects.get(month=day)
    except (ValueError, PaymentBatch.DoesNotExist):
        raise Http404 from None
    audit_record(
        request=request,
        action="assistance.payment_download",
        object_type="payment_batch",
        object_id=batch.pk,
    )
    response = HttpResponse(bytes(batch.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payments-{month}.csv"'
    return response


def _push_reader(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (decides(user) or (user.can.delivers_feeds and user.department in ("医保", "yibao")))
    )


@require_GET
def pushes(request):
    _login_required(request.user)
    if not _push_reader(request.user):
        raise PermissionDenied
    rows = list(Push.objects.select_related("member", "application").order_by("-id")[:500])
    audit_record(request=request, action="assistance.pushes_view", object_type="push")
    return render(request, "assistance/pushes.html", {"pushes": rows})


@require_GET
def push_feed(request):
    """The outbound feed to 医保 (JSON): who is to be enrolled and aided, not yet acknowledged."""
    _login_required(request.user)
    if not _push_reader(request.user):
        raise PermissionDenied
    rows = Push.objects.filter(acknowledged_at__isnull=True).select_related("member", "application")
    audit_record(request=request, action="assistance.push_feed", object_type="push")
    return JsonResponse(
        {
            "pushes": [
                {
                    "id": p.pk,
                    "kind": p.kind,
                    "name": p.member.name,
                    "id_number": p.member.id_number,
                    "programme": p.application.programme,
                    "since": p.created_at.date().isoformat(),
                }
                for p in rows
            ]
        }
    )


@require_POST
def push_ack(request, push_id: int):
    _login_required(request.user)
    try:
        push = Push.objects.get(pk=int(push_id))
    except Push.DoesNotExist:
        raise Http404 from None
    if not _push_reader(request.user):
        raise Http404
    try:
        actions.push_acknowledge(
            actor=request.user,
            push=push,
            reference=request.POST.get("reference", ""),
            request=request,
        )
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": exc.messages[0]}, status=409)
        messages.error(request, exc.messages[0])
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"acknowledged": True})
    return redirect("assistance:pushes")


@require_GET
def chain(request, household_id: int):
    """一户一条救助链: everything the household receives, from every department."""
    household = access_household(request.user, household_id)
    if not households_for(request.user).filter(pk=household.pk).exists():
        raise Http404
    audit_record(
        request=request,
        action="assistance.chain_view",
        object_type="household",
        object_id=household.pk,
    )
    apps = list(
        applications_for(request.user)
        .filter(household=household)
        .select_related("applicant")
        .order_by("id")
    )
    from doudi.casework.access import grants_for, referrals_for

    return render(
        request,
        "assistance/chain.html",
        {
            "household": household,
            "members": list(
                Membership.objects.filter(household=household).select_related("person")
            ),
            "can_work": works_applications(request.user),
            "programmes": [
                (v, label) for v, label in Programme.choices if v in actions.ONLINE_PROGRAMMES
            ],
            "applications": apps,
            "entitlements": list(Entitlement.objects.filter(household=household)),
            "pushes": list(
                Push.objects.filter(application__household=household).select_related("member")
            ),
            "referrals": list(
                referrals_for(request.user).filter(household=household).select_related("provider")
            ),
            "grants": list(grants_for(request.user).filter(household=household)),
        },
    )


@require_POST
def resident_bind(request, household_id: int):
    """At the counter: bind an applicant account to a member of this household."""
    from django.contrib.auth import get_user_model

    household = access_household(request.user, household_id)
    try:
        member = Membership.objects.select_related("person").get(
            household=household, pk=int(request.POST.get("member", 0))
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None
    user = get_user_model().objects.filter(username=request.POST.get("username", "")).first()
    if user is None:
        messages.error(request, _("Account: no account with this user name."))
        return redirect("assistance:chain", household_id=household.pk)
    actions.resident_bind(actor=request.user, user=user, person=member.person, request=request)
    messages.success(request, _("The account is bound to the resident."))
    return redirect("assistance:chain", household_id=household.pk)
