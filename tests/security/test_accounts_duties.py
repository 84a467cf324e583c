"""Issue 12, F1 — separation of duties (三权分立): the administrator manages accounts but can
never grant a privileged role alone; nobody edits his own role, jurisdiction or flags; no
superuser; second factors enrolled by their holder through a one-time link; all audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.accounts import manage
from doudi.accounts.actions import totp_secret_base32
from doudi.accounts.models import EnrolmentLink, RoleChange, User
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEntry
from tests.conftest import PASSWORD, current_code, sign_in

pytestmark = pytest.mark.django_db


def _state(user: User):
    user.refresh_from_db()
    return (user.role, user.jurisdiction_id, user.is_active, user.is_superuser, user.is_staff)


def _denied(action: str):
    return list(
        AuditEntry.objects.filter(action=action, outcome="denied").values_list(
            "actor_name", "object_id", "detail"
        )
    )


def test_administrator_cannot_raise_his_own_role(cast):
    grace = cast["grace"]
    before = _state(grace)
    client = sign_in(grace)
    response = client.post(f"/accounts/users/{grace.pk}/role/", {"role": "security_officer"})
    assert response.status_code == 403
    assert "您无权进行这项更改" in response.content.decode()
    assert _state(grace) == before
    assert not RoleChange.objects.exists()
    assert _denied("user.role_change") == [
        (
            "grace",
            str(grace.pk),
            {"reason": "own_account", "to": "security_officer", "jurisdiction": ""},
        )
    ]


def test_nobody_edits_flags_or_privileged_fields_through_the_edit_action(cast):
    grace, alice = cast["grace"], cast["alice"]
    before = _state(alice)
    with pytest.raises(manage.PermissionDenied):
        manage.account_update(actor=grace, user=alice, is_superuser=True, role="auditor")
    assert _state(alice) == before
    assert _denied("user.change") == [
        ("grace", str(alice.pk), {"reason": "privileged_field", "fields": ["is_superuser", "role"]})
    ]
    # The edit page ignores anything but its own fields.
    client = sign_in(grace)
    client.post(
        f"/accounts/users/{alice.pk}/edit/",
        {"display_name": "爱丽丝", "role": "auditor", "is_superuser": "on", "is_staff": "on"},
    )
    assert _state(alice) == before
    alice.refresh_from_db()
    assert alice.display_name == "爱丽丝"


def test_privileged_role_change_needs_the_security_officer(cast, district):
    grace, heidi, alice = cast["grace"], cast["heidi"], cast["alice"]
    before = _state(alice)
    admin = sign_in(grace)
    response = admin.post(
        f"/accounts/users/{alice.pk}/role/",
        {"role": "district_bureau", "jurisdiction": district["district"].pk},
    )
    assert response.status_code == 302
    change = RoleChange.objects.get()
    assert (change.status, change.role, change.requested_by_id) == (
        "pending",
        "district_bureau",
        grace.pk,
    )
    assert _state(alice) == before  # nothing granted yet

    # The administrator cannot complete it, neither on the page nor through the action.
    refused = admin.post(f"/accounts/role-changes/{change.pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 403
    assert "角色变更须由另一位安全保密管理员审批" in refused.content.decode()
    with pytest.raises(manage.PermissionDenied):
        manage.role_change_decide(actor=grace, change=change, approve=True)
    change.refresh_from_db()
    assert change.status == "pending" and _state(alice) == before
    assert [d[0] for d in _denied("user.role_approve")] == ["grace", "grace"]

    # The security officer approves: the role is applied and alice (no second factor yet)
    # gets a one-time enrolment link, shown once to the officer.
    security = sign_in(heidi)
    page = security.post(f"/accounts/role-changes/{change.pk}/decide/", {"decision": "approve"})
    assert page.status_code == 200
    assert re.search(r"/accounts/enrol/[\w-]{40,}/", page.content.decode())
    alice.refresh_from_db()
    assert (alice.role, alice.jurisdiction_id) == ("district_bureau", district["district"].pk)
    change.refresh_from_db()
    assert (change.status, change.decided_by_id) == ("approved", heidi.pk)
    actions = list(
        AuditEntry.objects.filter(object_id=str(alice.pk), outcome="success")
        .exclude(action="auth.login")
        .values_list("actor_name", "action")
    )
    assert actions == [
        ("grace", "user.role_request"),
        ("heidi", "user.role_approve"),
        ("heidi", "user.role_change"),
        ("heidi", "auth.enrolment_link"),
    ]


def test_a_security_officer_cannot_approve_a_change_of_his_own_account(cast, district):
    grace, heidi = cast["grace"], cast["heidi"]
    change = manage.role_change(actor=grace, user=heidi, role=Role.ADMINISTRATOR)
    assert change is not None and heidi.role == "security_officer"
    with pytest.raises(manage.PermissionDenied):
        manage.role_change_decide(actor=heidi, change=change, approve=True)
    heidi.refresh_from_db()
    change.refresh_from_db()
    assert (heidi.role, change.status) == ("security_officer", "pending")
    assert _denied("user.role_approve") == [
        ("heidi", str(heidi.pk), {"reason": "second_person_required", "change": change.pk})
    ]


def test_lowering_a_privileged_account_also_needs_approval(cast, district):
    dave = cast["dave"]
    change = manage.role_change(
        actor=cast["grace"], user=dave, role=Role.COMMUNITY_OFFICER, jurisdiction=district["A"]
    )
    dave.refresh_from_db()
    assert change.status == "pending" and dave.role == "district_bureau"


def test_non_privileged_changes_apply_at_once_and_are_audited(cast, district):
    grace, alice = cast["grace"], cast["alice"]
    response = sign_in(grace).post(
        f"/accounts/users/{alice.pk}/role/",
        {"role": "community_officer", "jurisdiction": district["B"].pk},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.role, alice.jurisdiction_id) == ("community_officer", district["B"].pk)
    entry = AuditEntry.objects.get(action="user.role_change")
    assert (
        entry.actor_name,
        entry.object_id,
        entry.detail["from_jurisdiction"],
        entry.detail["jurisdiction"],
    ) == ("grace", str(alice.pk), "420106001001", "420106001002")


def test_other_roles_cannot_manage_accounts(cast, district):
    alice, bob = cast["alice"], cast["bob"]
    client = sign_in(alice)
    before = _state(bob)
    assert client.get("/accounts/users/").status_code == 403
    response = client.post(
        f"/accounts/users/{bob.pk}/role/",
        {"role": "street_reviewer", "jurisdiction": district["street1"].pk},
    )
    assert response.status_code == 403
    assert client.post(f"/accounts/users/{bob.pk}/active/", {"active": "0"}).status_code == 403
    assert _state(bob) == before
    denied = AuditEntry.objects.filter(actor_name="alice", outcome="denied")
    assert list(denied.values_list("action", "detail")) == [
        ("user.list", {"reason": "not_administrator"}),
        ("user.role_change", {"reason": "not_administrator"}),
        ("user.deactivate", {"reason": "not_administrator"}),
    ]


def test_administrator_deactivates_accounts_but_not_his_own(cast):
    grace, alice = cast["grace"], cast["alice"]
    alice_client = sign_in(alice)
    admin = sign_in(grace)
    assert admin.post(f"/accounts/users/{alice.pk}/active/", {"active": "0"}).status_code == 302
    assert _state(alice)[2] is False
    # Takes effect on alice's next request.
    assert alice_client.get("/")["Location"].startswith("/accounts/login/")
    assert admin.post(f"/accounts/users/{grace.pk}/active/", {"active": "0"}).status_code == 403
    assert _state(grace)[2] is True
    assert _denied("user.deactivate")[0][2] == {"reason": "own_account"}


def test_new_privileged_account_starts_without_role_and_enrols_through_its_link(cast, district):
    grace, heidi = cast["grace"], cast["heidi"]
    admin = sign_in(grace)
    response = admin.post(
        "/accounts/users/new/",
        {
            "username": "zhao",
            "role": "auditor",
            "jurisdiction": district["district"].pk,
            "password": "Zhao-initial-2026!",
            "display_name": "赵审计",
        },
    )
    assert response.status_code == 302
    zhao = User.objects.get(username="zhao")
    assert (zhao.role, zhao.jurisdiction_id) == ("", None)
    # No role yet: sign-in is refused.
    refused = Client().post(
        "/accounts/login/", {"username": "zhao", "password": "Zhao-initial-2026!"}
    )
    assert "_auth_user_id" not in refused.wsgi_request.session
    change = RoleChange.objects.get(user=zhao)
    link = manage.role_change_decide(actor=heidi, change=change, approve=True)
    zhao.refresh_from_db()
    assert zhao.role == "auditor"
    url = f"/accounts/enrol/{link.token}/"

    # The link alone shows no secret: the password comes first, and only zhao's works.
    stranger = Client()
    page = stranger.get(url)
    assert page.status_code == 200 and 'data-testid="totp-secret"' not in page.content.decode()
    wrong = stranger.post(url, {"password": PASSWORD})  # grace's password, not zhao's
    assert wrong.status_code == 400
    assert 'data-testid="totp-secret"' not in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=zhao).exists()

    holder = Client()
    holder.post(url, {"password": "Zhao-initial-2026!"})
    page = holder.get(url)
    assert 'data-testid="totp-secret"' in page.content.decode()
    device = TOTPDevice.objects.get(user=zhao, confirmed=False)
    done = holder.post(url, {"token": current_code(device)})
    assert (done.status_code, done["Location"]) == (302, "/")
    device.refresh_from_db()
    assert device.confirmed is True
    assert holder.get("/").status_code == 200
    # One use only.
    assert Client().get(url).status_code == 410
    assert EnrolmentLink.objects.get(user=zhao).used_at is not None
    # The secret is never shown again, to anyone: not on the account page either.
    detail = sign_in(heidi).get(f"/accounts/users/{zhao.pk}/").content.decode()
    assert "totp-secret" not in detail and totp_secret_base32(device) not in detail


def test_an_enrolment_link_expires_after_24_hours(cast):
    link = manage.enrolment_link_create(actor=cast["heidi"], user=cast["dave"])
    EnrolmentLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    page = Client().get(f"/accounts/enrol/{link.token}/")
    assert page.status_code == 410
    assert "24小时" in page.content.decode()
    assert (link.expires_at - link.created_at) == dt.timedelta(hours=24)


def test_createsuperuser_is_refused_with_one_line(db):
    with pytest.raises(CommandError) as refused:
        call_command("createsuperuser", "--noinput", "--username", "root")
    assert "doudi bootstrap" in str(refused.value) and "\n" not in str(refused.value)
    assert not User.objects.exists()


def test_a_superuser_flag_grants_nothing(cast, households):
    root = User.objects.create_user(
        username="root", password=PASSWORD, role=Role.APPLICANT, is_superuser=True, is_staff=True
    )
    client = sign_in(root)
    assert client.get(f"/households/{households['A1'].pk}/").status_code in (403, 404)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert root.has_perm("accounts.change_user") is False


def test_bootstrap_creates_the_first_administrator_and_security_officer(db, capsys):
    call_command(
        "bootstrap",
        "--admin",
        "wang_admin",
        "--security",
        "li_sec",
        "--base-url",
        "https://doudi.example.gov.cn",
    )
    out = capsys.readouterr().out
    users = {u.username: u.role for u in User.objects.all()}
    assert users == {"wang_admin": "administrator", "li_sec": "security_officer"}
    assert not User.objects.filter(is_superuser=True).exists()
    links = re.findall(r"https://doudi\.example\.gov\.cn/accounts/enrol/([\w-]+)/", out)
    assert len(links) == 2
    assert all(manage.enrolment_link_find(token) is not None for token in links)
    with pytest.raises(CommandError):
        call_command("bootstrap")
    assert User.objects.count() == 2


def test_a_waiting_request_ends_when_the_account_gets_another_role(cast, district):
    grace, heidi = cast["grace"], cast["heidi"]
    user, change = manage.account_create(
        actor=grace,
        username="qian",
        password="Qian-initial-2026!",
        role=Role.AUDITOR,
        jurisdiction=district["district"],
    )
    manage.role_change(
        actor=grace, user=user, role=Role.COMMUNITY_OFFICER, jurisdiction=district["A"]
    )
    change.refresh_from_db()
    assert change.status == "rejected"
    with pytest.raises(ValidationError):
        manage.role_change_decide(actor=heidi, change=change, approve=True)
    user.refresh_from_db()
    assert (user.role, user.jurisdiction_id) == ("community_officer", district["A"].pk)


def test_a_holder_replaces_the_initial_password(cast):
    client = sign_in(cast["alice"])
    wrong = client.post(
        "/accounts/password/",
        {
            "old_password": "not it",
            "new_password1": "Alice-own-2026!x",
            "new_password2": "Alice-own-2026!x",
        },
    )
    assert wrong.status_code == 400
    cast["alice"].refresh_from_db()
    assert cast["alice"].check_password(PASSWORD)
    done = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Alice-own-2026!x",
            "new_password2": "Alice-own-2026!x",
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    cast["alice"].refresh_from_db()
    assert cast["alice"].check_password("Alice-own-2026!x")
    assert not cast["alice"].check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="user.password_change")
    assert (entry.actor_name, entry.object_id) == ("alice", str(cast["alice"].pk))


def test_a_privileged_account_is_reactivated_only_by_the_security_officer(cast):
    grace, heidi, dave = cast["grace"], cast["heidi"], cast["dave"]
    manage.account_set_active(actor=grace, user=dave, active=False)
    admin = sign_in(grace)
    assert admin.post(f"/accounts/users/{dave.pk}/active/", {"active": "1"}).status_code == 403
    assert _state(dave)[2] is False
    assert _denied("user.activate")[0][2] == {"reason": "needs_security_officer"}
    security = sign_in(heidi)
    assert security.post(f"/accounts/users/{dave.pk}/active/", {"active": "1"}).status_code == 302
    assert _state(dave)[2] is True
    # A non-privileged account stays the administrator's: the security officer cannot.
    assert (
        security.post(f"/accounts/users/{cast['alice'].pk}/active/", {"active": "0"}).status_code
        == 403
    )
    assert _state(cast["alice"])[2] is True
