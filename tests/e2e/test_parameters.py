"""A district-bureau officer changes the 低保 standard on a phone: 9.50 元 is refused in Chinese,
1000 元 is previewed side by side and saved for approval; a second officer approves it. Every page
passes axe-core (no serious/critical violation) and fits 390 px."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.accounts.actions import totp_device_enrol
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.parameters.actions import parameters_seed
from doudi.parameters.api import params_in_force
from doudi.parameters.models import ParameterChange
from tests.conftest import PASSWORD, current_code
from tests.e2e.a11y import PHONE, assert_page_ok
from tests.e2e.pages import submit_login

pytestmark = pytest.mark.e2e


def test_bureau_changes_the_standard_and_a_second_officer_approves(
    browser, live_server, cast, district
):
    # A live-server test runs on a flushed database (an earlier browser test may have emptied
    # the tables the seed migration filled): seed the area's defaults as `doudi parameters seed`.
    parameters_seed()
    dora = User.objects.create_user(
        username="dora",
        password=PASSWORD,
        role=Role.DISTRICT_BUREAU,
        jurisdiction=district["district"],
    )
    devices = {
        u.username: totp_enrol
        for u, totp_enrol in (
            (cast["dave"], totp_device_enrol(user=cast["dave"], confirmed=True)),
            (dora, totp_device_enrol(user=dora, confirmed=True)),
        )
    }
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(30_000)  # a shared, busy machine
    base = live_server.url
    try:
        page = context.new_page()
        submit_login(page, base, "dave", PASSWORD, totp_code=lambda: current_code(devices["dave"]))
        page.goto(f"{base}/monitoring/policy/")
        page.get_by_role("link", name="救助政策参数").click()
        page.wait_for_url(f"{base}/parameters/")
        row = page.locator('tr[data-name="dibao_standard_urban_fen"]')
        assert "950.00 元/人/月" in row.inner_text()
        assert_page_ok(page, "parameter list")
        row.get_by_role("link", name="提出修改").click()
        page.wait_for_url(f"{base}/parameters/dibao_standard_urban_fen/propose/?area=420106")
        assert page.get_by_label("城市低保标准（元/人/月）").input_value() == "950"
        page.get_by_label("城市低保标准（元/人/月）").fill("9.50")
        page.get_by_label("依据（文号、日期、链接）").fill("武民政〔2024〕1号")
        page.get_by_label("修改理由").fill("年度调标")
        page.get_by_role("button", name="预览修改").click()
        alert = page.get_by_role("alert")
        assert "不在合理范围 300–5000 元/人/月 内" in alert.inner_text()
        assert page.get_by_label("依据（文号、日期、链接）").input_value() == "武民政〔2024〕1号"
        assert_page_ok(page, "refused value")
        page.get_by_label("城市低保标准（元/人/月）").fill("1000")
        page.get_by_role("button", name="预览修改").click()
        diff = page.locator("table.diff")
        assert "950.00 元/人/月" in diff.locator("td.old").inner_text()
        assert "1,000.00 元/人/月" in diff.locator("td.new").inner_text()
        assert_page_ok(page, "preview")
        assert ParameterChange.objects.count() == 0
        page.get_by_role("button", name="确认并保存").click()
        page.wait_for_url(f"{base}/parameters/changes/*/")
        assert page.get_by_test_id("status").inner_text() == "待审批"
        assert "此修改由您提出，须由另一人审批。" in page.content()
        assert_page_ok(page, "pending change")
        change_url = page.url
    finally:
        context.close()
    # the second officer, in her own browser
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(30_000)  # a shared, busy machine
    try:
        page = context.new_page()
        submit_login(page, base, "dora", PASSWORD, totp_code=lambda: current_code(devices["dora"]))
        page.goto(change_url)
        page.get_by_role("button", name="批准并生效").click()
        page.wait_for_url(change_url)
        assert page.get_by_test_id("status").inner_text() == "已生效"
        assert_page_ok(page, "approved change")
    finally:
        context.close()
    change = ParameterChange.objects.get()
    assert (change.status, change.new_value, change.reviewed_by) == ("applied", 100_000, dora)
    assert params_in_force("420106", change.effective_from).dibao_standard_urban_fen == 100_000
    assert (
        params_in_force(
            "420106", change.effective_from - dt.timedelta(days=1)
        ).dibao_standard_urban_fen
        == 95_000
    )
