"""The home-visit form: drafts on the server, completion with its checks (Chinese messages
naming the field, nothing typed lost), the outcome as a model label, attachments sniffed and
served only through the access layer."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doudi.audit.models import AuditEntry
from doudi.casework import actions
from doudi.casework.models import Attachment, Task, Visit
from doudi.monitoring.models import VisitOutcome
from doudi.monitoring.selectors import today

from .conftest import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(warned, cast, clients):
    task = warned["100000001"]
    response = clients["alice"].post(f"/casework/tasks/{task.pk}/visit/")
    visit = Visit.objects.get(task=task)
    assert response["Location"] == f"/casework/visits/{visit.pk}/"
    return visit


def good_form(household, **changes) -> dict:
    head, wife = household.members.order_by("id")
    data = {
        "visited_on": today().isoformat(),
        "mode": "in_person",
        "visitor_1": "张敏",
        "visitor_2": "李强",
        "members_present": [str(head.person_id), str(wife.person_id)],
        "living_conditions": "两居室，家具陈旧",
        "observed_income": "1200.50",
        "observed_spending": "2300",
        "hardship": "3",
        "causes": ["illness", "old_age"],
        "needs": ["medical_aid", "daily_care"],
        "notes": "户主住院后无收入",
        "outcome": "confirmed",
        "visitors_confirmed": "on",
        "member_confirmed_by": "李秀英",
    }
    data.update(changes)
    return data


def test_a_draft_is_saved_on_the_server_as_typed(visit, clients):
    response = clients["alice"].post(
        f"/casework/visits/{visit.pk}/draft/",
        json.dumps({"visitor_1": "张敏", "causes": ["illness"], "notes": "未完"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    visit.refresh_from_db()
    assert visit.draft == {"visitor_1": "张敏", "causes": ["illness"], "notes": "未完"}
    assert response.json() == {"saved_at": visit.draft_saved_at.isoformat()}
    page = clients["alice"].get(f"/casework/visits/{visit.pk}/").content.decode()
    assert 'value="张敏"' in page and "未完" in page
    assert (
        clients["bob"]
        .post(f"/casework/visits/{visit.pk}/draft/", "{}", content_type="application/json")
        .status_code
        == 404
    )


def test_completing_records_the_visit_and_the_models_label(visit, clients, cast):
    household = visit.household
    response = clients["alice"].post(f"/casework/visits/{visit.pk}/", good_form(household))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (
        visit.status,
        visit.visitors,
        visit.observed_income_fen,
        visit.observed_spending_fen,
        visit.hardship,
        visit.causes,
        visit.needs,
        visit.outcome,
    ) == (
        "completed",
        ["张敏", "李强"],
        120050,
        230000,
        3,
        ["illness", "old_age"],
        ["daily_care", "medical_aid"],
        "confirmed",
    )
    task = Task.objects.get(pk=visit.task_id)
    assert (task.status, task.outcome, task.visited_at is not None) == (
        "visited",
        "confirmed",
        True,
    )
    label = VisitOutcome.objects.get()
    assert (label.household, label.visited_on, label.hardship_confirmed, label.recorded_by) == (
        household,
        today(),
        True,
        cast["alice"],
    )
    assert label.selection_probability is None  # a visit down the queue: weight 1
    page = clients["alice"].get(f"/casework/visits/{visit.pk}/").content.decode()
    for text in ("困难属实", "1,200.50 元", "2,300 元", "疾病、年老", "王建国、李秀英"):
        assert text in page, text


def test_a_random_visits_label_keeps_its_selection_probability(visit, clients):
    """Issue 16: the model weighs a random verification visit by 1 / its probability."""
    from decimal import Decimal

    Task.objects.filter(pk=visit.task_id).update(
        origin="random", selection_probability=Decimal("0.0400000000")
    )
    response = clients["alice"].post(f"/casework/visits/{visit.pk}/", good_form(visit.household))
    assert response.status_code == 302
    assert VisitOutcome.objects.get().selection_probability == Decimal("0.04")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visitor_2": ""}, "第二名走访人员：入户调查须由至少两人进行，请填写第二名走访人员。"),
        ({"visitor_2": "张敏"}, "第二名走访人员：入户调查须由至少两人进行，请填写第二名走访人员。"),
        (
            {"visited_on": (today() + dt.timedelta(days=1)).isoformat()},
            "走访日期：日期不能晚于今天。",
        ),
        ({"causes": ["illness", "bad_luck"]}, "致困原因：无法识别的选项：bad_luck"),
        ({"mode": "phone"}, "走访方式：现行政策未允许电话或视频核查，须入户"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_lost(
    visit, clients, changes, message
):
    data = good_form(visit.household, **changes)
    response = clients["alice"].post(f"/casework/visits/{visit.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "户主住院后无收入" in html and "两居室，家具陈旧" in html  # still in the form
    visit.refresh_from_db()
    assert visit.status == "draft" and visit.draft["notes"] == "户主住院后无收入"
    assert not VisitOutcome.objects.exists()
    assert Task.objects.get(pk=visit.task_id).status == "open"


def test_a_phone_visit_is_allowed_while_the_policy_allows_it(visit, clients, cast):
    actions.policy_parameter_create(
        actor=cast["dave"],
        name="remote_visits_allowed",
        area_code="420106",
        value=actions.Decimal(1),
        effective_from=today(),
        source="区民政局关于疫情期间电话核查的通知（演示）",
    )
    response = clients["alice"].post(
        f"/casework/visits/{visit.pk}/", good_form(visit.household, mode="phone")
    )
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).mode == "phone"


def test_could_not_reach_is_no_label(visit, clients):
    data = good_form(visit.household, outcome="unreachable", causes=[], member_confirmed_by="")
    data.pop("visitors_confirmed")
    assert clients["alice"].post(f"/casework/visits/{visit.pk}/", data).status_code == 302
    assert Task.objects.get(pk=visit.task_id).outcome == "unreachable"
    assert not VisitOutcome.objects.exists()


def test_only_officers_of_the_household_record_visits(visit, clients):
    data = good_form(visit.household)
    assert clients["bob"].post(f"/casework/visits/{visit.pk}/", data).status_code == 404
    assert clients["erin"].post(f"/casework/visits/{visit.pk}/", data).status_code == 403
    assert Visit.objects.get(pk=visit.pk).status == "draft"


def test_attachments_are_sniffed_stored_privately_and_served_through_access(
    visit, clients, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/casework/visits/{visit.pk}/attachments/"
    fake = SimpleUploadedFile("照片.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = clients["alice"].post(url, {"file": fake}, follow=True)
    assert "附件：只能上传真实的 JPEG、PNG 图片或 PDF 文件" in response.content.decode()
    assert not Attachment.objects.exists()
    for name, data in (("现场.png", png_bytes()), ("病历.pdf", pdf_bytes())):
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        assert clients["alice"].post(url, {"file": upload}).status_code == 302
    png, pdf = Attachment.objects.order_by("id")
    assert (png.content_type, png.name, png.size) == ("image/png", "现场.png", len(png_bytes()))
    assert pdf.content_type == "application/pdf"
    stored = actions.attachment_path(png)
    assert stored.read_bytes() == png_bytes()
    assert str(stored).startswith(str(settings.DOUDI_PRIVATE_DIR))
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    response = clients["alice"].get(f"/casework/attachments/{png.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert clients["carol"].get(f"/casework/attachments/{pdf.pk}/").status_code == 200
    for who in ("bob", "peggy", "frank"):
        assert clients[who].get(f"/casework/attachments/{png.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="attachment.view").count() == 2


def test_an_attachment_over_the_limit_is_refused(visit, clients, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DOUDI_ATTACHMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("大图.png", png_bytes() + b"\x00" * 200)
    response = clients["alice"].post(
        f"/casework/visits/{visit.pk}/attachments/", {"file": big}, follow=True
    )
    assert "附件：文件超过 0 MB，请压缩后再上传" in response.content.decode()
    assert not Attachment.objects.exists()
