"""F3: after sign-in only a same-site relative ``next`` is followed; anything else goes home,
and no ``next`` value causes an error (the old 500 showed the submitted password)."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.common.redirects import safe_next
from tests.conftest import PASSWORD, current_code

pytestmark = pytest.mark.django_db

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /\t/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "evil.example",
    "https:evil.example",
    "/" + "a" * 5000,
    "/住户/名单",
    "/\u2215\u2215evil.example",
    "/%00",  # stays a plain path: allowed, but never a 500
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_password_sign_in_never_leaves_the_site(cast, value):
    response = Client().post(
        "/accounts/login/?" + _query(value), {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    expected = "/%00" if value == "/%00" else "/"
    assert response["Location"] == expected


def _query(value: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": value})


@pytest.mark.parametrize(
    "value", ["/households/", "/casework/?page=2&status=open", "/audit/#top", "/.//x"]
)
def test_same_site_paths_are_followed(cast, value):
    response = Client().post(
        "/accounts/login/?" + _query(value), {"username": "alice", "password": PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, value)


def test_second_factor_sign_in_goes_home_whatever_the_next(cast):
    from doudi.accounts.actions import totp_device_enrol

    device = totp_device_enrol(user=cast["dave"], confirmed=True)
    for value, expected in [("/casework/", "/"), ("https://evil.example/", "/")]:
        client = Client()
        response = client.post(
            "/accounts/login/?" + _query(value), {"username": "dave", "password": PASSWORD}
        )
        assert response["Location"] == "/accounts/2fa/"
        response = client.post("/accounts/2fa/", {"token": current_code(device)})
        assert (response.status_code, response["Location"]) == (302, expected)
        # a TOTP code is single-use: let the next round use a fresh one
        device.refresh_from_db()
        device.last_t = -1
        device.save()


@pytest.mark.parametrize("value", HOSTILE)
def test_login_page_get_with_any_next_is_fine(db, value):
    response = Client().get("/accounts/login/?" + _query(value))
    assert response.status_code == 200


@pytest.mark.parametrize("value", [None, 42, ["/"], "/ok", "//no"])
def test_safe_next_helper(value):
    expected = "/ok" if value == "/ok" else "HOME"
    assert safe_next(value, "HOME") == expected
