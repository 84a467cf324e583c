"""Sign-in: password, then (for 2FA roles or enrolled users) a TOTP code."""

from __future__ import annotations

import io
import time

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate, get_user_model, logout
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from doudi.accounts import actions
from doudi.accounts.forms import LoginForm, TokenForm
from doudi.accounts.lockout import address_blocked
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.common.redirects import safe_next

PENDING_KEY = "doudi_2fa_pending"
PENDING_SECONDS = 300


def locked_out(request, credentials, *args, **kwargs):
    """django-axes calls this when an account is locked after repeated failures."""
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    audit_record(
        action="auth.lockout",
        object_type="user",
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
        detail={"username": str(username)[:150]},
    )
    return render(request, "accounts/locked.html", status=403)


@login_not_required
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if address_blocked(request):
            actions.sign_in_failed(request=request, username=username, reason="address_limit")
            return render(request, "accounts/locked.html", {"address": True}, status=429)
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, {"username": username})
        if user is None:
            actions.sign_in_failed(request=request, username=username, reason="bad_credentials")
            error = _("Wrong username or password.")
        elif not user.role:
            actions.sign_in_failed(request=request, username=username, reason="no_role")
            error = _("Your account has no role yet: the security officer has not approved it.")
        elif user.can.requires_2fa or actions.user_totp_device(user=user) is not None:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {"user": user.pk, "at": int(time.time())}
            return redirect("accounts:two_factor")
        else:
            actions.user_sign_in(request=request, user=user)
            return redirect(safe_next(request.GET.get("next"), "/"))
    return render(request, "accounts/login.html", {"form": form, "error": error})


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    image.save(buf)
    return buf.getvalue().decode()


@login_not_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request):
    """Ask for the TOTP code of the account's confirmed device."""
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    device = actions.user_totp_device(user=user, confirmed=True)
    if device is None:
        # No second factor yet: it is enrolled only by its holder, through the one-time link
        # the security officer hands over — never shown to whoever signs in first.
        request.session.pop(PENDING_KEY, None)
        actions.sign_in_failed(request=request, username=user.username, reason="no_second_factor")
        return render(request, "accounts/two_factor.html", {"no_device": True}, status=403)
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            request.session.pop(PENDING_KEY, None)
            actions.user_sign_in(request=request, user=user, device=device)
            return redirect("web:home")
        actions.sign_in_failed(request=request, username=user.username, reason="bad_totp")
        error = _("The code is wrong or has expired. Try the current code.")
    return render(request, "accounts/two_factor.html", {"form": form, "error": error})


@login_not_required
@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(
            request=request, action="auth.logout", object_type="user", object_id=request.user.pk
        )
    logout(request)
    return redirect("accounts:login")
