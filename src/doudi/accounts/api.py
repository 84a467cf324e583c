"""API authentication: ``Authorization: Bearer <token>`` (or ``Token <token>``) for machines, the
browser session for pages' own calls.

Every request re-reads the account (role, active flag) from the database. A token works only
while it is unrevoked, unexpired, its account active and still holding the role it was issued
for; a token of a role that needs two factors must have been issued in a two-factor session.
A session of such a role counts only once its second factor is verified.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from doudi.accounts.models import ApiToken

# The routes a deliveries-scoped token may use (URL names in the ``api`` namespace): a department's
# exchange with doudi — its deliveries in, and the pushes out to it with their acknowledgement.
DELIVERY_ROUTES = frozenset({"feeds", "feed_deliver", "delivery", "me", "pushes", "push_ack"})


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not user.role or (user.can.requires_2fa and not user.is_verified()):
            return None
        return user, auth


class BearerTokenAuthentication(BaseAuthentication):
    keywords = ("Bearer", "Token")

    def authenticate_header(self, request):
        return "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0] not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        from doudi.accounts.manage import api_token_lookup

        token = api_token_lookup(parts[1])
        if token is None or not token.is_live():
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("The account is deactivated."))
        if user.role != token.role:
            raise exceptions.AuthenticationFailed(_("The account's role has changed."))
        if user.can.requires_2fa and not token.issued_with_2fa:
            raise exceptions.AuthenticationFailed(
                _("This role needs a token issued after signing in with the second factor.")
            )
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token


class TokenScopePermission(BasePermission):
    """A read-only token reads (GET/HEAD/OPTIONS); a deliveries token uses the delivery routes."""

    message = _("This token's scope does not allow this request.")

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        if token.scope == ApiToken.Scope.READ:
            return request.method in SAFE_METHODS
        if token.scope == ApiToken.Scope.DELIVERIES:
            match = request.resolver_match
            return match is not None and match.url_name in DELIVERY_ROUTES
        return False


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "doudi.accounts.api.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the account's token page (scoped, expiring).",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    target_class = "doudi.accounts.api.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
