"""Demo accounts, one per role (used by ``doudi demo`` and the end-to-end tests)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from doudi.accounts import actions
from doudi.accounts.roles import Role, capabilities
from doudi.audit.actions import audit_record
from doudi.registry.models import Jurisdiction

DEMO_PASSWORD = "Doudi-Demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    role_label: str
    place: str
    totp_secret: str


# username, role, jurisdiction level (first of that level in code order), department
DEMO_ROLES = [
    ("officer", Role.COMMUNITY_OFFICER, "community", ""),
    ("provider", Role.SERVICE_PROVIDER, "community", ""),
    ("reviewer", Role.STREET_REVIEWER, "street", ""),
    ("bureau", Role.DISTRICT_BUREAU, "district", ""),
    ("auditor", Role.AUDITOR, "district", ""),
    ("dataofficer", Role.DATA_OFFICER, None, "残联"),
    ("applicant", Role.APPLICANT, None, ""),
    ("admin", Role.ADMINISTRATOR, None, ""),
    ("security", Role.SECURITY_OFFICER, None, ""),
]


@transaction.atomic
def demo_accounts_ensure(password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Create or reset the demo accounts; 2FA roles get a confirmed TOTP device."""
    User = get_user_model()
    result = []
    for username, role, level, department in DEMO_ROLES:
        place = Jurisdiction.objects.filter(level=level).order_by("code").first() if level else None
        user, created = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "jurisdiction": place,
                "department": department,
                "is_staff": role == Role.ADMINISTRATOR,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if created:
            audit_record(
                action="user.create",
                object_type="user",
                object_id=user.pk,
                detail={"role": role, "demo": True},
            )
        secret = ""
        if capabilities(role).requires_2fa:
            device = actions.user_totp_device(user=user) or actions.totp_device_enrol(
                user=user, confirmed=True
            )
            secret = actions.totp_secret_base32(device)
        result.append(
            DemoAccount(username, role, str(Role(role).label), place.name if place else "—", secret)
        )
    return result
