"""Integrity pages in a real browser on a phone: the supervisor dashboard, the credit-record
list and page with the bureau's forms, and a decision's trace-back pass axe-core and fit 390 px."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.accounts.actions import totp_device_enrol
from doudi.assistance import actions as assistance_actions
from doudi.integrity import actions, scheduler
from tests.assistance.conftest import departments, fixed_today, resident  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, current_code
from tests.e2e.a11y import PHONE, assert_page_ok
from tests.e2e.pages import submit_login
from tests.integrity.conftest import approve

pytestmark = pytest.mark.e2e


def test_integrity_pages_fit_a_phone_and_pass_axe(
    browser,
    live_server,
    cast,
    households,
    district,
    fixed_today,  # noqa: F811
    departments,  # noqa: F811
    resident,  # noqa: F811
):
    wang = households["A1"].members.get(relation="head").person
    application, decision = approve(cast, households, departments, wang)
    assistance_actions.payment_batch(month=dt.date(2026, 6, 1))
    [review] = scheduler.review_schedule(actor=cast["carol"], on=dt.date(2027, 6, 2))
    event = actions.breach_propose(
        actor=cast["alice"],
        application=application,
        person=wang,
        breach="hidden",
        evidence="人社数据显示配偶有工资收入，申报时未报告",
        false_from=dt.date(2026, 5, 1),
    )
    event = actions.breach_decide(
        actor=cast["dave"], event=event, confirm=True, reasons="经核实属实"
    )
    actions.sanction_decide(actor=cast["dave"], event=event, reasons="隐瞒收入，撤销救助")
    device = totp_device_enrol(user=cast["dave"], confirmed=True)
    base = live_server.url
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        submit_login(page, base, "dave", PASSWORD, totp_code=lambda: current_code(device))
        for path, heading in [
            ("/integrity/", "各街道监督情况"),
            ("/integrity/credit/", "信用记录"),
            (f"/integrity/credit/{event.pk}/", f"信用记录 #{event.pk}"),
            (f"/integrity/decisions/{decision.pk}/trace/", f"决定倒查 #{decision.pk}"),
            ("/integrity/reviews/", "定期复查"),
            ("/integrity/spotchecks/", "随机抽查"),
            (f"/integrity/reviews/{review.pk}/", f"定期复查 #{review.pk}"),
        ]:
            page.goto(base + path)
            assert page.locator("h1").inner_text() == heading
            assert_page_ok(page, path)
        page.goto(f"{base}/integrity/credit/{event.pk}/")
        for button in page.locator("main button[type=submit]").all():
            box = button.bounding_box()
            assert box is not None and box["height"] >= 44
    finally:
        context.close()
