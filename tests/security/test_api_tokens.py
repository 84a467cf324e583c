"""Issue 12, F2 — the API no longer skips the second factor: tokens of two-factor roles come only
from a two-factor session; tokens are hashed, scoped, expiring and revocable; every request
re-reads the account's role and active flag."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from doudi.accounts import manage
from doudi.accounts.models import ApiToken
from doudi.audit.models import AuditEntry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def hukou_nos(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [h["hukou_no"] for h in response.json()["results"]]


def _unverified_request(user):
    request = RequestFactory().post("/accounts/tokens/")
    request.user = user
    user.is_verified = lambda: False
    return request


def test_a_two_factor_role_gets_no_token_without_the_second_factor(cast):
    dave = cast["dave"]
    with pytest.raises(manage.PermissionDenied):
        manage.api_token_issue(
            actor=dave, name="脚本", scope="read", request=_unverified_request(dave)
        )
    assert not ApiToken.objects.exists()
    denied = AuditEntry.objects.get(action="api.token_issue")
    assert (denied.actor_name, denied.outcome, denied.detail) == (
        "dave",
        "denied",
        {"reason": "second_factor"},
    )


def test_a_token_is_shown_once_and_stored_as_a_hash(cast, households):
    client = sign_in(cast["dave"])  # password and TOTP
    page = client.post("/accounts/tokens/", {"name": "统计脚本", "scope": "read"})
    assert page.status_code == 200
    key = re.search(r'data-testid="new-token">([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user_id, token.scope, token.issued_with_2fa, token.role) == (
        cast["dave"].pk,
        "read",
        True,
        "district_bureau",
    )
    assert key not in str(token.key_hash) and token.prefix == key[:8]
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
    assert key not in client.get("/accounts/tokens/").content.decode()
    assert len(hukou_nos(bearer(key).get("/api/v1/households/"))) == 4


def test_a_token_of_a_two_factor_role_not_issued_with_it_is_refused(cast, households):
    dave = cast["dave"]
    _token, key = manage.api_token_issue(actor=dave, name="旧令牌", scope="read", verified=True)
    ApiToken.objects.update(issued_with_2fa=False)  # e.g. issued before the rule
    response = bearer(key).get("/api/v1/households/")
    assert response.status_code == 401


def test_an_unverified_session_of_a_two_factor_role_reads_nothing(cast, households):
    client = Client()
    client.force_login(cast["dave"])  # password only, no second factor
    assert client.get("/api/v1/households/").status_code == 401
    person = households["A1"].members.first().person
    response = client.post(
        f"/api/v1/persons/{person.pk}/reveal-id/",
        {"reason": "入户核查核对身份"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert person.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.reveal_id").exists()


def test_no_token_reveals_an_id_number(cast, households):
    _token, key = manage.api_token_issue(actor=cast["dave"], name="x", scope="read", verified=True)
    person = households["A1"].members.first().person
    response = bearer(key).post(
        f"/api/v1/persons/{person.pk}/reveal-id/",
        {"reason": "入户核查核对身份"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert person.id_number not in response.content.decode()


def test_scopes(cast, households):
    _t, read_key = manage.api_token_issue(actor=cast["frank"], name="r", scope="read")
    _t, delivery_key = manage.api_token_issue(actor=cast["frank"], name="d", scope="deliveries")
    _t, alice_delivery = manage.api_token_issue(actor=cast["alice"], name="d", scope="deliveries")
    posted = bearer(read_key).post(
        "/api/v1/feeds/canlian_test/deliveries/", {"records": []}, content_type="application/json"
    )
    assert posted.status_code == 403
    assert bearer(delivery_key).get("/api/v1/feeds/").status_code == 200
    assert bearer(alice_delivery).get("/api/v1/households/").status_code == 403
    assert bearer(alice_delivery).get("/api/v1/me/").status_code == 200


def test_tokens_expire(cast, households, settings):
    settings.DOUDI_API_TOKEN_DAYS = 7
    token, key = manage.api_token_issue(actor=cast["alice"], name="x", scope="read")
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    assert hukou_nos(bearer(key).get("/api/v1/households/")) == ["100000001", "100000002"]
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert bearer(key).get("/api/v1/households/").status_code == 401


def test_owner_and_security_officer_revoke_others_cannot(cast, households):
    alice_token, alice_key = manage.api_token_issue(actor=cast["alice"], name="a", scope="read")
    bob_token, bob_key = manage.api_token_issue(actor=cast["bob"], name="b", scope="read")
    # Bob cannot see or revoke alice's token.
    bob = sign_in(cast["bob"])
    assert "a" not in [t.name for t in bob.get("/accounts/tokens/").context["rows"]]
    assert bob.post(f"/accounts/tokens/{alice_token.pk}/revoke/").status_code == 404
    assert bearer(alice_key).get("/api/v1/households/").status_code == 200
    # The owner revokes her own; the security officer sees and revokes bob's.
    assert (
        sign_in(cast["alice"]).post(f"/accounts/tokens/{alice_token.pk}/revoke/").status_code == 302
    )
    heidi = sign_in(cast["heidi"])
    listed = {t.pk for t in heidi.get("/accounts/tokens/").context["rows"]}
    assert listed == {alice_token.pk, bob_token.pk}
    assert heidi.post(f"/accounts/tokens/{bob_token.pk}/revoke/").status_code == 302
    assert bearer(alice_key).get("/api/v1/households/").status_code == 401
    assert bearer(bob_key).get("/api/v1/households/").status_code == 401
    revokes = AuditEntry.objects.filter(action="api.token_revoke", outcome="success")
    assert list(revokes.values_list("actor_name", "object_id")) == [
        ("alice", str(alice_token.pk)),
        ("heidi", str(bob_token.pk)),
    ]


def test_a_role_change_or_deactivation_takes_effect_on_the_next_request(cast, households, district):
    alice, grace = cast["alice"], cast["grace"]
    _token, key = manage.api_token_issue(actor=alice, name="x", scope="read")
    session = sign_in(alice)
    assert hukou_nos(bearer(key).get("/api/v1/households/")) == ["100000001", "100000002"]
    assert hukou_nos(session.get("/api/v1/households/")) == ["100000001", "100000002"]

    manage.role_change(
        actor=grace, user=alice, role="community_officer", jurisdiction=district["B"]
    )
    assert bearer(key).get("/api/v1/households/").status_code == 401
    # The session re-reads the account: now community B's household, not A's.
    assert hukou_nos(session.get("/api/v1/households/")) == ["100000003"]

    _token, key = manage.api_token_issue(actor=alice, name="y", scope="read")
    assert hukou_nos(bearer(key).get("/api/v1/households/")) == ["100000003"]
    manage.account_set_active(actor=grace, user=alice, active=False)
    assert bearer(key).get("/api/v1/households/").status_code == 401
    assert session.get("/api/v1/households/").status_code == 401
