"""Issue 12 — lockout keyed by username AND client address, a per-address limit across
usernames, and a visible, audited unlock by the security officer."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

from doudi.accounts.actions import totp_device_enrol
from doudi.audit.models import AuditEntry
from tests.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
OFFICE = "10.20.0.15"


def attempt(ip: str, username: str, password: str):
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_an_outsider_cannot_lock_a_bureau_user_out(cast):
    dave = cast["dave"]
    device = totp_device_enrol(user=dave, confirmed=True)
    for _ in range(6):
        attempt(ATTACKER, "dave", "guess-123456")
    # The attacker is locked out even with the right password …
    locked = attempt(ATTACKER, "dave", PASSWORD)
    assert locked.status_code == 403 and "账户已锁定" in locked.content.decode()
    # … but dave signs in from the office.
    office = Client(REMOTE_ADDR=OFFICE)
    first = office.post("/accounts/login/", {"username": "dave", "password": PASSWORD})
    assert first["Location"] == "/accounts/2fa/"
    done = office.post("/accounts/2fa/", {"token": current_code(device)})
    assert (done.status_code, done["Location"]) == (302, "/")
    assert office.get("/").status_code == 200


def test_one_address_fails_only_so_often_across_usernames(cast, settings):
    settings.DOUDI_LOGIN_FAILURES_PER_ADDRESS = 6
    for name in ("alice", "bob", "carol", "alice", "bob", "carol"):
        assert attempt(ATTACKER, name, "spray-password-1").status_code == 200
    blocked = attempt(ATTACKER, "bob", PASSWORD)  # right password, but the address is blocked
    assert blocked.status_code == 429
    assert "此地址登录失败次数过多" in blocked.content.decode()
    assert "_auth_user_id" not in blocked.wsgi_request.session
    assert AuditEntry.objects.filter(
        action="auth.login", outcome="failure", detail__reason="address_limit"
    ).exists()
    # Other addresses are unaffected.
    assert attempt(OFFICE, "bob", PASSWORD).status_code == 302


def test_the_security_officer_sees_and_unlocks_a_lock(cast, clients):
    for _ in range(5):
        attempt(OFFICE, "alice", "typo-password-1")
    assert attempt(OFFICE, "alice", PASSWORD).status_code == 403
    row = AccessAttempt.objects.get(username="alice", ip_address=OFFICE)

    # The administrator may not unlock (no security duty); nothing changes.
    grace = clients["grace"]
    assert grace.get("/accounts/lockouts/").status_code == 403
    assert grace.post(f"/accounts/lockouts/{row.pk}/unlock/").status_code == 403
    assert AccessAttempt.objects.filter(pk=row.pk).exists()

    heidi = clients["heidi"]
    page = heidi.get("/accounts/lockouts/").content.decode()
    assert "alice" in page and OFFICE in page and "已锁定" in page
    assert heidi.post(f"/accounts/lockouts/{row.pk}/unlock/").status_code == 302
    assert not AccessAttempt.objects.filter(pk=row.pk).exists()
    unlock = AuditEntry.objects.get(action="auth.unlock")
    assert (unlock.actor_name, unlock.outcome, unlock.detail) == (
        "heidi",
        "success",
        {"username": "alice", "failures": 6},  # five wrong, one refused while locked
    )
    assert attempt(OFFICE, "alice", PASSWORD).status_code == 302
