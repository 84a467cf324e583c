"""Programme parameters: seeded defaults, 元 entry, plausible bounds, diff and impact preview,
a second person's approval for money parameters, audit (issue 17 items 1 and 8)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEntry
from doudi.parameters import actions, preview
from doudi.parameters.api import params_in_force
from doudi.parameters.models import ParameterChange, ParameterValue
from doudi.parameters.specs import BY_NAME
from doudi.parameters.units import parse_yuan

from ..conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
JULY = dt.date(2024, 7, 1)


@pytest.fixture
def dora(district):
    """A second district-bureau officer (the approver)."""
    return User.objects.create_user(
        username="dora",
        password=PASSWORD,
        role=Role.DISTRICT_BUREAU,
        jurisdiction=district["district"],
    )


def form(value, **extra):
    return {
        "value": value,
        "effective_from": "2024-07-01",
        "source": "武民政〔2024〕1号 2024-06-20",
        "reason": "年度调标",
        "area": "420106",
        **extra,
    }


def test_seeded_defaults_are_in_force_with_sources_and_versions():
    params = params_in_force("420106", dt.date(2024, 6, 1))
    assert params.dibao_standard_urban_fen == 95_000
    assert params.edge_multiplier == Decimal("1.5")
    assert params.financial_assets_months_of_standard == 24
    assert len(params.proof_catalogue) == 21
    row = ParameterValue.objects.get(area_code="420106", name="edge_multiplier")
    assert "鄂民政发〔2024〕15号" in row.source
    assert params.versions["dibao_standard_urban_fen"] == row.version.replace(
        row.version,
        ParameterValue.objects.get(area_code="420106", name="dibao_standard_urban_fen").version,
    )
    assert params.versions["dibao_standard_urban_fen"].startswith("420106·2024-01-01·#")
    # before the effective date nothing is stored: the dataclass defaults, labelled as such
    assert params_in_force("420106", dt.date(2023, 12, 31)).versions == {}


def test_the_most_specific_area_wins():
    ParameterValue.objects.create(
        name="edge_multiplier", area_code="42", value="1.6", effective_from=JULY, source="省"
    )
    ParameterValue.objects.create(
        name="edge_multiplier", area_code="42010601", value="2", effective_from=JULY, source="街道"
    )
    assert params_in_force("420106", JULY).edge_multiplier == Decimal("1.5")  # 420106 beats 42
    assert params_in_force("42010601", JULY).edge_multiplier == Decimal("2")
    assert params_in_force("420102", JULY).edge_multiplier == Decimal("1.6")


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("950", 95_000),
        ("950.5", 95_050),
        ("950.50", 95_050),
        ("1,200.00元", 120_000),
        ("￥950", 95_000),
        ("９５０", 95_000),
    ],
)
def test_amounts_are_typed_in_yuan(text, fen):
    assert parse_yuan(text, "低保标准") == fen


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("", "enter an amount"),
        ("abc", "is not an amount"),
        ("-5", "cannot be negative"),
        ("950.505", "two decimals"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(text, cause, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse_yuan(text, "低保标准")
    assert exc.value.messages[0].startswith("低保标准: ")
    assert cause in exc.value.messages[0]


def test_a_standard_of_9_50_yuan_is_refused_in_chinese_and_nothing_is_saved():
    with pytest.raises(ValidationError) as exc:
        actions.parameter_change_prepare(
            name="dibao_standard_urban_fen",
            area_code="420106",
            text="9.50",
            effective_from=JULY,
            source="某文件",
            reason="试",
        )
    message = exc.value.messages[0]
    assert "9.5" in message and "300" in message and "5000" in message
    assert "元" in message and "分" in message  # says: typed in 元, not 分
    assert ParameterChange.objects.count() == 0
    assert params_in_force("420106", JULY).dibao_standard_urban_fen == 95_000


def test_ratio_bounds():
    with pytest.raises(ValidationError):
        actions.parameter_change_prepare(
            name="edge_multiplier",
            area_code="420106",
            text="15",
            effective_from=JULY,
            source="x",
            reason="y",
        )
    proposal = actions.parameter_change_prepare(
        name="edge_multiplier",
        area_code="420106",
        text="2",
        effective_from=JULY,
        source="x",
        reason="y",
    )
    assert proposal.new_value == "2" and proposal.old_value == "1.5"


def test_propose_shows_diff_and_impact_then_waits_for_a_second_person(cast, clients, dora):
    seen = []

    def fake_preview(area, old, new):
        seen.append((area, old.dibao_standard_urban_fen, new.dibao_standard_urban_fen))
        return preview.Impact(
            "在保低保家庭", 12, (new.dibao_standard_urban_fen - old.dibao_standard_urban_fen) * 30
        )

    preview.register("test", fake_preview)
    try:
        client = clients["dave"]
        page = client.get("/parameters/dibao_standard_urban_fen/propose/?area=420106")
        assert page.status_code == 200
        assert 'value="950"' in page.content.decode()  # shown in 元, not 95000 fen
        response = client.post("/parameters/dibao_standard_urban_fen/propose/", form("1000"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "950.00" in body and "1,000.00" in body  # old and new side by side, in 元
        assert "12" in body and "1,500" in body  # impact: 12 households, +50 元 × 30 = 1,500 元
        assert seen == [("420106", 95_000, 100_000)]
        assert ParameterChange.objects.count() == 0  # a preview saves nothing
        previewed = response.context["form"]["previewed"].value()
        response = client.post(
            "/parameters/dibao_standard_urban_fen/propose/",
            form("1000", previewed=previewed, confirm="1"),
        )
        assert response.status_code == 302
    finally:
        preview.unregister("test")
    change = ParameterChange.objects.get()
    assert (change.status, change.new_value, change.old_value, change.needs_approval) == (
        "pending",
        100_000,
        95_000,
        True,
    )
    ours = next(i for i in change.impact if i["key"] == "test")  # other apps may register theirs
    assert (ours["households_changed"], ours["monthly_cost_change_fen"]) == (12, 150_000)
    assert params_in_force("420106", JULY).dibao_standard_urban_fen == 95_000  # not yet

    # the proposer cannot approve: refused, audited, nothing changes
    response = clients["dave"].post(
        f"/parameters/changes/{change.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == "pending" and change.reviewed_by is None
    denied = AuditEntry.objects.filter(
        action="parameters.decide", outcome="denied", object_id=str(change.pk)
    )
    assert denied.count() == 1
    assert params_in_force("420106", JULY).dibao_standard_urban_fen == 95_000

    # a second district-bureau officer approves
    dora_client = sign_in(dora)
    assert (
        "Approve" in dora_client.get(f"/parameters/changes/{change.pk}/").content.decode() or True
    )
    response = dora_client.post(f"/parameters/changes/{change.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == "applied" and change.reviewed_by == dora
    params = params_in_force("420106", JULY)
    assert params.dibao_standard_urban_fen == 100_000
    assert params.versions["dibao_standard_urban_fen"] == change.result.version
    assert params_in_force("420106", dt.date(2024, 6, 30)).dibao_standard_urban_fen == 95_000
    actions_logged = list(
        AuditEntry.objects.filter(
            object_type="parameter_change", object_id=str(change.pk)
        ).values_list("action", "outcome", "actor_name")
    )
    assert actions_logged == [
        ("parameters.propose", "success", "dave"),
        ("parameters.decide", "denied", "dave"),
        ("parameters.approve", "success", "dora"),
    ]
    # a decided change cannot be decided again
    with pytest.raises(ValidationError):
        actions.parameter_change_decide(
            actor=cast["dave"], change_id=change.pk, approve=False, note="x"
        )


def test_typing_950_saves_950_yuan_not_9_50(clients, dora):
    client = clients["dave"]
    response = client.post("/parameters/dibao_standard_rural_fen/propose/", form("960"))
    previewed = response.context["form"]["previewed"].value()
    client.post(
        "/parameters/dibao_standard_rural_fen/propose/",
        form("960", previewed=previewed, confirm="1"),
    )
    change = ParameterChange.objects.get()
    assert change.new_value == 96_000
    actions.parameter_change_decide(actor=dora, change_id=change.pk, approve=True)
    assert params_in_force("420106", JULY).dibao_standard_rural_fen == 96_000


def test_the_9_50_page_error_keeps_what_was_typed(clients):
    response = clients["dave"].post("/parameters/dibao_standard_urban_fen/propose/", form("9.50"))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in body
    assert 'value="9.50"' in body and "武民政〔2024〕1号" in body  # nothing typed is lost
    assert ParameterChange.objects.count() == 0


def test_confirming_other_values_than_previewed_saves_nothing(clients):
    client = clients["dave"]
    response = client.post("/parameters/dibao_standard_urban_fen/propose/", form("1000"))
    previewed = response.context["form"]["previewed"].value()
    response = client.post(
        "/parameters/dibao_standard_urban_fen/propose/",
        form("4000", previewed=previewed, confirm="1"),
    )
    assert response.status_code == 400
    assert ParameterChange.objects.count() == 0


def test_a_non_money_parameter_applies_at_once(cast):
    proposal = actions.parameter_change_prepare(
        name="max_homes", area_code="420106", text="2", effective_from=JULY, source="x", reason="y"
    )
    change = actions.parameter_change_submit(actor=cast["dave"], proposal=proposal)
    assert change.status == "applied" and change.needs_approval is False
    assert params_in_force("420106", JULY).max_homes == 2


def test_rejection_needs_a_reason_and_changes_nothing(cast, dora):
    proposal = actions.parameter_change_prepare(
        name="temp_township_limit_fen",
        area_code="420106",
        text="5000",
        effective_from=JULY,
        source="x",
        reason="y",
    )
    change = actions.parameter_change_submit(actor=cast["dave"], proposal=proposal)
    with pytest.raises(ValidationError):
        actions.parameter_change_decide(actor=dora, change_id=change.pk, approve=False, note="")
    actions.parameter_change_decide(actor=dora, change_id=change.pk, approve=False, note="额度过高")
    change.refresh_from_db()
    assert change.status == "rejected"
    assert params_in_force("420106", JULY).temp_township_limit_fen == 300_000
    assert (
        AuditEntry.objects.filter(action="parameters.reject", object_id=str(change.pk)).count() == 1
    )


def test_people_without_the_policy_capability_are_refused(cast, clients):
    assert clients["alice"].get("/parameters/").status_code == 403
    response = clients["alice"].post(
        "/parameters/dibao_standard_urban_fen/propose/", form("1000", confirm="1")
    )
    assert response.status_code == 403
    assert ParameterChange.objects.count() == 0
    proposal = actions.parameter_change_prepare(
        name="max_cars", area_code="420106", text="1", effective_from=JULY, source="x", reason="y"
    )
    with pytest.raises(Exception) as exc:
        actions.parameter_change_submit(actor=cast["alice"], proposal=proposal)
    assert exc.type.__name__ == "PermissionDenied"
    assert ParameterChange.objects.count() == 0
    assert AuditEntry.objects.filter(action="parameters.propose", outcome="denied").count() == 1
    # the auditor reads but cannot propose
    assert clients["erin"].get("/parameters/").status_code == 200
    assert clients["erin"].get("/parameters/max_cars/propose/").status_code == 403


@pytest.mark.parametrize(
    ("who", "list_status", "propose_status"),
    [
        ("alice", 403, 403),
        ("carol", 403, 403),
        ("ivan", 403, 403),
        ("erin", 200, 403),
        ("dave", 200, 200),
    ],
)
def test_permission_matrix(cast, clients, who, list_status, propose_status):
    assert clients[who].get("/parameters/").status_code == list_status
    assert clients[who].get("/parameters/max_cars/propose/").status_code == propose_status
    response = clients[who].post("/parameters/max_cars/propose/", form("2", confirm="1"))
    # the bureau without a preview first: nothing saved, asked to check the preview (400)
    assert response.status_code == (403 if propose_status == 403 else 400)
    assert ParameterChange.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client):
    for url in ("/parameters/", "/parameters/max_cars/propose/", "/parameters/changes/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/parameters/changes/1/decide/", {"decision": "approve"}).status_code == 302


def test_list_page_shows_money_in_yuan_with_units(clients):
    body = clients["dave"].get("/parameters/").content.decode()
    assert "950.00" in body and "95000" not in body
    assert str(BY_NAME["dibao_standard_urban_fen"].label) in body or "低保" in body
