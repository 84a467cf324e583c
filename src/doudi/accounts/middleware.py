"""Sign-in is required for every page, and for 2FA roles, a verified second factor."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect


class LoginRequiredEverywhere(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except for the API (which answers 401/403 itself) and
    static files; and a session of a 2FA role without a verified device is ended."""

    OPEN_PREFIXES = ("/api/", "/static/", "/i18n/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.OPEN_PREFIXES):
            return None
        user = request.user
        if user.is_authenticated and user.can.requires_2fa and not user.is_verified():
            logout(request)
            return redirect("accounts:login")
        return super().process_view(request, view_func, view_args, view_kwargs)
