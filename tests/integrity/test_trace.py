"""Trace-back of a decision shows the data, versions and people as they were at decision
time, after the household's data and the policy have since changed (issue 18)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.assistance import actions as assistance_actions
from doudi.assistance.models import Entitlement
from doudi.audit.models import AuditEntry
from doudi.parameters.models import ParameterValue
from tests.integrity.conftest import approve

pytestmark = pytest.mark.django_db


def test_trace_shows_the_decision_as_it_was(
    clock, cast, households, resident, departments, clients
):
    old = ParameterValue.objects.create(
        name="dibao_standard_urban_fen",
        area_code="420106",
        value=95000,
        effective_from=dt.date(2026, 1, 1),
        source="武政规〔2026〕1号",
    )
    wang = households["A1"].members.get(relation="head").person
    application, decision = approve(cast, households, departments, wang)
    assert f"#{old.pk}" in decision.parameter_version
    entitlement = Entitlement.objects.get(application=application)
    assistance_actions.entitlement_change(
        actor=cast["dave"],
        entitlement=entitlement,
        kind="adjust",
        from_month=dt.date(2026, 7, 1),
        reason="复核后收入变化，调整金额",
        monthly_fen=50000,
    )
    # since then: the household's data and the policy changed
    wife = households["A1"].members.get(relation="spouse").person
    wife.name = "李秀兰"
    wife.save()
    households["A1"].address = "新地址8号"
    households["A1"].save()
    new = ParameterValue.objects.create(
        name="dibao_standard_urban_fen",
        area_code="420106",
        value=120000,
        effective_from=dt.date(2026, 5, 1),
        source="武政规〔2026〕9号",
    )
    clock.day = dt.date(2026, 10, 1)

    response = clients["erin"].get(f"/integrity/decisions/{decision.pk}/trace/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "李秀英" in page and "李秀兰" not in page
    assert "武政规〔2026〕1号" in page and "950 元" in page
    assert "武政规〔2026〕9号" not in page and "1,200 元" not in page
    assert decision.parameter_version in page
    assert "复核后收入变化，调整金额" in page
    assert f"{decision.monthly_amount_fen // 100:,}" in page
    trace = response.context["t"]
    assert [p["what"] for p in trace["people"]][-1] == "作出决定"
    assert trace["people"][-1]["username"] == "dave"
    assert "assistance.decide" in [a["action"] for a in trace["audit"]]
    assert "assistance.entitlement_change" in [a["action"] for a in trace["audit"]]
    versions = [p["version"] for p in trace["policy"]["parameters"]]
    assert old.version in versions and new.version not in versions
    assert len(versions) == decision.parameter_version.count("#")
    assert new.version not in page

    export = clients["erin"].get(f"/integrity/decisions/{decision.pk}/trace.json")
    data = json.loads(export.content)
    assert data["decision"]["monthly_amount_fen"] == decision.monthly_amount_fen
    assert [m["name"] for m in data["data_at_decision"]["members"]] == ["王建国", "李秀英"]
    standard = [p for p in data["policy"]["parameters"] if p["name"] == "dibao_standard_urban_fen"]
    assert [(p["value"], p["source"]) for p in standard] == [(95000, "武政规〔2026〕1号")]
    assert (
        AuditEntry.objects.filter(action="integrity.trace_view", object_id=str(decision.pk)).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="integrity.trace_export").count() == 1


def test_trace_is_scoped_to_the_jurisdiction(
    clock, cast, households, resident, departments, clients
):
    wang = households["A1"].members.get(relation="head").person
    _application, decision = approve(cast, households, departments, wang)
    for who in ("bob", "ivan", "grace"):
        status = clients[who].get(f"/integrity/decisions/{decision.pk}/trace/").status_code
        assert status in (403, 404), who
    assert not AuditEntry.objects.filter(action="integrity.trace_view").exists()
    assert clients["alice"].get(f"/integrity/decisions/{decision.pk}/trace/").status_code == 200
