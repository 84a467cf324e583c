"""The bureau runs monitoring in the browser, filters the warning list, opens a warning and
reads its explanation in Chinese (the engine is the app tests' stand-in with fixed results)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from doudi.accounts.actions import totp_device_enrol
from doudi.monitoring import actions
from doudi.monitoring.models import MonitoringRun, Warning
from tests.conftest import PASSWORD, current_code
from tests.e2e.pages import submit_login
from tests.monitoring.conftest import ILLNESS, POOR, FakeEngine

pytestmark = pytest.mark.e2e
NO_OVERFLOW = "document.documentElement.scrollWidth"


@pytest.fixture
def engine(monkeypatch):
    fake = FakeEngine(
        households=[
            ("100000001", 82.0, "urgent", ["serious_illness", "medical_spending_share"], ILLNESS),
            ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
            ("100000004", 60.0, "warning", ["income_below_dibao"], POOR),
        ]
    )
    monkeypatch.setattr(actions, "_engine", lambda: fake)
    monkeypatch.setattr(
        actions,
        "_persons",
        lambda: pd.DataFrame(columns=["unique_id", "source", "record_key", "person_key"]),
    )
    monkeypatch.setattr(actions, "_households", lambda: None)
    return fake


def test_bureau_runs_monitoring_filters_and_reads_an_explanation(
    browser, live_server, households, cast, engine
):
    device = totp_device_enrol(user=cast["dave"], confirmed=True)
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        submit_login(
            page, live_server.url, "dave", PASSWORD, totp_code=lambda: current_code(device)
        )
        page.locator('main a[href="/monitoring/runs/"]').first.click()
        page.wait_for_url(f"{live_server.url}/monitoring/runs/")
        page.locator('main form[action="/monitoring/runs/"] button').click()
        page.wait_for_url(re.compile(r".*/monitoring/runs/\d+/$"))
        run = MonitoringRun.objects.get()
        assert (run.status, run.is_current) == ("succeeded", True)
        assert page.get_by_test_id("warned").inner_text() == "3"

        page.goto(f"{live_server.url}/monitoring/")
        rows = page.locator("table.warnings tbody tr")
        assert rows.count() == 3
        assert page.evaluate(NO_OVERFLOW) <= 390
        page.select_option("select[name=level]", "urgent")  # htmx swaps the rows
        page.wait_for_url(re.compile(r".*level=urgent.*"))
        assert rows.count() == 1
        warning = Warning.objects.get(household__hukou_no="100000001")
        rows.get_by_role("link", name="100000001").click()
        page.wait_for_url(f"{live_server.url}/monitoring/warnings/{warning.pk}/")
        assert page.get_by_test_id("level").inner_text() == "紧急"
        indicators = page.locator("ol.indicators > li")
        assert indicators.count() == 2
        first = indicators.first.inner_text()
        assert "重特大疾病或特殊病（认定或近两年确诊）" in first
        assert "健康状况" in first
        assert "医保" in first and "2026年3月2日" in first and "自付 23,000 元" in first
        assert "v1" in page.get_by_test_id("policy-version").inner_text()
        assert page.evaluate(NO_OVERFLOW) <= 390
    finally:
        context.close()
