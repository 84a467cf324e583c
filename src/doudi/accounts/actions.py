"""Sign-in, second factor and account changes."""

from __future__ import annotations

import base64

from django.contrib.auth import login
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry


def user_totp_device(*, user, confirmed: bool | None = True) -> TOTPDevice | None:
    qs = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        qs = qs.filter(confirmed=confirmed)
    return qs.order_by("id").first()


@transaction.atomic
def totp_device_enrol(*, user, key_hex: str | None = None, confirmed: bool = False) -> TOTPDevice:
    """Create (or replace the unconfirmed) TOTP device of a user."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    kwargs = {"key": key_hex} if key_hex else {}
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=confirmed, **kwargs)
    audit_record(
        actor=user,
        action="auth.totp_enrol",
        object_type="user",
        object_id=user.pk,
        detail={"confirmed": confirmed},
    )
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def user_sign_in(*, request, user, device: TOTPDevice | None = None) -> None:
    """Start the session (after the password and, where required, the second factor)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    audit_record(
        actor=user,
        action="auth.login",
        object_type="user",
        object_id=user.pk,
        request=request,
        detail={"second_factor": device is not None},
    )


def sign_in_failed(*, request, username: str, reason: str) -> None:
    audit_record(
        action="auth.login",
        object_type="user",
        object_id="",
        outcome=AuditEntry.Outcome.FAILURE,
        request=request,
        detail={"username": username[:150], "reason": reason},
    )
