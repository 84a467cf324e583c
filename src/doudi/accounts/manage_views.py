"""Account pages: the administrator manages accounts, the security officer approves privileged
role changes, resets second factors, unlocks accounts and sees every API token; each holder
enrols his own second factor and manages his own tokens. Thin: one action per POST."""

from __future__ import annotations

import time

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.accounts import actions, manage
from doudi.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    ApiTokenForm,
    EnrolPasswordForm,
    RoleForm,
    TokenForm,
)
from doudi.accounts.lockout import address_blocked
from doudi.accounts.models import ApiToken, RoleChange, User
from doudi.audit.actions import audit_record

ENROL_KEY = "doudi_enrol"
ENROL_SECONDS = 600


def _manager(request, action: str = "user.view"):
    user = request.user
    if not (user.can.manages_users or user.can.manages_security):
        audit_record(
            request=request,
            action=action,
            object_type="user",
            outcome="denied",
            detail={"reason": "not_administrator"},
        )
        raise PermissionDenied
    return user


def _enrol_url(request, link) -> str:
    return request.build_absolute_uri(reverse("accounts:enrol", args=[link.token]))


def _error(exc) -> str:
    if isinstance(exc, ValidationError):
        return exc.messages[0]
    return _("You may not make this change.")


@require_GET
def user_list(request):
    _manager(request, "user.list")
    users = User.objects.select_related("jurisdiction").order_by("username")
    pending = RoleChange.objects.filter(status=RoleChange.Status.PENDING).select_related(
        "user", "jurisdiction", "requested_by"
    )
    return render(request, "accounts/users.html", {"users": users, "pending": pending})


@require_http_methods(["GET", "POST"])
def user_create(request):
    actor = _manager(request, "user.create")
    if not actor.can.manages_users:
        raise PermissionDenied
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, change = manage.account_create(
                actor=actor,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                jurisdiction=data["jurisdiction"],
                department=data["department"],
                display_name=data["display_name"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error(exc))
        else:
            if change is not None:
                messages.info(
                    request,
                    _("Account created. The role needs the security officer's approval."),
                )
            else:
                messages.success(request, _("Account created."))
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(
        request, "accounts/user_create.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail_context(request, user, **extra):
    context = {
        "account": user,
        "edit_form": AccountEditForm(
            initial={
                "display_name": user.display_name,
                "department": user.department,
                "email": user.email,
            }
        ),
        "role_form": RoleForm(initial={"role": user.role, "jurisdiction": user.jurisdiction_id}),
        "pending": user.role_changes.filter(status=RoleChange.Status.PENDING).first(),
        "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        "is_self": user.pk == request.user.pk,
    }
    context.update(extra)
    return context


@require_GET
def user_detail(request, user_id: int):
    _manager(request)
    user = get_object_or_404(User.objects.select_related("jurisdiction"), pk=user_id)
    return render(request, "accounts/user_detail.html", _detail_context(request, user))


@require_POST
def user_edit(request, user_id: int):
    actor = _manager(request, "user.change")
    user = get_object_or_404(User, pk=user_id)
    form = AccountEditForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, user, edit_form=form),
            status=400,
        )
    manage.account_update(actor=actor, user=user, request=request, **form.cleaned_data)
    messages.success(request, _("Saved."))
    return redirect("accounts:user_detail", user_id=user.pk)


@require_POST
def user_role(request, user_id: int):
    actor = _manager(request, "user.role_change")
    user = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            change = manage.role_change(
                actor=actor,
                user=user,
                role=form.cleaned_data["role"],
                jurisdiction=form.cleaned_data["jurisdiction"],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = _error(exc)
        else:
            if change is not None:
                messages.info(
                    request,
                    _("Role change requested: the security officer approves or rejects it."),
                )
            else:
                messages.success(request, _("Role changed."))
            return redirect("accounts:user_detail", user_id=user.pk)
    else:
        error = _("Choose a role.")
    status = 403 if error == _("You may not make this change.") else 400
    return render(
        request,
        "accounts/user_detail.html",
        _detail_context(request, user, role_form=form, role_error=error),
        status=status,
    )


@require_POST
def user_active(request, user_id: int):
    actor = _manager(request, "user.deactivate")
    user = get_object_or_404(User, pk=user_id)
    active = request.POST.get("active") == "1"
    try:
        manage.account_set_active(actor=actor, user=user, active=active, request=request)
    except PermissionDenied:
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, user, role_error=_("You may not make this change.")),
            status=403,
        )
    messages.success(request, _("Account activated.") if active else _("Account deactivated."))
    return redirect("accounts:user_detail", user_id=user.pk)


@require_POST
def user_reset_2fa(request, user_id: int):
    actor = _manager(request, "auth.totp_reset")
    user = get_object_or_404(User, pk=user_id)
    try:
        link = manage.second_factor_reset(actor=actor, user=user, request=request)
    except PermissionDenied:
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, user, role_error=_("You may not make this change.")),
            status=403,
        )
    return render(
        request,
        "accounts/user_detail.html",
        _detail_context(request, user, enrol_url=_enrol_url(request, link)),
    )


@require_POST
def role_change_decide(request, change_id: int):
    actor = _manager(request, "user.role_approve")
    change = get_object_or_404(RoleChange, pk=change_id)
    approve = request.POST.get("decision") == "approve"
    try:
        link = manage.role_change_decide(
            actor=actor, change=change, approve=approve, request=request
        )
    except PermissionDenied:
        message = _(
            "A role change is decided by a security officer who neither requested it nor "
            "holds the account."
        )
        context = _detail_context(request, change.user, role_error=message)
        return render(request, "accounts/user_detail.html", context, status=403)
    except ValidationError as exc:
        context = _detail_context(request, change.user, role_error=exc.messages[0])
        return render(request, "accounts/user_detail.html", context, status=400)
    if link is not None:
        return render(
            request,
            "accounts/user_detail.html",
            _detail_context(request, change.user, enrol_url=_enrol_url(request, link)),
        )
    messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("accounts:user_detail", user_id=change.user_id)


# --- second-factor enrolment (the holder, through the one-time link) -------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def enrol(request, token: str):
    link = manage.enrolment_link_find(token)
    if link is None:
        return render(request, "accounts/enrol.html", {"expired": True}, status=410)
    user = link.user
    state = request.session.get(ENROL_KEY) or {}
    ready = (
        state.get("link") == link.pk
        and state.get("user") == user.pk
        and time.time() - state.get("at", 0) < ENROL_SECONDS
    )
    if not ready:
        form = EnrolPasswordForm(request.POST or None)
        error = ""
        if request.method == "POST" and address_blocked(request):
            return render(request, "accounts/locked.html", {"address": True}, status=429)
        if request.method == "POST" and form.is_valid():
            checked = authenticate(
                request, username=user.username, password=form.cleaned_data["password"]
            )
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked.html", status=403)
            if checked is not None and checked.pk == user.pk:
                request.session.cycle_key()
                request.session[ENROL_KEY] = {
                    "link": link.pk,
                    "user": user.pk,
                    "at": int(time.time()),
                }
                return redirect(request.path)
            actions.sign_in_failed(
                request=request, username=user.username, reason="enrol_bad_password"
            )
            error = _("Wrong password.")
        return render(
            request,
            "accounts/enrol.html",
            {"password_form": form, "error": error, "account": user},
            status=400 if error else 200,
        )
    device = actions.user_totp_device(user=user, confirmed=False) or actions.totp_device_enrol(
        user=user
    )
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
            request.session.pop(ENROL_KEY, None)
            audit_record(
                actor=user,
                action="auth.totp_confirm",
                object_type="user",
                object_id=user.pk,
                request=request,
                detail={"link": link.pk},
            )
            actions.user_sign_in(request=request, user=user, device=device)
            return redirect("web:home")
        actions.sign_in_failed(request=request, username=user.username, reason="bad_totp")
        error = _("The code is wrong or has expired. Try the current code.")
    from doudi.accounts.views import _qr_svg

    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "error": error,
            "account": user,
            "secret": actions.totp_secret_base32(device),
            "qr_svg": _qr_svg(device.config_url),
        },
    )


# --- API tokens ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tokens(request):
    user = request.user
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    error = ""
    status = 400 if form.errors else 200
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = manage.api_token_issue(
                actor=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                request=request,
            )
        except PermissionDenied:
            error = _("Your role gets API tokens only after signing in with the second factor.")
            status = 403
        except ValidationError as exc:
            error = exc.messages[0]
            status = 400
        else:
            form = ApiTokenForm()
    rows = ApiToken.objects.select_related("user").order_by("-created_at")
    if not user.can.manages_security:
        rows = rows.filter(user=user)
    now = timezone.now()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "error": error,
            "rows": rows,
            "now": now,
            "days": getattr(settings, "DOUDI_API_TOKEN_DAYS", 90),
        },
        status=status,
    )


@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(
        ApiToken.objects.filter(
            Q(user=request.user) if not request.user.can.manages_security else Q()
        ),
        pk=token_id,
    )
    manage.api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


# --- lockouts (security officer) -------------------------------------------------------------


def _security(request):
    if not request.user.can.manages_security:
        audit_record(request=request, action="auth.lockouts", object_type="user", outcome="denied")
        raise PermissionDenied
    return request.user


@require_GET
def lockouts(request):
    _security(request)
    rows = AccessAttempt.objects.order_by("-attempt_time")[:200]
    limit = settings.AXES_FAILURE_LIMIT
    return render(request, "accounts/lockouts.html", {"rows": rows, "limit": limit})


@require_POST
def lockout_unlock(request, attempt_id: int):
    actor = _security(request)
    attempt = get_object_or_404(AccessAttempt, pk=attempt_id)
    detail = {"username": attempt.username, "failures": attempt.failures_since_start}
    attempt.delete()
    audit_record(
        actor=actor, action="auth.unlock", object_type="user", request=request, detail=detail
    )
    messages.success(request, _("Unlocked."))
    return redirect("accounts:lockouts")


# --- own password ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every holder replaces the initial password the administrator set (audited)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        audit_record(
            request=request,
            action="user.password_change",
            object_type="user",
            object_id=request.user.pk,
        )
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:password")
    return render(
        request, "accounts/password.html", {"form": form}, status=400 if form.errors else 200
    )
