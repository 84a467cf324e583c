"""Account management under separation of duties (三权分立, 等保 level 3).

- The administrator creates and deactivates accounts and edits their non-privileged fields.
- No account changes its own role, jurisdiction or flags.
- Granting a privileged role (one that needs two factors), or changing the role or jurisdiction
  of a privileged account, makes a *pending* role change that a security officer — neither the
  requester nor the account holder — approves or rejects.
- Second factors are enrolled by their holder through a one-time link (24 h) after password
  sign-in; the secret is never shown to anyone else, and never again.
- API tokens are shown once, stored as hashes, scoped, expiring and revocable.
Every change, and every refused attempt, is an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.accounts.models import ApiToken, EnrolmentLink, RoleChange, User
from doudi.accounts.roles import Role, capabilities
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry

ENROLMENT_HOURS = 24
EDITABLE_FIELDS = ("display_name", "department", "email")


def is_privileged(role: str) -> bool:
    """Privileged roles are those that must sign in with two factors."""
    return capabilities(role).requires_2fa


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _denied(*, actor, action: str, target, reason: str, request=None, detail=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=getattr(target, "pk", "") or "",
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
        detail={"reason": reason, **(detail or {})},
    )


def _check_place(role: str, jurisdiction) -> None:
    level = capabilities(role).jurisdiction_level
    if level and (jurisdiction is None or jurisdiction.level != level):
        raise ValidationError(f"该角色须绑定一个{_LEVEL_ZH.get(level, level)}级辖区，请选择辖区。")
    if not level and jurisdiction is not None:
        raise ValidationError("该角色不绑定辖区，请将辖区留空。")


_LEVEL_ZH = {"community": "社区", "street": "街道", "district": "区"}


# --- accounts --------------------------------------------------------------------------------


def account_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    jurisdiction=None,
    department: str = "",
    display_name: str = "",
    request=None,
) -> tuple[User, RoleChange | None]:
    """Create an account. A privileged role is not granted here: the account starts with no
    role and a pending role change awaits the security officer."""
    if not actor.can.manages_users:
        _denied(
            actor=actor,
            action="user.create",
            target=None,
            reason="not_administrator",
            request=request,
        )
        raise PermissionDenied("only the administrator creates accounts")
    if role not in Role.values:
        raise ValidationError("请选择一个角色。")
    _check_place(role, jurisdiction)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError("该用户名已被使用，请换一个。")
    with transaction.atomic():
        return _account_create(
            actor=actor,
            username=username,
            password=password,
            role=role,
            jurisdiction=jurisdiction,
            department=department,
            display_name=display_name,
            request=request,
        )


def _account_create(
    *, actor, username, password, role, jurisdiction, department, display_name, request
):
    privileged = is_privileged(role)
    user = User(
        username=username,
        role="" if privileged else role,
        jurisdiction=None if privileged else jurisdiction,
        department=department,
        display_name=display_name,
    )
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        request=request,
        detail={"username": username, "role": user.role, "requested_role": role},
    )
    change = None
    if privileged:
        change = _role_change_request(
            actor=actor, user=user, role=role, jurisdiction=jurisdiction, request=request
        )
    return user, change


def account_update(*, actor, user: User, request=None, **fields) -> list[str]:
    """Edit an account's non-privileged fields (display name, department, e-mail)."""
    if not actor.can.manages_users:
        _denied(
            actor=actor,
            action="user.change",
            target=user,
            reason="not_administrator",
            request=request,
        )
        raise PermissionDenied("only the administrator edits accounts")
    forbidden = sorted(set(fields) - set(EDITABLE_FIELDS))
    if forbidden:
        _denied(
            actor=actor,
            action="user.change",
            target=user,
            reason="privileged_field",
            request=request,
            detail={"fields": forbidden},
        )
        raise PermissionDenied("role, jurisdiction and flags change only through a role change")
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    if changed:
        with transaction.atomic():
            user.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="user.change",
                object_type="user",
                object_id=user.pk,
                request=request,
                detail={"fields": sorted(changed)},
            )
    return changed


def account_set_active(*, actor, user: User, active: bool, request=None) -> None:
    """Deactivate (or reactivate) an account; never one's own. Deactivation ends its tokens.
    Reactivating a privileged account gives a privileged role back, so it is the security
    officer's decision, like granting one; every other (de)activation is the administrator's."""
    action = "user.activate" if active else "user.deactivate"
    if active and is_privileged(user.role):
        if not actor.can.manages_security:
            _denied(
                actor=actor,
                action=action,
                target=user,
                reason="needs_security_officer",
                request=request,
            )
            raise PermissionDenied("a security officer reactivates a privileged account")
    elif not actor.can.manages_users:
        _denied(
            actor=actor, action=action, target=user, reason="not_administrator", request=request
        )
        raise PermissionDenied("only the administrator deactivates accounts")
    if user.pk == actor.pk:
        _denied(actor=actor, action=action, target=user, reason="own_account", request=request)
        raise PermissionDenied("no account changes its own flags")
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor, action=action, object_type="user", object_id=user.pk, request=request
        )
        if not active:
            _tokens_end(user=user, by=actor, reason="deactivated", request=request)


# --- role changes ----------------------------------------------------------------------------


def _role_change_request(*, actor, user, role, jurisdiction, request=None) -> RoleChange:
    RoleChange.objects.filter(user=user, status=RoleChange.Status.PENDING).update(
        status=RoleChange.Status.REJECTED, decided_by=actor, decided_at=timezone.now()
    )
    change = RoleChange.objects.create(
        user=user, role=role, jurisdiction=jurisdiction, old_role=user.role, requested_by=actor
    )
    audit_record(
        actor=actor,
        action="user.role_request",
        object_type="user",
        object_id=user.pk,
        request=request,
        detail={
            "change": change.pk,
            "from": user.role,
            "to": role,
            "jurisdiction": jurisdiction.code if jurisdiction else "",
        },
    )
    return change


def role_change(*, actor, user: User, role: str, jurisdiction=None, request=None):
    """Change an account's role or jurisdiction. Returns the pending RoleChange when a security
    officer must approve, or None when applied at once (non-privileged to non-privileged)."""
    detail = {"to": role, "jurisdiction": jurisdiction.code if jurisdiction else ""}
    if user.pk == actor.pk:
        _denied(
            actor=actor,
            action="user.role_change",
            target=user,
            reason="own_account",
            request=request,
            detail=detail,
        )
        raise PermissionDenied("no account changes its own role or jurisdiction")
    if not actor.can.manages_users:
        _denied(
            actor=actor,
            action="user.role_change",
            target=user,
            reason="not_administrator",
            request=request,
            detail=detail,
        )
        raise PermissionDenied("only the administrator requests role changes")
    if role not in Role.values:
        raise ValidationError("请选择一个角色。")
    _check_place(role, jurisdiction)
    with transaction.atomic():
        if is_privileged(role) or is_privileged(user.role):
            return _role_change_request(
                actor=actor, user=user, role=role, jurisdiction=jurisdiction, request=request
            )
        # A direct change replaces any request still waiting: it can no longer be approved.
        RoleChange.objects.filter(user=user, status=RoleChange.Status.PENDING).update(
            status=RoleChange.Status.REJECTED, decided_by=actor, decided_at=timezone.now()
        )
        _role_apply(user=user, role=role, jurisdiction=jurisdiction, by=actor, request=request)
    return None


def _role_apply(*, user, role, jurisdiction, by, request=None, change=None) -> None:
    old = (user.role, user.jurisdiction.code if user.jurisdiction_id else "")
    user.role = role
    user.jurisdiction = jurisdiction
    user.save(update_fields=["role", "jurisdiction"])
    audit_record(
        actor=by,
        action="user.role_change",
        object_type="user",
        object_id=user.pk,
        request=request,
        detail={
            "from": old[0],
            "to": role,
            "from_jurisdiction": old[1],
            "jurisdiction": jurisdiction.code if jurisdiction else "",
            "change": change.pk if change else None,
        },
    )
    _tokens_end(user=user, by=by, reason="role_changed", request=request)


def role_change_decide(
    *, actor, change: RoleChange, approve: bool, request=None
) -> EnrolmentLink | None:
    """A security officer approves or rejects a pending role change. On approval of a role that
    needs two factors, an account without a second factor gets an enrolment link; the caller
    shows its token (returned as ``link.token``) once."""
    action = "user.role_approve" if approve else "user.role_reject"
    change = RoleChange.objects.select_related("user").get(pk=change.pk)
    target = change.user
    if not actor.can.manages_security:
        _denied(
            actor=actor,
            action=action,
            target=target,
            reason="not_security_officer",
            request=request,
            detail={"change": change.pk},
        )
        raise PermissionDenied("only a security officer decides role changes")
    if actor.pk in (change.requested_by_id, change.user_id):
        _denied(
            actor=actor,
            action=action,
            target=target,
            reason="second_person_required",
            request=request,
            detail={"change": change.pk},
        )
        raise PermissionDenied("a second person must decide")
    with transaction.atomic():
        return _role_change_decide(
            actor=actor, change=change, approve=approve, action=action, request=request
        )


def _role_change_decide(*, actor, change, approve, action, request):
    change = RoleChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    target = change.user
    if change.status != RoleChange.Status.PENDING:
        raise ValidationError("这项角色变更已处理过。")
    change.status = RoleChange.Status.APPROVED if approve else RoleChange.Status.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=target.pk,
        request=request,
        detail={"change": change.pk, "to": change.role},
    )
    if not approve:
        return None
    _role_apply(
        user=target,
        role=change.role,
        jurisdiction=change.jurisdiction,
        by=actor,
        request=request,
        change=change,
    )
    if (
        capabilities(change.role).requires_2fa
        and not TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    ):
        return enrolment_link_create(actor=actor, user=target, request=request)
    return None


# --- second factor ---------------------------------------------------------------------------


def enrolment_link_create(*, actor, user: User, request=None) -> EnrolmentLink:
    """A new one-time enrolment link (earlier unused links of the account end). ``actor`` None
    means the server console (``doudi bootstrap``)."""
    if actor is not None and not actor.can.manages_security:
        _denied(
            actor=actor,
            action="auth.enrolment_link",
            target=user,
            reason="not_security_officer",
            request=request,
        )
        raise PermissionDenied("only a security officer issues enrolment links")
    if actor is not None and actor.pk == user.pk:
        _denied(
            actor=actor,
            action="auth.enrolment_link",
            target=user,
            reason="own_account",
            request=request,
        )
        raise PermissionDenied("no one issues his own enrolment link")
    with transaction.atomic():
        return _enrolment_link_create(actor=actor, user=user, request=request)


def _enrolment_link_create(*, actor, user, request) -> EnrolmentLink:
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink.objects.create(
        user=user,
        token_hash=_hash(token),
        created_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(hours=ENROLMENT_HOURS),
    )
    link.token = token  # shown once, never stored
    audit_record(
        actor=actor,
        action="auth.enrolment_link",
        object_type="user",
        object_id=user.pk,
        request=request,
        detail={"expires": link.expires_at.isoformat()},
    )
    return link


def enrolment_link_find(token: str) -> EnrolmentLink | None:
    """The live link for a token (unused, not expired, active account), or None."""
    link = (
        EnrolmentLink.objects.select_related("user")
        .filter(token_hash=_hash(token or ""), used_at__isnull=True, user__is_active=True)
        .first()
    )
    if link is None or link.expires_at <= timezone.now():
        return None
    return link


def second_factor_reset(*, actor, user: User, request=None) -> EnrolmentLink:
    """A security officer removes an account's devices and issues a new enrolment link."""
    if not actor.can.manages_security or actor.pk == user.pk:
        _denied(
            actor=actor,
            action="auth.totp_reset",
            target=user,
            reason="own_account" if actor.pk == user.pk else "not_security_officer",
            request=request,
        )
        raise PermissionDenied("a security officer resets another account's second factor")
    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action="auth.totp_reset",
            object_type="user",
            object_id=user.pk,
            request=request,
            detail={"devices_removed": count},
        )
        return enrolment_link_create(actor=actor, user=user, request=request)


# --- API tokens ------------------------------------------------------------------------------


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "DOUDI_API_TOKEN_DAYS", 90))


def session_has_2fa(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


def api_token_issue(*, actor, name: str, scope: str, request=None, verified=None):
    """Issue a token to the signed-in user. A role that needs two factors gets one only from a
    session verified with its second factor. Returns (token row, key shown once)."""
    if verified is None:
        verified = session_has_2fa(request)
    if scope not in ApiToken.Scope.values:
        raise ValidationError("请选择令牌的权限范围。")
    if not actor.role or not actor.is_active:
        raise PermissionDenied("no role")
    if actor.can.requires_2fa and not verified:
        _denied(
            actor=actor,
            action="api.token_issue",
            target=actor,
            reason="second_factor",
            request=request,
        )
        raise PermissionDenied("this role gets API tokens only in a two-factor session")
    with transaction.atomic():
        return _api_token_create(
            actor=actor, name=name, scope=scope, verified=verified, request=request
        )


def _api_token_create(*, actor, name, scope, verified, request):
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=actor,
        name=(name or "").strip()[:64] or "API",
        prefix=key[:8],
        key_hash=_hash(key),
        scope=scope,
        role=actor.role,
        issued_with_2fa=bool(verified),
        created_at=now,
        expires_at=now + token_lifetime(),
    )
    audit_record(
        actor=actor,
        action="api.token_issue",
        object_type="api_token",
        object_id=token.pk,
        request=request,
        detail={"scope": scope, "expires": token.expires_at.isoformat()},
    )
    return token, key


def api_token_lookup(key: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(key_hash=_hash(key or "")).first()


def api_token_revoke(*, actor, token: ApiToken, request=None) -> None:
    if token.user_id != actor.pk and not actor.can.manages_security:
        _denied(
            actor=actor,
            action="api.token_revoke",
            target=token.user,
            reason="not_owner",
            request=request,
            detail={"token": token.pk},
        )
        raise PermissionDenied("only the owner or a security officer revokes a token")
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api.token_revoke",
        object_type="api_token",
        object_id=token.pk,
        request=request,
    )


def _tokens_end(*, user, by, reason: str, request=None) -> None:
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    ids = list(live.values_list("pk", flat=True))
    if ids:
        live.update(revoked_at=timezone.now(), revoked_by=by)
        audit_record(
            actor=by,
            action="api.token_revoke",
            object_type="user",
            object_id=user.pk,
            request=request,
            detail={"tokens": ids, "reason": reason},
        )
