"""The pages' Content-Security-Policy holds in a real browser: injected inline script does not run."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_injected_inline_script_is_blocked(browser, live_server, db):
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """document.body.insertAdjacentHTML('beforeend',
        '<img src="/static/none.png" onerror="window.pwned=1">')"""
    )
    page.evaluate(
        "(() => { const s = document.createElement('script');"
        " s.textContent = 'window.pwned2 = 1'; document.body.appendChild(s); })()"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned === undefined && window.pwned2 === undefined")
    assert any("Content Security Policy" in m for m in messages), messages
    context.close()
