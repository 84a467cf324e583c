"""Issue 12, F1 in the browser, on a phone: the administrator cannot raise his own role (refused,
audited) and can only *request* a privileged role for another account; the security officer
approves it and gets a one-time enrolment link; the holder signs in with his password through
the link, enrols his own second factor and lands on the bureau's home page."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from doudi.accounts.actions import totp_device_enrol
from doudi.accounts.models import RoleChange
from doudi.audit.models import AuditEntry
from tests.conftest import PASSWORD, current_code
from tests.e2e.a11y import PHONE, assert_page_ok
from tests.e2e.pages import sign_out, submit_login

pytestmark = pytest.mark.e2e

POST_APPROVE = """async (url) => {
  const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
  const body = new FormData(); body.append('decision', 'approve');
  const r = await fetch(url, {method: 'POST', body, headers: {'X-CSRFToken': token},
                              redirect: 'manual'});
  return r.status;
}"""


def test_privileged_role_change_needs_the_security_officer(browser, live_server, cast, district):
    base = live_server.url
    grace, heidi, alice = cast["grace"], cast["heidi"], cast["alice"]
    grace_device = totp_device_enrol(user=grace, confirmed=True)
    heidi_device = totp_device_enrol(user=heidi, confirmed=True)
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(30_000)  # a loaded CI machine
    try:
        page = context.new_page()
        submit_login(page, base, "grace", PASSWORD, lambda: current_code(grace_device))
        page.get_by_role("link", name="管理账号").click()
        page.wait_for_url(f"{base}/accounts/users/")
        assert_page_ok(page, "account list")

        # A new, non-privileged account: created at once.
        page.get_by_role("link", name="新建账号").click()
        page.wait_for_url(f"{base}/accounts/users/new/")
        assert_page_ok(page, "new account form")
        page.fill("#id_username", "zhou")
        page.fill("#id_display_name", "周社工")
        page.select_option("#id_role", "community_officer")
        page.select_option("#id_jurisdiction", str(district["A"].pk))
        page.fill("#id_password", "Zhou-initial-2026!")
        page.get_by_role("button", name="创建账号").click()
        assert page.get_by_test_id("message").inner_text() == "账号已创建。"
        assert page.get_by_test_id("account-role").inner_text() == "社区救助干事"

        # His own role: refused, nothing changed, an audit entry.
        page.goto(f"{base}/accounts/users/{grace.pk}/")
        page.select_option("#id_role", "security_officer")
        page.get_by_role("button", name="变更角色").click()
        assert page.get_by_test_id("role-error").inner_text() == "您无权进行这项更改。"
        grace.refresh_from_db()
        assert grace.role == "administrator"
        denied = AuditEntry.objects.get(action="user.role_change", outcome="denied")
        assert (denied.actor_name, denied.object_id) == ("grace", str(grace.pk))

        # Another account to the district bureau: only a request.
        page.goto(f"{base}/accounts/users/")
        page.get_by_role("link", name="alice").click()
        page.wait_for_url(f"{base}/accounts/users/{alice.pk}/")
        assert_page_ok(page, "account page")
        page.select_option("#id_role", "district_bureau")
        page.select_option("#id_jurisdiction", str(district["district"].pk))
        page.get_by_role("button", name="变更角色").click()
        page.wait_for_url(f"{base}/accounts/users/{alice.pk}/")
        assert "已提交角色变更申请" in page.get_by_test_id("message").inner_text()
        assert page.get_by_test_id("account-role").inner_text() == "社区救助干事"
        pending = page.get_by_test_id("pending")
        assert "区民政局" in pending.inner_text()
        assert pending.get_by_role("button", name="批准").count() == 0
        change = RoleChange.objects.get(user=alice)

        # Posting the approval himself changes nothing.
        status = page.evaluate(POST_APPROVE, f"/accounts/role-changes/{change.pk}/decide/")
        assert status == 403
        change.refresh_from_db()
        alice.refresh_from_db()
        assert (change.status, alice.role) == ("pending", "community_officer")
        sign_out(page, base)

        # The security officer approves and receives the one-time enrolment link.
        submit_login(page, base, "heidi", PASSWORD, lambda: current_code(heidi_device))
        page.goto(f"{base}/accounts/users/")
        page.get_by_test_id("pending-changes").get_by_role("link", name="alice").click()
        page.get_by_role("button", name="批准").click()
        enrol_url = page.get_by_test_id("enrol-url").inner_text()
        assert re.fullmatch(rf"{re.escape(base)}/accounts/enrol/[\w-]+/", enrol_url)
        assert page.get_by_test_id("account-role").inner_text() == "区民政局"
        assert page.get_by_test_id("totp-secret").count() == 0
        assert_page_ok(page, "approved account page")
        sign_out(page, base)
    finally:
        context.close()

    # Alice enrols her own second factor: password first, then her authenticator's code.
    holder = browser.new_context(locale="en-US", viewport=PHONE)
    holder.set_default_timeout(30_000)  # a loaded CI machine
    try:
        page = holder.new_page()
        page.goto(enrol_url)
        assert page.get_by_test_id("totp-secret").count() == 0
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="继续").click()
        secret = page.get_by_test_id("totp-secret").inner_text()
        assert_page_ok(page, "enrolment page")
        device = TOTPDevice.objects.get(user=alice, confirmed=False)
        assert len(secret) >= 16
        page.fill("#id_token", current_code(device))
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(f"{base}/")
        assert "区民政局" in page.locator("header .who").inner_text()
        # The link works once.
        page.goto(enrol_url)
        assert "此设置链接无效" in page.locator("main").inner_text()
    finally:
        holder.close()
    device.refresh_from_db()
    assert device.confirmed is True
    decided = AuditEntry.objects.filter(action="user.role_approve")
    assert list(decided.values_list("actor_name", "outcome")) == [
        ("grace", "denied"),
        ("heidi", "success"),
    ]


def test_tokens_and_lockouts_on_a_phone(browser, live_server, cast):
    from django.test import Client

    from doudi.accounts.models import ApiToken

    base = live_server.url
    dave_device = totp_device_enrol(user=cast["dave"], confirmed=True)
    heidi_device = totp_device_enrol(user=cast["heidi"], confirmed=True)
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(30_000)  # a loaded CI machine
    try:
        page = context.new_page()
        submit_login(page, base, "dave", PASSWORD, lambda: current_code(dave_device))
        page.locator("header a.who").click()
        page.wait_for_url(f"{base}/accounts/password/")
        assert_page_ok(page, "own account page")
        page.get_by_role("link", name="接口令牌").click()
        page.wait_for_url(f"{base}/accounts/tokens/")
        page.fill("#id_name", "统计脚本")
        page.select_option("#id_scope", "read")
        page.get_by_role("button", name="签发令牌").click()
        key = page.get_by_test_id("new-token").inner_text()
        assert len(key) >= 40
        assert_page_ok(page, "token page")
        page.goto(f"{base}/accounts/tokens/")
        assert key not in page.content()
        row = page.get_by_test_id("tokens").locator("tbody tr")
        assert row.count() == 1 and "有效" in row.inner_text()
        row.get_by_role("button", name="吊销").click()
        page.wait_for_url(f"{base}/accounts/tokens/")
        assert "已吊销" in page.get_by_test_id("tokens").locator("tbody tr").inner_text()
        assert ApiToken.objects.get().revoked_at is not None
        sign_out(page, base)

        for _ in range(5):
            Client().post("/accounts/login/", {"username": "alice", "password": "wrong-pass-1"})
        submit_login(page, base, "heidi", PASSWORD, lambda: current_code(heidi_device))
        page.get_by_role("link", name="登录锁定").first.click()
        page.wait_for_url(f"{base}/accounts/lockouts/")
        row = page.get_by_test_id("lockouts").locator("tbody tr")
        assert row.count() == 1
        assert "alice" in row.inner_text() and "已锁定" in row.inner_text()
        assert_page_ok(page, "lockouts page")
        row.get_by_role("button", name="解锁").click()
        page.wait_for_url(f"{base}/accounts/lockouts/")
        assert page.get_by_test_id("message").inner_text() == "已解锁。"
        assert page.get_by_test_id("lockouts").count() == 0
    finally:
        context.close()
    assert AuditEntry.objects.filter(action="auth.unlock", actor_name="heidi").count() == 1
