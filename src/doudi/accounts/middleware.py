"""Sign-in is required for every page, and for 2FA roles, a verified second factor."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def _htmx_to_login(request, login_url: str) -> HttpResponse:
    """An htmx request whose session has ended: send the whole page (not the partial) to
    the login page, with ``next`` the page the user was on. An XMLHttpRequest follows a
    redirect by itself and would paste the login page into the table, so the answer is a
    401 with ``HX-Redirect``, which htmx follows with the browser, and swaps nothing."""
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        next_url = parts.path + (f"?{parts.query}" if parts.query else "")
    else:
        next_url = "/"
    target = redirect_to_login(next_url, login_url)["Location"]
    response = HttpResponse(status=401)
    response["HX-Redirect"] = target
    return response


class LoginRequiredEverywhere(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except for the API (which answers 401/403 itself) and
    static files; a session of a 2FA role without a verified device is ended; and an htmx
    request without a session is sent to the login page as a whole page, and back."""

    OPEN_PREFIXES = ("/api/", "/static/", "/i18n/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.OPEN_PREFIXES):
            return None
        user = request.user
        if user.is_authenticated and user.can.requires_2fa and not user.is_verified():
            logout(request)
            if request.headers.get("HX-Request") == "true":
                return _htmx_to_login(request, resolve_url("accounts:login"))
            return redirect("accounts:login")
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") == "true":
            return _htmx_to_login(request, resolve_url(self.get_login_url(view_func)))
        return super().handle_no_permission(request, view_func)
