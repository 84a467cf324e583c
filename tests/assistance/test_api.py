"""The 医保 outbound feed over the REST API (token auth): who may read it, acknowledgement."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.manage import api_token_issue
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.assistance.models import Push
from doudi.audit.models import AuditEntry
from tests.assistance.test_flow import _approved

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    # A department's exchange token (deliveries in, pushes out), issued as its holder would.
    _token, key = api_token_issue(actor=user, name="exchange", scope="deliveries", verified=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_yibao_reads_the_feed_and_acknowledges_over_the_api(
    fixed_today, cast, households, resident, departments
):
    _approved(cast, households, departments, fixed_today)
    yibao = User.objects.create_user(
        username="yan", password="x" * 12, role=Role.DATA_OFFICER, department="医保"
    )
    assert _client(cast["frank"]).get("/api/v1/pushes/").status_code == 403  # 残联
    assert _client(cast["alice"]).get("/api/v1/pushes/").status_code == 403
    api = _client(yibao)
    rows = api.get("/api/v1/pushes/").json()
    wang = households["A1"].members.get(relation="head").person
    assert len(rows) == 4
    assert {(r["name"], r["kind"]) for r in rows} == {
        ("王建国", "medical_aid"),
        ("王建国", "enrolment"),
        ("李秀英", "medical_aid"),
        ("李秀英", "enrolment"),
    }
    assert {r["id_number"] for r in rows if r["name"] == "王建国"} == {wang.id_number}
    first = rows[0]["id"]
    response = api.post(
        f"/api/v1/pushes/{first}/ack/", {"reference": "YB-7"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["id"] == first
    assert Push.objects.get(pk=first).ack_reference == "YB-7"
    again = api.post(
        f"/api/v1/pushes/{first}/ack/", {"reference": "YB-8"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert Push.objects.get(pk=first).ack_reference == "YB-7"
    assert [r["id"] for r in api.get("/api/v1/pushes/").json()] == sorted(
        r["id"] for r in rows if r["id"] != first
    )
    assert AuditEntry.objects.filter(action="assistance.push_ack").count() == 1
    assert api.post("/api/v1/pushes/99999/ack/", {"reference": "x"}).status_code == 404
