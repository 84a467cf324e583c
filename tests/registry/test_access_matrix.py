"""Jurisdiction scoping: every page, API object, search hit and export row; anonymous users;
the auditor reads but changes nothing."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from doudi.accounts.manage import api_token_issue
from doudi.audit.models import AuditEntry
from doudi.registry.models import Household, Person
from tests.conftest import export_households, search_households

pytestmark = pytest.mark.django_db


def _export_rows(client, query=""):
    response = export_households(client, query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))[1:]


def _api(client, url, **kwargs):
    return client.get(url, HTTP_ACCEPT="application/json", **kwargs)


# Which households each reader sees: officers their community, the reviewer their street,
# bureau and auditor the whole district; other roles none.
VISIBLE = {
    "alice": {"A1", "A2"},
    "bob": {"B"},
    "carol": {"A1", "A2", "B"},
    "dave": {"A1", "A2", "B", "C"},
    "erin": {"A1", "A2", "B", "C"},
}
NO_REGISTRY = ["frank", "grace", "heidi", "ivan", "peggy"]


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_household_pages_visible_exactly_inside_jurisdiction(name, households, clients):
    client = clients[name]
    for key, household in households.items():
        page = client.get(f"/households/{household.pk}/")
        api = _api(client, f"/api/v1/households/{household.pk}/")
        expected = 200 if key in VISIBLE[name] else 404
        assert (key, page.status_code, api.status_code) == (key, expected, expected)


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_lists_search_and_export_hold_only_own_jurisdiction(name, households, clients):
    client = clients[name]
    expected = sorted(households[k].hukou_no for k in VISIBLE[name])
    listing = _api(client, "/api/v1/households/").json()
    assert sorted(h["hukou_no"] for h in listing["results"]) == expected
    assert sorted(row[0] for row in _export_rows(client)) == expected
    page = client.get("/households/")
    shown = sorted(h.hukou_no for h in page.context["page"].object_list)
    assert shown == expected


def test_officer_search_never_finds_another_communitys_household(households, clients):
    liu_b = households["B"].members.get(relation="head").person
    alice = clients["alice"]
    # By exact ID number (blind index), by name, by household number: nothing from B.
    for query in (liu_b.id_number, liu_b.name, households["B"].hukou_no):
        page = search_households(alice, query)
        assert page.context["page"].paginator.count == 0, query
        api = alice.post(
            "/api/v1/households/search/", {"q": query}, content_type="application/json"
        )
        assert (api.status_code, api.json()["count"]) == (200, 0)
        assert _export_rows(alice, query) == []
    # Bob finds the same household by each of them.
    for query in (liu_b.id_number, liu_b.name, households["B"].hukou_no):
        hits = search_households(clients["bob"], query).context["page"].object_list
        assert [h.hukou_no for h in hits] == ["100000003"], query


def test_person_reveal_outside_jurisdiction_is_404_and_changes_nothing(households, clients):
    liu_b = households["B"].members.get(relation="head").person
    alice = clients["alice"]
    before = AuditEntry.objects.count()
    page = alice.post(f"/households/persons/{liu_b.pk}/reveal-id/", {"reason": "核实身份信息"})
    api = alice.post(
        f"/api/v1/persons/{liu_b.pk}/reveal-id/",
        {"reason": "核实身份信息"},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (404, 404)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("name", NO_REGISTRY)
def test_roles_without_registry_access_see_no_household(name, households, clients):
    client = clients[name]
    assert client.get(f"/households/{households['A1'].pk}/").status_code == 404
    assert client.get("/households/").status_code == 403
    assert client.get("/households/export.csv").status_code == 403
    assert _api(client, "/api/v1/households/").status_code == 403
    assert _api(client, f"/api/v1/households/{households['A1'].pk}/").status_code == 403


def test_missing_and_forbidden_look_the_same(households, clients):
    forbidden = clients["alice"].get(f"/households/{households['B'].pk}/")
    missing = clients["alice"].get("/households/999999/")
    assert (forbidden.status_code, missing.status_code) == (404, 404)

    def main(response):  # the page body; the header varies with CSRF token and path
        return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)

    assert main(forbidden) == main(missing)
    assert "页面不存在" in main(missing)


@pytest.mark.parametrize(
    "url", ["/", "/households/", "/households/1/", "/households/export.csv", "/audit/"]
)
def test_anonymous_pages_redirect_to_login(url, households):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_api_is_refused(households):
    client = Client()
    assert client.get("/api/v1/households/").status_code in (401, 403)
    assert client.get(f"/api/v1/households/{households['A1'].pk}/").status_code in (401, 403)
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_token_auth_uses_the_same_scope(households, cast):
    _token, key = api_token_issue(actor=cast["bob"], name="test", scope="read")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    results = client.get("/api/v1/households/").json()["results"]
    assert [h["hukou_no"] for h in results] == ["100000003"]
    assert client.get(f"/api/v1/households/{households['A1'].pk}/").status_code == 404


def _snapshot():
    return (
        list(Household.objects.order_by("pk").values_list("pk", "address", "hukou_no")),
        list(Person.objects.order_by("pk").values_list("pk", "name", "id_index", "phone")),
    )


def test_auditor_reads_everything_but_changes_nothing(households, clients):
    erin = clients["erin"]
    a1 = households["A1"]
    person = a1.members.first().person
    assert erin.get(f"/households/{a1.pk}/").status_code == 200
    assert erin.get("/audit/").status_code == 200
    before = _snapshot()
    attempts = [
        erin.post(f"/households/{a1.pk}/address/", {"address": "改过的地址"}),
        erin.post(f"/households/persons/{person.pk}/reveal-id/", {"reason": "审计抽查需要"}),
        erin.post(
            f"/api/v1/persons/{person.pk}/reveal-id/",
            {"reason": "审计抽查需要"},
            content_type="application/json",
        ),
        erin.post("/api/v1/households/", {"hukou_no": "1"}, content_type="application/json"),
        erin.put(f"/api/v1/households/{a1.pk}/", {"address": "x"}, content_type="application/json"),
        erin.patch(
            f"/api/v1/households/{a1.pk}/", {"address": "x"}, content_type="application/json"
        ),
        erin.delete(f"/api/v1/households/{a1.pk}/"),
        erin.get("/accounts/users/"),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 405, 405, 405, 405, 403]
    assert _snapshot() == before
    # The refused reveals are themselves on record.
    denied = AuditEntry.objects.filter(action="person.reveal_id", outcome="denied")
    assert list(denied.values_list("actor_name", flat=True)) == ["erin", "erin"]


def test_officer_changes_address_and_it_is_audited(households, clients):
    a1 = households["A1"]
    response = clients["alice"].post(f"/households/{a1.pk}/address/", {"address": "和平路2号"})
    assert response.status_code == 302
    a1.refresh_from_db()
    assert a1.address == "和平路2号"
    entry = AuditEntry.objects.get(action="household.update")
    assert (entry.actor_name, entry.object_id, entry.detail) == (
        "alice",
        str(a1.pk),
        {"field": "address", "before": "和平社区幸福路1号", "after": "和平路2号"},
    )


def test_other_community_cannot_change_address(households, clients):
    b = households["B"]
    response = clients["alice"].post(f"/households/{b.pk}/address/", {"address": "x路"})
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.address == "新河社区幸福路1号"
    assert not AuditEntry.objects.filter(action="household.update").exists()
