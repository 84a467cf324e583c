"""Sign-in: lockout, second factor for district-level and security roles, session settings."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from doudi.accounts.actions import totp_device_enrol, user_totp_device
from doudi.audit.models import AuditEntry
from tests.conftest import PASSWORD, current_code, sign_in

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(db):
    response = Client().get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "登录" in html


def test_login_page_in_english_on_request(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to doudi" in html


def test_officer_signs_in_with_password_only(cast):
    client = Client()
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    login = AuditEntry.objects.get(action="auth.login", outcome="success")
    assert (login.actor_name, login.detail) == ("alice", {"second_factor": False})


def test_wrong_password_is_refused_and_audited(cast):
    response = Client().post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    failure = AuditEntry.objects.get(action="auth.login")
    assert (failure.outcome, failure.detail) == (
        "failure",
        {"username": "alice", "reason": "bad_credentials"},
    )


def test_lockout_after_five_failures_even_with_the_right_password(cast):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong password"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "账户已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.lockout").count() >= 1
    # Another account is not affected.
    other = Client().post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert other.status_code == 302


@pytest.mark.parametrize("name", ["dave", "erin", "grace", "heidi"])
def test_district_security_and_admin_roles_need_a_second_factor(name, cast):
    user = cast[name]
    device = totp_device_enrol(user=user, confirmed=True)
    client = Client()
    response = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/"
    # Not signed in yet: the home page still asks for login.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    bad = client.post(
        "/accounts/2fa/", {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    time.sleep(1.1)  # django-otp throttles a device for 1 s after a failure
    good = client.post("/accounts/2fa/", {"token": current_code(device)})
    assert (good.status_code, good["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


def test_first_sign_in_of_2fa_role_shows_no_secret_and_enrols_nothing(cast):
    # The second factor is enrolled only through the holder's one-time link (issue 12, F1):
    # whoever signs in first with the password never sees a TOTP secret.
    client = Client()
    client.post("/accounts/login/", {"username": "dave", "password": PASSWORD})
    page = client.get("/accounts/2fa/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "<svg" not in html and 'data-testid="totp-secret"' not in html
    assert "一次性" in html
    assert user_totp_device(user=cast["dave"], confirmed=None) is None
    assert "_auth_user_id" not in client.session


def test_2fa_role_session_without_verified_device_is_ended(cast):
    # A session started some other way (here: force_login) without the second factor.
    client = Client()
    client.force_login(cast["dave"])
    response = client.get("/")
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_there_is_no_admin_site(cast):
    assert Client().get("/admin/login/?next=/admin/").status_code in (302, 404)
    assert sign_in(cast["grace"]).get("/admin/").status_code == 404


def test_session_and_password_policy():
    from doudi.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.AXES_FAILURE_LIMIT == 5


def test_logout_ends_the_session(cast):
    client = Client()
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
