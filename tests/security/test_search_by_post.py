"""F4: searching by ID number, name or phone never puts the query in a URL.

The search form POSTs; the answer is a redirect to ``?s=<token>`` (a token that means something
only in the searching session); a GET with ``?q=<ID number>`` searches nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from doudi.audit.models import AuditEntry
from doudi.registry.models import Person
from tests.conftest import search_households, sign_in

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "doudi"


def test_search_by_post_redirects_to_a_token_without_the_query(households, clients):
    number = Person.objects.get(name="张伟").id_number
    alice = clients["alice"]
    response = alice.post("/households/", {"q": number})
    assert response.status_code == 302
    assert re.fullmatch(r"/households/\?s=[\w-]{16}", response["Location"])
    assert number not in response["Location"]
    page = alice.get(response["Location"])
    assert [h.hukou_no for h in page.context["page"].object_list] == ["100000002"]
    html = page.content.decode()
    # The export link and the pager carry the token, not the number.
    assert f'href="/households/export.csv?s={response["Location"].split("=")[1]}"' in html
    assert f"?q={number}" not in html
    entry = AuditEntry.objects.get(action="household.search")
    assert entry.detail == {"kind": "id", "hits": 1}


@pytest.mark.parametrize("param", ["q", "id_number", "name", "phone"])
def test_get_with_a_query_parameter_does_not_search(households, clients, param):
    number = Person.objects.get(name="张伟").id_number
    value = {"q": number, "id_number": number, "name": "张伟", "phone": "13800138000"}[param]
    page = clients["alice"].get("/households/", {param: value})
    assert page.status_code == 200
    # The whole jurisdiction is listed, unfiltered, and nothing was searched or audited.
    assert sorted(h.hukou_no for h in page.context["page"].object_list) == [
        "100000001",
        "100000002",
    ]
    assert page.context["query"] == ""
    assert not AuditEntry.objects.filter(action="household.search").exists()


def test_export_with_q_ignores_it(households, clients):
    number = Person.objects.get(name="张伟").id_number
    response = clients["alice"].get("/households/export.csv", {"q": number})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "100000001" in text and "100000002" in text  # not filtered by the URL's q


def test_a_token_from_another_session_finds_nothing(households, cast, clients):
    token = search_households(clients["alice"], "张伟").context["search_token"]
    other = sign_in(cast["alice"])
    page = other.get("/households/", {"s": token})
    assert page.context["query"] == "" and page.context["page"].paginator.count == 2


def test_search_needs_csrf(households, cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["alice"])
    response = client.post("/households/", {"q": "张伟"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="household.search").exists()


def test_home_search_form_posts(households, clients):
    html = clients["alice"].get("/").content.decode()
    form = re.search(r'<form class="search" action="/households/" method="(\w+)"', html)
    assert form and form.group(1) == "post"
    assert 'name="csrfmiddlewaretoken"' in html


def test_no_template_sends_a_personal_field_by_get():
    """Every form that asks for a personal value (ID number, name, phone, query) is a POST, and
    no link builds a URL from such a value."""
    offenders = []
    personal = re.compile(r'name="(q|id_number|name|phone|query)"')
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b.*?</form>", text, flags=re.S):
            method = re.search(r'method="(\w+)"', form)
            if personal.search(form) and (not method or method.group(1).lower() != "post"):
                offenders.append(f"{template.relative_to(SRC)}: GET form with a personal field")
        for link in re.findall(r'href="[^"]*\?[^"]*"', text):
            if re.search(r"[?&](q|id_number|name|phone)=", link):
                offenders.append(f"{template.relative_to(SRC)}: {link}")
    assert offenders == []


def test_api_searches_by_post_and_refuses_a_query_in_the_url(households, clients):
    number = Person.objects.get(name="张伟").id_number
    alice = clients["alice"]
    response = alice.post(
        "/api/v1/households/search/", {"q": number}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [h["hukou_no"] for h in response.json()["results"]] == ["100000002"]
    entry = AuditEntry.objects.get(action="household.search")
    assert entry.detail == {"kind": "id", "hits": 1, "via": "api"}
    refused = alice.get("/api/v1/households/", {"q": number}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert "POST /api/v1/households/search/" in refused.json()["q"][0]
    assert AuditEntry.objects.filter(action="household.search").count() == 1


def test_api_search_outside_registry_roles_is_403(households, clients):
    response = clients["frank"].post(
        "/api/v1/households/search/", {"q": "张伟"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="household.search").exists()
