"""A resident's commitment application end to end in a real browser: declaration (a mistake
refused, nothing lost) → commitment and authorization → the officer's verification report
"基本一致" → simplified path → the bureau's decision → the written notice → the first
payment in the next month's batch → the push to 医保 acknowledged; a second application with
an undeclared car takes the full path. Resident pages pass axe-core, fit a phone, have a
large-text care mode, line spacing ≥ 1.3, and can be filled with the keyboard."""

from __future__ import annotations

import pytest
from django_otp.oath import totp

from doudi.accounts.actions import totp_device_enrol
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.assistance.models import Application, PaymentBatch, Push, Resident
from tests.assistance.conftest import (  # noqa: F401 (fixtures)
    departments,
    fixed_today,
)
from tests.conftest import PASSWORD
from tests.e2e.a11y import PHONE, assert_page_ok
from tests.e2e.pages import sign_out, submit_login

pytestmark = pytest.mark.e2e


def phone(browser):
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(20_000)
    return context


def line_height_ratio(page, selector: str) -> float:
    return page.evaluate(
        """(sel) => { const s = getComputedStyle(document.querySelector(sel));
        return parseFloat(s.lineHeight) / parseFloat(s.fontSize); }""",
        selector,
    )


def test_resident_commitment_application_end_to_end(
    browser,
    live_server,
    cast,
    households,
    district,
    fixed_today,  # noqa: F811
    departments,  # noqa: F811
):
    base = live_server.url
    a1 = households["A1"]
    wang = a1.members.get(relation="head").person
    wife = a1.members.get(relation="spouse").person
    Resident.objects.create(user=cast["ivan"], person=wang)
    departments.add(wife, "renshe_pension", 30000)  # as declared: 300 元 a month
    device = totp_device_enrol(user=cast["dave"], confirmed=True)
    User.objects.create_user(  # the 医保 data officer
        username="yan", password=PASSWORD, role=Role.DATA_OFFICER, department="医保"
    )

    context = phone(browser)
    try:
        page = context.new_page()
        submit_login(page, base, "ivan", PASSWORD)
        page.get_by_role("navigation").get_by_role("link", name="我的申请").click()
        assert_page_ok(page, "my applications")
        page.get_by_label("救助项目").select_option("dibao")
        page.get_by_role("button", name="开始新的申请").click()
        page.wait_for_url(f"{base}/assistance/*/declaration/")
        application = Application.objects.get()

        # the care mode (关怀版): larger text, line spacing ≥ 1.3
        before = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        page.click("#care-mode")
        after = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert after > before
        assert line_height_ratio(page, "main p") >= 1.3
        assert_page_ok(page, "declaration")

        # keyboard: the first member's ID field is reached with Tab from its name field
        page.focus("#m0_name")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") in ("m0_id", "m0_relation")
        page.fill("#m0_id", wang.id_number)
        page.select_option("#m0_relation", "self")
        page.fill("#m1_id", wife.id_number)
        page.select_option("#m1_relation", "spouse")
        page.fill("#income_transfer", "300")
        page.fill("#income_wage", "-50")  # a mistake
        with page.expect_response(f"**/assistance/{application.pk}/draft/"):
            page.fill("#bank_account", "6222020200112233445")
        page.get_by_role("button", name="提交申报").click()
        assert page.get_by_text("工资性收入（元/月）：金额不能为负数").first.is_visible()
        assert page.input_value("#bank_account") == "6222020200112233445"
        assert page.input_value("#m1_id") == wife.id_number
        assert_page_ok(page, "declaration with a mistake")
        with page.expect_response(f"**/assistance/{application.pk}/draft/"):
            page.fill("#income_wage", "0")
        page.keyboard.press("Enter")  # submitted from the keyboard
        page.wait_for_url(f"{base}/assistance/{application.pk}/sign/")
        assert_page_ok(page, "commitment and authorization")

        page.get_by_label("我已阅读告知书并签署承诺").check()
        page.get_by_label("王建国 签署授权").check()
        page.get_by_label("李秀英 签署授权").check()
        page.get_by_role("button", name="签署").click()
        page.wait_for_url(f"{base}/assistance/{application.pk}/")
        assert page.get_by_test_id("status").inner_text() == "已签署，待核对"
        assert_page_ok(page, "application (resident)")
        sign_out(page, base)

        # the officer runs the verification: consistent → simplified path
        submit_login(page, base, "alice", PASSWORD)
        page.goto(f"{base}/assistance/{application.pk}/")
        page.get_by_role("button", name="开展家庭经济状况核对").click()
        page.wait_for_url(f"{base}/assistance/reports/*/")
        assert page.get_by_test_id("verdict").inner_text() == "基本一致"
        page.goto(f"{base}/assistance/{application.pk}/")
        assert page.get_by_test_id("path").inner_text() == "简易程序"
        sign_out(page, base)

        # the bureau decides
        submit_login(
            page,
            base,
            "dave",
            PASSWORD,
            totp_code=lambda: f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}",
        )
        page.goto(f"{base}/assistance/{application.pk}/")
        page.get_by_label("决定理由").fill("核对基本一致，家庭人均收入低于低保标准，予以批准")
        page.get_by_role("button", name="作出决定").click()
        page.wait_for_url(f"{base}/assistance/{application.pk}/notice/")
        notice = page.get_by_test_id("notice").inner_text()
        assert "已获批准" in notice and "2026年6月1日" in notice

        # the first payment is in the next month's batch, downloadable by the bureau
        page.goto(f"{base}/assistance/payments/")
        page.get_by_label("月份（例如 2024-06）").fill("2026-06")
        page.get_by_role("button", name="生成本月发放批次").click()
        batch = PaymentBatch.objects.get()
        csv = page.request.get(f"{base}/assistance/payments/2026-06.csv")
        assert csv.status == 200 and csv.body() == bytes(batch.content)
        rows = csv.text().splitlines()
        assert len(rows) == 2 and rows[1].startswith("2026-06,1,6222****3445,")
        assert rows[1].endswith(",dibao,100000001")
        sign_out(page, base)

        # 医保 acknowledges every push
        submit_login(page, base, "yan", PASSWORD)
        page.goto(f"{base}/assistance/pushes/")
        for n in range(Push.objects.count()):
            page.get_by_label("回执编号").first.fill(f"YB-{n + 1}")
            page.get_by_role("button", name="确认").first.click()
            page.wait_for_url(f"{base}/assistance/pushes/")
        assert not Push.objects.filter(acknowledged_at__isnull=True).exists()
        sign_out(page, base)

        # the resident sees the acknowledgement
        submit_login(page, base, "ivan", PASSWORD)
        page.goto(f"{base}/assistance/{application.pk}/")
        assert page.get_by_test_id("push-ack").count() == 4
        assert_page_ok(page, "application approved (resident)")
        page.goto(f"{base}/assistance/{application.pk}/notice/")
        assert_page_ok(page, "decision notice (resident)")
        sign_out(page, base)

        # a second application, with an undeclared car: the full path
        zhang = households["A2"].members.get(relation="head").person
        zoe = User.objects.create_user(username="zoe", password=PASSWORD, role=Role.APPLICANT)
        Resident.objects.create(user=zoe, person=zhang)
        departments.add(zhang, "gongan_vehicle", 8_000_000)
        submit_login(page, base, "zoe", PASSWORD)
        page.get_by_role("navigation").get_by_role("link", name="我的申请").click()
        page.get_by_role("button", name="开始新的申请").click()
        page.wait_for_url(f"{base}/assistance/*/declaration/")
        second = Application.objects.exclude(pk=application.pk).get()
        page.fill("#m0_id", zhang.id_number)
        page.select_option("#m0_relation", "self")
        with page.expect_response(f"**/assistance/{second.pk}/draft/"):
            page.fill("#bank_account", "6222020200199887766")  # the draft is saved as typed
        page.get_by_role("button", name="提交申报").click()
        page.wait_for_url(f"{base}/assistance/{second.pk}/sign/")
        page.get_by_label("我已阅读告知书并签署承诺").check()
        page.get_by_label("张伟 签署授权").check()
        page.get_by_role("button", name="签署").click()
        page.wait_for_url(f"{base}/assistance/{second.pk}/")
        sign_out(page, base)
        submit_login(page, base, "alice", PASSWORD)
        page.goto(f"{base}/assistance/{second.pk}/")
        page.get_by_role("button", name="开展家庭经济状况核对").click()
        page.wait_for_url(f"{base}/assistance/reports/*/")
        assert page.get_by_test_id("verdict").inner_text() == "不一致"
        page.goto(f"{base}/assistance/{second.pk}/")
        assert page.get_by_test_id("path").inner_text() == "完整程序（入户调查和民主评议）"
        second.refresh_from_db()
        assert second.task is not None and second.task.household == households["A2"]
    finally:
        context.close()
