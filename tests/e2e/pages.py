"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations


def submit_login(page, base_url: str, username: str, password: str, totp_code=None) -> None:
    """Sign in through the login page (and the 2FA page when ``totp_code`` is given)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    if totp_code is not None:
        page.wait_for_url(f"{base_url}/accounts/2fa/")
        page.fill("#id_token", totp_code() if callable(totp_code) else totp_code)
        page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def sign_out(page, base_url: str) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base_url}/accounts/login/")
