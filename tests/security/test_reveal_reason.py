"""Issue 12 — a reveal reason must be a real reason: a purpose from the list (入户核查, 审核确认,
数据核对, 其他) and, for 其他, at least 4 Chinese characters or words. "aaaa" is refused, in
Chinese, on every reveal path (ID number page, phone, API), and nothing is revealed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from doudi.audit.models import AuditEntry
from doudi.privacy.reasons import reveal_reason

pytestmark = pytest.mark.django_db

REFUSAL = "请选择查看目的"


@pytest.mark.parametrize(
    "text", ["aaaa", "a a a a", "1234", "啊啊啊啊", "看看", "  ", "xx xx xx xx"]
)
def test_junk_is_not_a_reason(text):
    with pytest.raises(ValidationError) as refused:
        reveal_reason("other", text)
    assert refused.value.messages[0].startswith(REFUSAL)
    with pytest.raises(ValidationError):
        reveal_reason("", text)  # blank purpose counts as 其他


@pytest.mark.parametrize(
    ("purpose", "text", "recorded"),
    [
        ("home_visit", "", "入户核查"),
        ("review", "", "审核确认"),
        ("data_check", "比对残联数据", "数据核对：比对残联数据"),
        ("other", "核对低保材料", "核对低保材料"),
        ("", "check disability card number", "check disability card number"),
    ],
)
def test_real_reasons_are_recorded(purpose, text, recorded):
    assert reveal_reason(purpose, text) == recorded


def test_an_unknown_purpose_is_refused():
    with pytest.raises(ValidationError):
        reveal_reason("curiosity", "我想看看这个号码")


def _person(households):
    return households["A1"].members.select_related("person").first().person


def test_aaaa_is_refused_on_the_page_with_nothing_revealed(households, clients):
    person = _person(households)
    response = clients["alice"].post(
        f"/households/persons/{person.pk}/reveal-id/", {"purpose": "other", "reason": "aaaa"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert REFUSAL in html and person.id_number not in html
    assert not AuditEntry.objects.filter(action="person.reveal_id").exists()


def test_a_listed_purpose_reveals_and_is_audited(households, clients):
    person = _person(households)
    response = clients["alice"].post(
        f"/households/persons/{person.pk}/reveal-id/", {"purpose": "home_visit", "reason": ""}
    )
    assert response.status_code == 200 and person.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="person.reveal_id")
    assert (entry.actor_name, entry.detail) == ("alice", {"reason": "入户核查"})


def test_aaaa_is_refused_for_phones_and_in_the_api(households, clients):
    person = _person(households)
    phone = clients["alice"].post(
        f"/households/persons/{person.pk}/reveal-phone/", {"reason": "aaaa"}
    )
    assert phone.status_code == 400 and REFUSAL in phone.content.decode()
    assert person.phone not in phone.content.decode()
    api = clients["alice"].post(
        f"/api/v1/persons/{person.pk}/reveal-id/",
        {"reason": "aaaa"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["reason"][0].startswith(REFUSAL)
    assert person.id_number not in api.content.decode()
    ok = clients["alice"].post(
        f"/api/v1/persons/{person.pk}/reveal-id/",
        {"purpose": "review", "reason": ""},
        content_type="application/json",
    )
    assert ok.json()["id_number"] == person.id_number
    assert list(
        AuditEntry.objects.filter(action__startswith="person.reveal").values_list(
            "action", "detail"
        )
    ) == [("person.reveal_id", {"reason": "审核确认"})]
