"""The whole casework path on a 390×844 phone: the work queue (filter, sort, bulk assign) →
the task → the home-visit form (draft saved, reloaded offline and online, then completed) →
hardship confirmed → a service referral accepted by the provider → a session logged; and an
officer of another community gets 404 for that task, visit and attachment. Every page passes
axe-core (no serious or critical violation) and fits 390 px."""

from __future__ import annotations

import re

import pytest

from doudi.casework.models import Attachment, Provider, Referral, ServiceSession, Task, Visit
from doudi.monitoring import actions
from doudi.monitoring.models import VisitOutcome
from tests.casework.conftest import png_bytes
from tests.conftest import PASSWORD
from tests.e2e.a11y import PHONE, assert_page_ok
from tests.e2e.pages import sign_out, submit_login
from tests.monitoring.conftest import ILLNESS, POOR, fake_engine  # noqa: F401 (fixture)


def _wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition with page.evaluate (Playwright's wait_for_function evaluates
    its predicate with eval, which the pages' Content-Security-Policy rightly forbids)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


pytestmark = pytest.mark.e2e


@pytest.fixture
def scene(fake_engine, households, cast, district):  # noqa: F811
    fake_engine.households = [
        ("100000001", 82.0, "urgent", ["serious_illness", "medical_spending_share"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 60.0, "warning", ["income_below_dibao"], POOR),
    ]
    actions.monitoring_run(actor=None)
    tutor = Provider.objects.create(
        kind=Provider.Kind.VOLUNTEER,
        name="彩虹志愿服务队",
        skills=["tutoring"],
        capacity=3,
        user=cast["peggy"],
    )
    tutor.areas.set([district["street1"]])
    return {"tutor": tutor}


def phone(browser):
    context = browser.new_context(locale="en-US", viewport=PHONE, service_workers="allow")
    context.set_default_timeout(20_000)  # a loaded CI machine: the draft round trips wait
    return context


def test_warning_to_visit_to_service_on_a_phone(browser, live_server, scene, cast, tmp_path):
    base = live_server.url
    context = phone(browser)
    try:
        page = context.new_page()
        submit_login(page, base, "alice", PASSWORD)
        assert page.get_by_test_id("todo-unassigned").inner_text() == "2"
        assert_page_ok(page, "officer home")

        # the work queue: filter, sort, bulk assign
        page.get_by_role("link", name="打开工作清单").click()
        page.wait_for_url(f"{base}/casework/")
        rows = page.locator("table.queue tbody tr")
        assert rows.count() == 2
        assert_page_ok(page, "queue")
        page.select_option("select[name=reason]", "serious_illness")  # htmx swaps the rows
        page.wait_for_url(re.compile(r".*reason=serious_illness.*"))
        assert rows.count() == 1
        page.select_option("select[name=reason]", "")
        page.wait_for_url(re.compile(r".*reason=&.*|.*reason=$"))
        page.select_option("select[name=sort]", "score")
        page.wait_for_url(re.compile(r".*sort=score.*"))
        assert rows.count() == 2
        assert rows.first.locator("small.mono").inner_text() == "100000001"
        for checkbox in page.locator("table.queue input[name=task]").all():
            checkbox.check()
        page.get_by_role("button", name="分派", exact=True).click()
        page.wait_for_url(re.compile(r".*/casework/\?.*sort=score.*"))
        assert page.get_by_text("已分派：alice 2").is_visible()
        assert set(
            Task.objects.filter(community=cast["alice"].jurisdiction).values_list(
                "assignee__username", flat=True
            )
        ) == {"alice"}
        assert_page_ok(page, "queue after assignment")

        # the task
        rows.first.get_by_role("link", name="王建国").click()
        task = Task.objects.get(household__hukou_no="100000001")
        page.wait_for_url(f"{base}/casework/tasks/{task.pk}/")
        assert page.get_by_test_id("assignee").inner_text() == "alice"
        assert "自付 23,000 元" in page.locator("ol.indicators").inner_text()
        assert_page_ok(page, "task")

        # the home-visit form: a draft on the phone and on the server
        page.get_by_role("button", name="开始入户核查").click()
        page.wait_for_url(re.compile(r".*/casework/visits/\d+/$"))
        visit = Visit.objects.get(task=task)
        assert_page_ok(page, "visit form")
        page.get_by_label("第二名走访人员").fill("李强")
        page.get_by_label("居住和生活状况").fill("两居室，家具陈旧")
        _wait_until(
            page,
            "document.getElementById('draft-status').textContent.includes('草稿已保存到服务器')",
        )
        visit.refresh_from_db()
        assert visit.draft["living_conditions"] == "两居室，家具陈旧"
        _wait_until(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")

        # the connection drops: typing goes on, the page reloads offline from the phone
        context.set_offline(True)
        page.get_by_label("备注").fill("离线时填写：户主住院后无收入")
        _wait_until(
            page, "document.getElementById('draft-status').textContent.includes('网络已断开')"
        )
        page.reload()
        assert page.get_by_label("备注").input_value() == "离线时填写：户主住院后无收入"
        assert page.get_by_label("居住和生活状况").input_value() == "两居室，家具陈旧"
        visit.refresh_from_db()
        assert "notes" not in visit.draft or visit.draft["notes"] == ""

        # back online: the phone's newer draft goes to the server, and a reload shows it
        context.set_offline(False)
        _wait_until(
            page,
            "document.getElementById('draft-status').textContent.includes('草稿已保存到服务器')",
        )
        visit.refresh_from_db()
        assert visit.draft["notes"] == "离线时填写：户主住院后无收入"
        page.reload()
        assert page.get_by_label("备注").input_value() == "离线时填写：户主住院后无收入"
        assert page.get_by_label("第二名走访人员").input_value() == "李强"

        # a photo of the living room, then the visit completed
        photo = tmp_path / "客厅.png"
        photo.write_bytes(png_bytes())
        page.set_input_files("#id_file", str(photo))
        page.get_by_role("button", name="上传").click()
        page.wait_for_url(f"{base}/casework/visits/{visit.pk}/")
        attachment = Attachment.objects.get()
        assert page.get_by_label("备注").input_value() == "离线时填写：户主住院后无收入"
        page.get_by_label("困难属实").check()
        page.get_by_label("疾病").check()
        page.get_by_label("学业辅导（服务）").check()
        page.get_by_label("走访人员确认以上记录属实").check()
        page.get_by_label("确认记录的家庭成员").fill("李秀英")
        page.get_by_role("button", name="完成入户核查").click()
        page.wait_for_url(f"{base}/casework/visits/{visit.pk}/")
        assert page.get_by_test_id("outcome").inner_text() == "困难属实"
        assert page.evaluate(f"localStorage.getItem('doudi-visit-{visit.pk}')") is None
        assert_page_ok(page, "completed visit")
        assert VisitOutcome.objects.get().hardship_confirmed is True

        # confirmed: a tutoring referral to the volunteers
        page.goto(f"{base}/casework/tasks/{task.pk}/")
        page.select_option("select[name=need]", "tutoring")
        page.select_option("select[name=provider]", str(scene["tutor"].pk))
        page.get_by_role("button", name="转介", exact=True).click()
        page.wait_for_url(f"{base}/casework/tasks/{task.pk}/")
        referral = Referral.objects.get()
        assert_page_ok(page, "task with referral")
        sign_out(page, base)

        # the provider accepts and logs a session
        submit_login(page, base, "peggy", PASSWORD)
        assert page.get_by_test_id("todo-proposed").inner_text() == "1"
        assert_page_ok(page, "provider home")
        page.get_by_role("link", name=re.compile("待答复")).click()
        page.wait_for_url(f"{base}/casework/referrals/{referral.pk}/")
        assert_page_ok(page, "referral")
        page.get_by_role("radio", name="接受", exact=True).check()
        page.get_by_role("button", name="提交答复").click()
        page.wait_for_url(f"{base}/casework/referrals/{referral.pk}/")
        assert page.get_by_test_id("referral-status").inner_text() == "服务方已接受"
        page.get_by_label("时长（分钟）").fill("90")
        page.get_by_label("服务内容").fill("辅导数学作业")
        page.get_by_role("button", name="登记服务").click()
        page.wait_for_url(f"{base}/casework/referrals/{referral.pk}/")
        assert page.locator("table.sessions tbody tr").count() == 1
        assert_page_ok(page, "referral with a session")
        assert ServiceSession.objects.get().minutes == 90
        assert Task.objects.get(pk=task.pk).first_help_at is not None
        sign_out(page, base)

        # an officer of another community: 404 for the task, the visit and the attachment
        submit_login(page, base, "bob", PASSWORD)
        for path in (
            f"/casework/tasks/{task.pk}/",
            f"/casework/visits/{visit.pk}/",
            f"/casework/attachments/{attachment.pk}/",
            f"/casework/referrals/{referral.pk}/",
        ):
            response = page.goto(f"{base}{path}")
            assert response.status == 404, path
    finally:
        context.close()


def test_an_expired_session_in_the_queue_goes_to_login_and_back(browser, live_server, scene):
    base = live_server.url
    context = phone(browser)
    try:
        page = context.new_page()
        submit_login(page, base, "alice", PASSWORD)
        page.goto(f"{base}/casework/")
        context.clear_cookies()  # the session ends
        page.select_option("select[name=sort]", "level")  # an htmx request
        page.wait_for_url(re.compile(r".*/accounts/login/\?next=/casework/.*"))
        assert page.locator("table.queue").count() == 0
        page.fill("#id_username", "alice")
        page.fill("#id_password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{base}/casework/")
        assert page.locator("table.queue tbody tr").count() == 2
    finally:
        context.close()
