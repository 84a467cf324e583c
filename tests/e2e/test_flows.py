"""Browser flows against pytest-django's live server with the shared district and cast."""

from __future__ import annotations

import re

import pytest

from doudi.audit.models import AuditEntry
from doudi.registry.models import Person
from tests.conftest import PASSWORD
from tests.e2e.pages import sign_out, submit_login

pytestmark = pytest.mark.e2e

MEMBER_LABELS = ["姓名", "与户主关系", "性别", "出生日期", "身份证号码", "联系电话"]
LIST_LABELS = ["户号", "户主", "身份证号码", "社区", "家庭成员"]
NO_OVERFLOW = "document.documentElement.scrollWidth"
ROOT_FONT_SIZE = "getComputedStyle(document.documentElement).fontSize"


def sign_in(page, live_server, username: str) -> None:
    submit_login(page, live_server.url, username, PASSWORD)
    assert page.url == f"{live_server.url}/"


def cell_labels(page, row_selector: str) -> list[str]:
    """The ::before content (the data-label shown on phones) of each cell of the first row."""
    return page.eval_on_selector(
        row_selector,
        "row => [...row.cells].map(td => getComputedStyle(td, '::before').content)",
    )


def test_officer_finds_household_by_id_and_reveals_a_number(page, live_server, households, cast):
    household = households["A1"]
    wang = Person.objects.get(name="王建国")
    wife = Person.objects.get(name="李秀英")
    sign_in(page, live_server, "alice")
    assert page.locator("h1").inner_text() == "和平社区 — 社区救助工作"

    page.fill("#q", wang.id_number)
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(re.compile(r"/households/\?s=[\w-]+$"))
    assert wang.id_number not in page.url  # searched by POST: no ID number in any URL
    assert page.locator("p.count").inner_text() == "共 1 户"
    rows = page.locator("table.households tbody tr")
    assert rows.count() == 1
    assert rows.locator("td").all_inner_texts() == [
        "100000001",
        "王建国",
        wang.id_masked,
        "积玉桥街道 和平社区",
        "2",
    ]

    rows.get_by_role("link", name="100000001").click()
    page.wait_for_url(f"{live_server.url}/households/{household.pk}/")
    assert page.locator("h1").inner_text() == "家庭 100000001"
    content = page.content()
    for person in (wang, wife):
        assert person.id_number not in content
        assert page.locator(f"#id-{person.pk} span.mono").inner_text() == person.id_masked

    page.evaluate("window.__sameDocument = true")
    cell = page.locator(f"#id-{wang.pk}")
    cell.get_by_text("查看完整号码").click()
    reason = "入户核查低保申请材料"
    cell.get_by_label("理由（记入审计日志）").fill(reason)
    cell.get_by_role("button", name="查看").click()
    revealed = page.get_by_test_id("revealed-id")
    assert revealed.inner_text() == wang.id_number
    assert page.locator(f"#id-{wang.pk} small").inner_text() == "本次查看已记入审计日志。"
    assert page.evaluate("window.__sameDocument") is True
    assert page.url == f"{live_server.url}/households/{household.pk}/"
    assert revealed.count() == 1
    assert wife.id_number not in page.content()

    entries = AuditEntry.objects.filter(action="person.reveal_id")
    assert [(e.actor_name, e.object_id, e.outcome, e.detail) for e in entries] == [
        ("alice", str(wang.pk), "success", {"reason": reason})
    ]


def test_language_switch(page, live_server, households, cast):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "登录兜底平台"

    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url == f"{live_server.url}/accounts/login/"
    assert page.locator("h1").inner_text() == "Sign in to doudi"
    assert page.locator("main form button[type=submit]").inner_text() == "Sign in"

    sign_in(page, live_server, "alice")
    assert page.locator("h1").inner_text() == "和平社区 — community assistance work"
    assert page.locator(".top nav a").all_inner_texts() == [
        "Home",
        "Work queue",
        "Households",
        "Warnings",
        "Assistance applications",
    ]

    with page.expect_navigation():
        page.select_option("#language", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "和平社区 — 社区救助工作"
    sign_out(page, live_server.url)
    assert page.locator("h1").inner_text() == "登录兜底平台"


def test_phone_width_has_no_horizontal_overflow(browser, live_server, households, cast):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        sign_in(page, live_server, "alice")
        page.goto(f"{live_server.url}/households/")
        assert page.locator("table.households tbody tr").count() == 2
        assert page.evaluate(NO_OVERFLOW) <= 390
        assert cell_labels(page, "table.households tbody tr") == [f'"{t}"' for t in LIST_LABELS]

        page.goto(f"{live_server.url}/households/{households['A1'].pk}/")
        assert page.locator("table.members tbody tr").count() == 2
        assert page.evaluate(NO_OVERFLOW) <= 390
        assert cell_labels(page, "table.members tbody tr") == [f'"{t}"' for t in MEMBER_LABELS]
        # Opening the reveal form must not widen the page either.
        page.locator("table.members tbody tr").first.get_by_text("查看完整号码").click()
        assert page.evaluate(NO_OVERFLOW) <= 390
    finally:
        context.close()


def test_care_mode_enlarges_text_and_is_remembered(page, live_server, households, cast):
    sign_in(page, live_server, "alice")
    button = page.get_by_role("button", name="关怀版（大字）")
    assert page.evaluate(ROOT_FONT_SIZE) == "16px"
    assert button.get_attribute("aria-pressed") == "false"

    button.click()
    assert page.evaluate(ROOT_FONT_SIZE) == "20px"
    assert button.get_attribute("aria-pressed") == "true"

    page.reload()
    assert page.evaluate(ROOT_FONT_SIZE) == "20px"
    assert button.get_attribute("aria-pressed") == "true"

    button.click()
    assert page.evaluate(ROOT_FONT_SIZE) == "16px"
    assert button.get_attribute("aria-pressed") == "false"
    page.reload()
    assert page.evaluate(ROOT_FONT_SIZE) == "16px"


def test_first_tab_focuses_the_skip_link(page, live_server, households, cast):
    sign_in(page, live_server, "alice")
    for path in ("/", "/households/"):
        page.goto(f"{live_server.url}{path}")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "[document.activeElement.className, document.activeElement.textContent,"
            " document.activeElement.getAttribute('href')]"
        )
        assert focused == ["skip", "跳到正文", "#main"], path
        page.keyboard.press("Enter")
        assert page.url == f"{live_server.url}{path}#main"


def test_officer_cannot_reach_another_communitys_household(page, live_server, households, cast):
    sign_in(page, live_server, "bob")
    assert page.locator("h1").inner_text() == "新河社区 — 社区救助工作"

    response = page.goto(f"{live_server.url}/households/{households['A1'].pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    content = page.content()
    assert "100000001" not in content
    assert "王建国" not in content

    page.goto(f"{live_server.url}/households/")
    page.fill("#q", "王建国")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    assert page.locator("#results p.empty").inner_text() == "在您的辖区内没有找到家庭。"
    assert page.locator("#results p.count").inner_text() == "共 0 户"
    assert page.locator("#results table").count() == 0
    # Searched by POST: the results page is addressed by a session token, not by the name.
    assert re.fullmatch(rf"{live_server.url}/households/\?s=[\w-]+", page.url)

    page.fill("#q", "刘芳")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    assert page.locator("#results table.households tbody tr td").first.inner_text() == "100000003"
    assert page.locator("#results table.households tbody tr").count() == 1
