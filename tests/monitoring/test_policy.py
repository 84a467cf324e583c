"""Policy versions: only the bureau edits, with a reason, validated; effective dates decide
which version a run uses; an old warning keeps its version's labels."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.audit.models import AuditEntry
from doudi.engine.monitoring.policy import default_policy
from doudi.monitoring import actions
from doudi.monitoring.models import PolicyVersion, Warning
from doudi.monitoring.selectors import policy_in_force

from .conftest import ILLNESS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_engine")]


def _with_points(indicator: str, points: int) -> dict:
    doc = default_policy()
    next(i for i in doc["indicators"] if i["id"] == indicator)["points"] = points
    return doc


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "grace"])
def test_only_the_bureau_creates_versions_nothing_changes_otherwise(cast, who):
    with pytest.raises(PermissionDenied):
        actions.policy_version_create(
            actor=cast[who],
            document=default_policy(),
            effective_from=dt.date(2026, 1, 1),
            reason="调整分值测试",
        )
    assert PolicyVersion.objects.count() == 0
    denied = AuditEntry.objects.get(action="monitoring.policy_create")
    assert (denied.actor_name, denied.outcome) == (who, "denied")


def test_reason_required_and_invalid_documents_are_refused_with_every_message(cast):
    dave = cast["dave"]
    with pytest.raises(ValidationError) as exc:
        actions.policy_version_create(
            actor=dave, document=default_policy(), effective_from=dt.date(2026, 1, 1), reason="  "
        )
    assert exc.value.messages == ["请填写修改理由（至少4个字）"]
    doc = default_policy()
    doc["dimensions"][0]["cap"] = "a lot"
    doc["bands"][0]["level"] = ""
    with pytest.raises(ValidationError) as exc:
        actions.policy_version_create(
            actor=dave, document=doc, effective_from=dt.date(2026, 1, 1), reason="调整封顶分"
        )
    assert len(exc.value.messages) >= 2
    assert PolicyVersion.objects.count() == 0


def test_effective_dates_decide_the_version_in_force(cast, fake_engine, households):
    dave = cast["dave"]
    v1 = actions.policy_default_ensure()
    v2 = actions.policy_version_create(
        actor=dave,
        document=_with_points("serious_illness", 20),
        effective_from=dt.date(2026, 6, 1),
        reason="重病分值上调（6月起）",
    )
    assert (v1.number, v2.number) == (1, 2)
    assert policy_in_force(on=dt.date(2026, 5, 31)) == v1
    assert policy_in_force(on=dt.date(2026, 6, 1)) == v2
    fake_engine.households = [("100000001", 60.0, "warning", ["serious_illness"], ILLNESS)]
    before = actions.monitoring_run(actor=None, as_of=dt.date(2026, 5, 31))
    assert before.policy_version == v1
    assert (
        next(
            i.points
            for i in fake_engine.calls[-1]["policy"].indicators
            if i.id == "serious_illness"
        )
        == 15
    )
    after = actions.monitoring_run(actor=None, as_of=dt.date(2026, 6, 1))
    assert after.policy_version == v2
    assert (
        next(
            i.points
            for i in fake_engine.calls[-1]["policy"].indicators
            if i.id == "serious_illness"
        )
        == 20
    )
    entry = AuditEntry.objects.filter(action="monitoring.policy_create", actor_name="dave").get()
    assert entry.detail["before"]["indicators"]["serious_illness"] == 15
    assert entry.detail["after"]["indicators"]["serious_illness"] == 20
    assert (entry.detail["before_version"], entry.detail["reason"]) == (1, "重病分值上调（6月起）")


def test_an_old_warning_shows_its_own_versions_labels(cast, fake_engine, households, clients):
    fake_engine.households = [("100000001", 60.0, "warning", ["serious_illness"], ILLNESS)]
    actions.monitoring_run(actor=None, as_of=dt.date(2026, 5, 1))
    doc = default_policy()
    next(i for i in doc["indicators"] if i["id"] == "serious_illness")["label_zh"] = (
        "重病（新口径）"
    )
    actions.policy_version_create(
        actor=cast["dave"], document=doc, effective_from=dt.date(2026, 5, 2), reason="改指标名称"
    )
    warning = Warning.objects.get()
    page = clients["dave"].get(f"/monitoring/warnings/{warning.pk}/").content.decode()
    assert "重特大疾病或特殊病（认定或近两年确诊）" in page
    assert "重病（新口径）" not in page
    assert "v1" in page


def test_policy_edit_page_fields_and_json(cast, clients):
    dave = clients["dave"]
    page = dave.get("/monitoring/policy/edit/")
    assert page.status_code == 200
    data = {"mode": "fields", "f-effective_from": "2026-07-01", "f-reason": "上调低保标准"}
    for name, field in page.context["fields_form"].fields.items():
        if name not in ("effective_from", "reason"):
            data[f"f-{name}"] = field.initial
    data["f-points__earner_death"] = "25"
    data["f-area__0"] = "980"  # typed in 元 (dibao_standard: 980 元 = 98000 fen)
    saved = dave.post("/monitoring/policy/edit/", data)
    assert saved.status_code == 302 and saved["Location"] == "/monitoring/policy/"
    version = PolicyVersion.objects.get(number=2)
    doc = version.document
    assert next(i["points"] for i in doc["indicators"] if i["id"] == "earner_death") == 25
    assert doc["area_parameters"][0]["value"] == 98000
    assert (version.effective_from, version.reason, version.created_by) == (
        dt.date(2026, 7, 1),
        "上调低保标准",
        cast["dave"],
    )

    bad = default_policy()
    bad["bands"][0]["min_score"] = "high"
    refused = dave.post(
        "/monitoring/policy/edit/",
        {
            "mode": "json",
            "j-effective_from": "2026-07-01",
            "j-reason": "改坏的文档",
            "j-document": json.dumps(bad),
        },
    )
    assert refused.status_code == 400
    assert refused.context["problems"]
    for message in refused.context["problems"]:
        assert message in refused.content.decode()
    assert PolicyVersion.objects.count() == 2


def test_policy_edit_money_is_typed_in_yuan_and_checked(cast, clients):
    """Issue 17 item 8: typing 950 once saved ¥9.50 (the field was in fen). Now the field shows
    and takes 元, and an implausible 低保 standard is refused in Chinese; nothing is saved."""
    dave = clients["dave"]
    page = dave.get("/monitoring/policy/edit/")
    field = page.context["fields_form"].fields["area__0"]
    assert field.initial == "950"  # the seeded 95000 fen shown in 元
    assert "元/人/月" in page.content.decode()
    data = {"mode": "fields", "f-effective_from": "2026-07-01", "f-reason": "上调低保标准"}
    for name, f in page.context["fields_form"].fields.items():
        if name not in ("effective_from", "reason"):
            data[f"f-{name}"] = f.initial
    data["f-area__0"] = "9.50"
    refused = dave.post("/monitoring/policy/edit/", data)
    body = refused.content.decode()
    assert refused.status_code == 200 and PolicyVersion.objects.count() == 1
    assert "不在合理范围 300–5000 元/人/月 内" in body and "金额按元填写，不是按分" in body
    assert 'value="9.50"' in body  # what was typed is kept
    data["f-area__0"] = "960"
    saved = dave.post("/monitoring/policy/edit/", data)
    assert saved.status_code == 302, saved.context["problems"]
    assert PolicyVersion.objects.get(number=2).document["area_parameters"][0]["value"] == 96000


def test_policy_json_money_in_fen_is_checked(cast, clients):
    """In the JSON document money stays in fen: a 低保 standard of 950 (¥9.50) is refused."""
    doc = default_policy()
    doc["area_parameters"][0]["value"] = 950
    refused = clients["dave"].post(
        "/monitoring/policy/edit/",
        {
            "mode": "json",
            "j-effective_from": "2026-07-01",
            "j-reason": "上调低保标准",
            "j-document": json.dumps(doc),
        },
    )
    body = refused.content.decode()
    assert "dibao_standard · 4201：9.5 元/人/月 不在合理范围 300–5000 元/人/月 内" in body
    assert "JSON 文档中金额以分为单位" in body
    assert PolicyVersion.objects.count() == 1  # only the default the page starts from
    doc["area_parameters"][0]["value"] = 96000
    saved = clients["dave"].post(
        "/monitoring/policy/edit/",
        {
            "mode": "json",
            "j-effective_from": "2026-07-01",
            "j-reason": "上调低保标准",
            "j-document": json.dumps(doc),
        },
    )
    assert saved.status_code == 302
    assert PolicyVersion.objects.get(number=2).document["area_parameters"][0]["value"] == 96000


@pytest.mark.parametrize("who,status", [("alice", 403), ("carol", 403), ("erin", 403)])
def test_policy_edit_page_is_the_bureaus(cast, clients, who, status):
    response = clients[who].post("/monitoring/policy/edit/", {"mode": "json"})
    assert response.status_code == status
    assert PolicyVersion.objects.count() == 0


def test_policy_page_history(cast, clients):
    actions.policy_default_ensure()
    actions.policy_version_create(
        actor=cast["dave"],
        document=default_policy(),
        effective_from=dt.date(2099, 1, 1),
        reason="未来生效的版本",
    )
    page = clients["erin"].get("/monitoring/policy/")
    assert page.status_code == 200
    assert [v.number for v in page.context["versions"]] == [2, 1]
    assert page.context["in_force"].number == 1
    assert page.context["can_edit"] is False
    assert clients["alice"].get("/monitoring/policy/").status_code == 403
